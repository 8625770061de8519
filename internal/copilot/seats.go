// Package copilot holds the business rules of GitHub Copilot seat
// management: who holds a seat, through which grant, until when; how
// seats are added and cancelled and how GitHub counts them. It reads and
// writes through the store and answers with seatkeeper errors carrying
// GitHub's messages.
package copilot

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Documentation URLs GitHub attaches to Copilot errors.
const (
	DocSeatDetails = "https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-assignment-details-for-a-user"
	DocPlans       = "https://docs.github.com/copilot/about-github-copilot/subscription-plans-for-github-copilot"
	DocGrantAccess = "https://docs.github.com/copilot/managing-copilot/managing-github-copilot-in-your-organization/managing-access-to-github-copilot-in-your-organization/granting-access-to-copilot-for-members-of-your-organization"
)

// GitHub's messages.
const (
	MsgNotEnabled        = "Copilot Business is not enabled for this organization."
	MsgPendingInvitation = "User has a pending organization invitation."
	MsgNotOrgMember      = "User does not exist in this organization."
	MsgNoSeat            = "No seat found for this user in this organization."
)

// Service answers Copilot questions from the store at the clock's time.
type Service struct {
	Store *store.Store
	Clock *clock.Clock
}

// Reader is what seat resolution reads: a Store, or a Tx inside a write.
type Reader interface {
	Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error)
	MembersOf(ctx context.Context, orgID int64, state string, users store.Users) ([]store.Member, error)
	OrgReachesOf(ctx context.Context, orgID int64, users store.Users) (map[int64][]seatkeeper.Reach, error)
	OrgActivityOf(ctx context.Context, orgID int64, users store.Users) (map[int64]seatkeeper.Activity, error)
}

func errNotEnabled() error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, MsgNotEnabled).WithDoc(DocPlans)
}

// subscription returns the org's subscription, or GitHub's 422 when
// Copilot is not enabled.
func subscription(ctx context.Context, r interface {
	Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error)
}, orgID int64) (seatkeeper.Subscription, error) {
	sub, err := r.Subscription(ctx, orgID)
	if seatkeeper.IsNotFound(err) {
		return sub, errNotEnabled()
	}
	return sub, err
}

// SeatDetails answers GET /orgs/{org}/members/{username}/copilot at now
// (the clock's, read once by a caller that also keys a cache by it) for a
// caller already allowed to see org's seats, checking in GitHub's order:
// Copilot enabled, user exists, membership, seat. Through a read cache
// view (internal/readcache), the org's subscription and teams are kept
// with the org's other answers.
func (s *Service) SeatDetails(ctx context.Context, org seatkeeper.Organization, username string, now time.Time) (seatkeeper.Seat, error) {
	seat, err := seatOf(ctx, cachedOrg{s.Store, org.ID}, org, username, now)
	if err != nil {
		return seat, err
	}
	seats := []seatkeeper.Seat{seat}
	err = complete(ctx, s.Store, seats)
	return seats[0], err
}

// cachedOrg is a Store reading one org's subscription and teams through
// the read cache, in the org's scope.
type cachedOrg struct {
	*store.Store
	orgID int64
}

// Read cache keys for an org's subscription and for its teams by id.
type (
	subscriptionKey struct{ org int64 }
	teamKey         struct{ org, id int64 }
)

func (c cachedOrg) Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error) {
	return readcache.GetIn(ctx, c.orgID, subscriptionKey{orgID}, func() (seatkeeper.Subscription, error) {
		return c.Store.Subscription(ctx, orgID)
	})
}

func (c cachedOrg) TeamByID(ctx context.Context, id int64) (seatkeeper.Team, error) {
	return readcache.GetIn(ctx, c.orgID, teamKey{c.orgID, id}, func() (seatkeeper.Team, error) {
		return c.Store.TeamByID(ctx, id)
	})
}

