package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Overview is what Billing and OrgSeats report together, resolved once at
// one moment: the org's subscription, its listed seats (in list order) and
// their breakdown. A page that shows both reads the seats once and never
// shows a breakdown that disagrees with its list.
type Overview struct {
	Subscription seatkeeper.Subscription
	At           time.Time // the clock's time the seats were resolved at
	Seats        []seatkeeper.Seat
	Breakdown    SeatBreakdown
}

// invitedOneByOne is how many invitees are resolved one at a time before
// resolving the whole org's invited seats at once is cheaper.
const invitedOneByOne = 32

// Overview reports org's subscription, seats and seat breakdown at the
// clock's time; GitHub's 422 when Copilot is not enabled, as Billing.
func (s *Service) Overview(ctx context.Context, org seatkeeper.Organization) (Overview, error) {
	sub, err := subscription(ctx, s.Store, org.ID)
	if err != nil {
		return Overview{}, err
	}
	now := s.Clock.Now()
	listed, err := seats(ctx, s.Store, org, sub, seatkeeper.StateActive, store.Users{}, now)
	if err != nil {
		return Overview{}, err
	}
	// Invitees are usually few: resolving each alone avoids reading every
	// grant of the org a second time, as Billing does.
	invitees, err := s.Store.MembersOf(ctx, org.ID, seatkeeper.StatePending, store.Users{})
	if err != nil {
		return Overview{}, err
	}
	invited := 0
	if len(invitees) > invitedOneByOne {
		all, err := seats(ctx, s.Store, org, sub, seatkeeper.StatePending, store.Users{}, now)
		if err != nil {
			return Overview{}, err
		}
		invited = len(all)
	} else {
		for _, m := range invitees {
			one, err := seats(ctx, s.Store, org, sub, seatkeeper.StatePending, store.OnlyUsers(m.User.ID), now)
			if err != nil {
				return Overview{}, err
			}
			invited += len(one)
		}
	}
	return Overview{
		Subscription: sub,
		At:           now,
		Seats:        listed,
		Breakdown:    Breakdown(listed, invited, seatkeeper.CycleStart(sub.BillingCycleDay, now)),
	}, nil
}
