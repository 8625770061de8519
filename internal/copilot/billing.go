package copilot

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
)

// SeatBreakdown is GitHub's copilot-organization-seat-breakdown, counted
// from the same seats the seat list shows.
type SeatBreakdown struct {
	Total               int // seats billed this cycle: every listed seat, pending cancellation included
	AddedThisCycle      int // seats granted since the cycle began
	PendingInvitation   int // seats waiting on an org invitation to be accepted (not in Total)
	PendingCancellation int // listed seats with a cancellation date
	ActiveThisCycle     int // listed seats used since the cycle began
	InactiveThisCycle   int // Total - ActiveThisCycle
}

// Billing is what GET /orgs/{org}/copilot/billing reports.
type Billing struct {
	Subscription seatkeeper.Subscription
	Seats        SeatBreakdown
}

// Billing reports an org's Copilot settings and seat breakdown at the
// clock's time; GitHub's 422 when Copilot is not enabled.
func (s *Service) Billing(ctx context.Context, org seatkeeper.Organization) (Billing, error) {
	sub, err := subscription(ctx, s.Store, org.ID)
	if err != nil {
		return Billing{}, err
	}
	now := s.Clock.Now()
	start := seatkeeper.CycleStart(sub.BillingCycleDay, now)
	c, err := s.Store.CountSeats(ctx, org.ID, now, start)
	if err != nil {
		return Billing{}, err
	}
	return Billing{Subscription: sub, Seats: SeatBreakdown{
		Total:               c.Listed,
		AddedThisCycle:      c.AddedSince,
		PendingInvitation:   c.Invited,
		PendingCancellation: c.PendingCancellation,
		ActiveThisCycle:     c.ActiveSince,
		InactiveThisCycle:   c.Listed - c.ActiveSince,
	}}, nil
}
