package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
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
	return BillingAt(ctx, s.Store, org, s.Clock.Now())
}

// BillingReader is what a billing breakdown reads: a Store, or a Tx.
type BillingReader interface {
	Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error)
	CountSeats(ctx context.Context, orgID int64, at, since time.Time) (store.SeatCounts, error)
}

// BillingAt is Billing at now, read through r (a page's snapshot).
func BillingAt(ctx context.Context, r BillingReader, org seatkeeper.Organization, now time.Time) (Billing, error) {
	sub, err := subscription(ctx, r, org.ID)
	if err != nil {
		return Billing{}, err
	}
	start := seatkeeper.CycleStart(sub.BillingCycleDay, now)
	c, err := r.CountSeats(ctx, org.ID, now, start)
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
