package httpapi

import (
	"context"
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
)

// handleSeatDetails serves GET /orgs/{org}/members/{username}/copilot.
//
// The encoded answer (or GitHub's error) is kept in the read cache for the
// rest of the UTC day: a seat changes with the time only at 00:00 UTC,
// when a pending cancellation takes effect.
func (s *Server) handleSeatDetails(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	username := r.PathValue("username")
	now := s.clock.Now()
	key := seatKey{org: org.ID, username: username, day: now.Unix() / 86400}
	ctx := cachedByName(r.Context(), username)
	body, err := readcache.GetIn(ctx, org.ID, key, func() (encodedJSON, error) {
		seat, err := s.copilot.SeatDetails(ctx, org, username, now)
		if err != nil {
			return encodedJSON{}, err
		}
		return s.encodeSeat(seat)
	})
	if err != nil {
		return err
	}
	s.writeEncoded(w, r, http.StatusOK, body)
	return nil
}

// seatKey is the read cache's key for a seat's encoded details: the org,
// the user name as the path gave it, and the UTC day (days since 1970).
type seatKey struct {
	org      int64
	username string
	day      int64
}

// seatList is the body of the seat lists.
type seatList struct {
	TotalSeats int           `json:"total_seats"`
	Seats      []seatDetails `json:"seats"`
}

// handleListSeats serves GET /orgs/{org}/copilot/billing/seats (and the
// same under /organizations/{org_id}).
func (s *Server) handleListSeats(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	p := pageOf(r, 50)
	total, seats, err := s.copilot.SeatPage(r.Context(), org, p.bounds)
	if err != nil {
		return err
	}
	s.setLink(w, r, p, total)
	s.writeJSON(w, r, http.StatusOK, seatList{TotalSeats: total, Seats: s.seatBodies(seats)})
	return nil
}

// billing is copilot-organization-details.
type billing struct {
	SeatBreakdown         seatBreakdown `json:"seat_breakdown"`
	SeatManagementSetting string        `json:"seat_management_setting"`
	IDEChat               string        `json:"ide_chat"`
	PlatformChat          string        `json:"platform_chat"`
	CLI                   string        `json:"cli"`
	PublicCodeSuggestions string        `json:"public_code_suggestions"`
	PlanType              string        `json:"plan_type"`
}

type seatBreakdown struct {
	Total               int `json:"total"`
	AddedThisCycle      int `json:"added_this_cycle"`
	PendingInvitation   int `json:"pending_invitation"`
	PendingCancellation int `json:"pending_cancellation"`
	ActiveThisCycle     int `json:"active_this_cycle"`
	InactiveThisCycle   int `json:"inactive_this_cycle"`
}

// handleBilling serves GET /orgs/{org}/copilot/billing.
func (s *Server) handleBilling(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	b, err := s.copilot.Billing(r.Context(), org)
	if err != nil {
		return err
	}
	sub, n := b.Subscription, b.Seats
	s.writeJSON(w, r, http.StatusOK, billing{
		SeatBreakdown: seatBreakdown{
			Total: n.Total, AddedThisCycle: n.AddedThisCycle, PendingInvitation: n.PendingInvitation,
			PendingCancellation: n.PendingCancellation, ActiveThisCycle: n.ActiveThisCycle, InactiveThisCycle: n.InactiveThisCycle,
		},
		SeatManagementSetting: sub.SeatManagementSetting,
		IDEChat:               sub.IDEChat,
		PlatformChat:          sub.PlatformChat,
		CLI:                   sub.CLI,
		PublicCodeSuggestions: sub.PublicCodeSuggestions,
		PlanType:              sub.PlanType,
	})
	return nil
}

// seatWrite serves one of the four seat-management writes: it reads the
// named list from the body, runs op, and answers {key: count}.
func (s *Server) seatWrite(field, key string, status int,
	op func(ctx context.Context, org seatkeeper.Organization, names []string) (int, error)) orgHandler {
	return func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
		return s.namesWrite(w, r, field, key, status, func(names []string) (int, error) { return op(r.Context(), org, names) })
	}
}

// namesWrite serves a seat write whose body lists names in field: it
// answers status with {key: n}, n what op returns.
func (s *Server) namesWrite(w http.ResponseWriter, r *http.Request, field, key string, status int, op func(names []string) (int, error)) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	names, err := stringList(obj, field)
	if err != nil {
		return err
	}
	n, err := op(names)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, status, map[string]int{key: n})
	return nil
}

// seatBodies builds the wire form of seats, which the service returned
// whole (their assigning team's parent and enterprise loaded).
func (s *Server) seatBodies(seats []seatkeeper.Seat) []seatDetails {
	out := make([]seatDetails, len(seats))
	for i, seat := range seats {
		out[i] = s.urls.seatDetails(seat)
	}
	return out
}
