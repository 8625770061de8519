package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Overview is what Billing and OrgSeats report together, read at one
// moment: the org's subscription, its listed seats (in list order) and
// their breakdown. A page that shows both reads the seats once and never
// shows a breakdown that disagrees with its list.
type Overview struct {
	Subscription seatkeeper.Subscription
	At           time.Time // the clock's time the seats were read at
	Seats        []seatkeeper.Seat
	Breakdown    SeatBreakdown
}

// Overview reports org's subscription, seats and seat breakdown at the
// clock's time; GitHub's 422 when Copilot is not enabled, as Billing.
func (s *Service) Overview(ctx context.Context, org seatkeeper.Organization) (Overview, error) {
	sub, err := subscription(ctx, s.Store, org.ID)
	if err != nil {
		return Overview{}, err
	}
	now := s.Clock.Now()
	listed, err := ledgerSeats(ctx, s.Store, org, sub, store.SeatQuery{OrgID: org.ID, At: now, State: seatkeeper.StateActive})
	if err != nil {
		return Overview{}, err
	}
	invited, err := s.Store.CountStateSeats(ctx, org.ID, seatkeeper.StatePending, now)
	if err != nil {
		return Overview{}, err
	}
	return Overview{
		Subscription: sub,
		At:           now,
		Seats:        listed,
		Breakdown:    Breakdown(listed, invited, seatkeeper.CycleStart(sub.BillingCycleDay, now)),
	}, nil
}