// seatReader is a Reader that also reads the seat ledger and the teams
// that carry seats.
type seatReader interface {
	Reader
	UserSeatByLogin(ctx context.Context, orgID int64, login string, at time.Time) (store.UserSeat, error)
	LedgerSeats(ctx context.Context, q store.SeatQuery) ([]store.LedgerSeat, error)
	TeamByID(ctx context.Context, id int64) (seatkeeper.Team, error)
	EnterpriseTeamByID(ctx context.Context, id int64) (seatkeeper.EnterpriseTeam, error)
}

// seatOf is SeatDetails reading through r at now: the subscription, then
// the user, their membership and their seat in one read.
func seatOf(ctx context.Context, r seatReader, org seatkeeper.Organization, username string, now time.Time) (seatkeeper.Seat, error) {
	sub, err := subscription(ctx, r, org.ID)
	if err != nil {
		return seatkeeper.Seat{}, err
	}
	us, err := r.UserSeatByLogin(ctx, org.ID, username, now)
	switch {
	case err != nil:
		return seatkeeper.Seat{}, err // Not Found
	case us.MemberState == "":
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNotOrgMember).WithDoc(DocSeatDetails)
	case us.MemberState == seatkeeper.StatePending:
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindInvalid, MsgPendingInvitation).WithDoc(DocSeatDetails)
	case us.Seat == nil || us.Seat.State != seatkeeper.StateActive:
		return seatkeeper.Seat{}, seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNoSeat).WithDoc(DocGrantAccess)
	}
	seats, err := wholeSeats(ctx, r, org, sub, []store.LedgerSeat{*us.Seat})
	if err != nil {
		return seatkeeper.Seat{}, err
	}
	return seats[0], nil
}

// ledgerSeats reads the seats q selects from the seat ledger, with the
// teams that carry them.
func ledgerSeats(ctx context.Context, r seatReader, org seatkeeper.Organization, sub seatkeeper.Subscription,
	q store.SeatQuery) ([]seatkeeper.Seat, error) {
	rows, err := r.LedgerSeats(ctx, q)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return wholeSeats(ctx, r, org, sub, rows)
}

// TeamReader reads the teams that carry seats: a Store, or a Tx.
type TeamReader interface {
	TeamByID(ctx context.Context, id int64) (seatkeeper.Team, error)
	EnterpriseTeamByID(ctx context.Context, id int64) (seatkeeper.EnterpriseTeam, error)
}

// WholeSeats makes whole seats of ledger rows of org read elsewhere (a
// dashboard's filtered list), each team that carries one read once
// through r (the snapshot the rows came from).
func WholeSeats(ctx context.Context, r TeamReader, org seatkeeper.Organization, sub seatkeeper.Subscription, rows []store.LedgerSeat) ([]seatkeeper.Seat, error) {
	return wholeSeats(ctx, r, org, sub, rows)
}

func wholeSeats(ctx context.Context, r TeamReader, org seatkeeper.Organization, sub seatkeeper.Subscription, rows []store.LedgerSeat) ([]seatkeeper.Seat, error) {
	teams := map[int64]*seatkeeper.Team{}
	eteams := map[int64]*seatkeeper.EnterpriseTeam{}
	out := make([]seatkeeper.Seat, len(rows))
	for i, row := range rows {
		out[i] = seatkeeper.Seat{
			Org:                     org,
			User:                    row.User,
			PlanType:                sub.PlanType,
			CreatedAt:               row.CreatedAt,
			UpdatedAt:               row.UpdatedAt,
			PendingCancellationDate: row.PendingCancellationDate,
			Activity:                row.Activity,
		}
		if id := row.TeamID; id != 0 {
			if teams[id] == nil {
				t, err := r.TeamByID(ctx, id)
				if err != nil {
					return nil, err
				}
				teams[id] = &t
			}
			out[i].Team = teams[id]
		}
		if id := row.EnterpriseTeamID; id != 0 {
			if eteams[id] == nil {
				t, err := r.EnterpriseTeamByID(ctx, id)
				if err != nil {
					return nil, err
				}
				eteams[id] = &t
			}
			out[i].EnterpriseTeam = eteams[id]
		}
	}
	return out, nil
}

