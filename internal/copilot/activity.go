package copilot

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// RecordActivity records a's Copilot use and sign-in by username in org
// (what a leaves nil stays as recorded), as the IDE reporting to GitHub
// would: only a user who holds a seat at the clock's
// time can use Copilot, so the same checks as SeatDetails apply, with the
// same errors (404 "No seat found for this user in this organization."
// among them). It returns the seat with its new activity.
func (s *Service) RecordActivity(ctx context.Context, org seatkeeper.Organization, username string, a seatkeeper.Activity) (seatkeeper.Seat, error) {
	var seat seatkeeper.Seat
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		var err error
		seat, err = seatOf(ctx, tx, org, username, s.Clock.Now())
		if err != nil {
			return err
		}
		a = seat.Activity.Update(a)
		if err := tx.PutActivity(ctx, org.ID, seat.User.ID, a); err != nil {
			return err
		}
		seat.Activity = a
		return nil
	})
	return seat, err
}
