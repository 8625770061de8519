package copilot

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// SeatPage returns one page of the org's seat list at the clock's time:
// the seats between the bounds pick for the list's total, in list order
// (as OrgSeats), and the total. Both are read from the seat ledger's list
// index: a count and one page's rows.
func (s *Service) SeatPage(ctx context.Context, org seatkeeper.Organization,
	bounds func(total int) (lo, hi int)) (total int, page []seatkeeper.Seat, err error) {
	sub, err := s.Store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return 0, nil, nil // GitHub lists no seats rather than failing
	}
	if err != nil {
		return 0, nil, err
	}
	now := s.Clock.Now()
	if total, err = s.Store.CountStateSeats(ctx, org.ID, seatkeeper.StateActive, now); err != nil {
		return 0, nil, err
	}
	lo, hi := bounds(total)
	if hi <= lo {
		return total, nil, nil
	}
	page, err = ledgerSeats(ctx, s.Store, org, sub, store.SeatQuery{
		OrgID: org.ID, At: now, State: seatkeeper.StateActive, Offset: lo, Limit: hi - lo,
	})
	return total, page, err
}