// OrgSeats returns every seat billed in the org at the clock's time, in
// list order.
func (s *Service) OrgSeats(ctx context.Context, org seatkeeper.Organization) ([]seatkeeper.Seat, error) {
	sub, err := s.Store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return nil, nil // GitHub lists no seats rather than failing
	}
	if err != nil {
		return nil, err
	}
	return ledgerSeats(ctx, s.Store, org, sub, store.SeatQuery{OrgID: org.ID, At: s.Clock.Now(), State: seatkeeper.StateActive})
}

// deriveSeats resolves the seats of the org's members in the given state (of
// the given users only) at now, in list order: oldest grant
// first, ties by user id. Under "disabled" nobody holds a seat; under
// "assign_all" every member does, from when both they and the
// subscription existed; otherwise whoever a live grant reaches. It is
// what the seat ledger (store.LedgerSeats) must hold at every moment:
// writes inside a transaction read it before the ledger is brought up to
// date, and tests hold the ledger to it.
func deriveSeats(ctx context.Context, r Reader, org seatkeeper.Organization, sub seatkeeper.Subscription,
	state string, users store.Users, now time.Time) ([]seatkeeper.Seat, error) {
	if sub.SeatManagementSetting == seatkeeper.SeatsDisabled {
		return nil, nil
	}
	ms, err := r.MembersOf(ctx, org.ID, state, users)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return resolveMembers(ctx, r, org, sub, ms, users, now)
}

// resolveMembers is seats for members already read (users narrows the
// grants read to theirs).
func resolveMembers(ctx context.Context, r Reader, org seatkeeper.Organization, sub seatkeeper.Subscription,
	ms []store.Member, users store.Users, now time.Time) ([]seatkeeper.Seat, error) {
	if sub.SeatManagementSetting == seatkeeper.SeatsDisabled || len(ms) == 0 {
		return nil, nil
	}
	reaches, err := r.OrgReachesOf(ctx, org.ID, users)
	if err != nil {
		return nil, err
	}
	activity, err := r.OrgActivityOf(ctx, org.ID, users)
	if err != nil {
		return nil, err
	}
	out := make([]seatkeeper.Seat, 0, len(ms))
	eachSeat(sub, ms, reaches, now, func(m store.Member, chosen seatkeeper.Reach, pending *seatkeeper.Date) {
		since := chosen.Since()
		updated := chosen.Grant.UpdatedAt
		if since.After(updated) {
			updated = since
		}
		out = append(out, seatkeeper.Seat{
			Org:                     org,
			User:                    m.User,
			PlanType:                sub.PlanType,
			Team:                    chosen.Team,
			EnterpriseTeam:          chosen.ETeam,
			CreatedAt:               since,
			UpdatedAt:               updated,
			PendingCancellationDate: pending,
			Activity:                activity[m.User.ID],
		})
	})
	slices.SortStableFunc(out, func(a, b seatkeeper.Seat) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.User.ID, b.User.ID))
	})
	return out, nil
}

// eachSeat calls seat, in ms's order, for each member who holds a seat at
// now, with the reach that gives it and its pending cancellation date.
func eachSeat(sub seatkeeper.Subscription, ms []store.Member,
	reaches map[int64][]seatkeeper.Reach, now time.Time, seat func(store.Member, seatkeeper.Reach, *seatkeeper.Date)) {
	for _, m := range ms {
		if chosen, pending, ok := seatkeeper.ResolveSeat(seatkeeper.MemberReaches(sub, m.Membership, reaches[m.User.ID]), now); ok {
			seat(m, chosen, pending)
		}
	}
}
