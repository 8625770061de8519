package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// DeriveSeats resolves the seats of an org's members in a state ("" for
// any) at now from grants, teams and memberships, without the ledger: the
// oracle the ledger is held to.
func DeriveSeats(ctx context.Context, r Reader, org seatkeeper.Organization, state string, now time.Time) ([]seatkeeper.Seat, error) {
	sub, err := r.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return deriveSeats(ctx, r, org, sub, state, store.Users{}, now)
}

// SetMarkEvery sets how many seats apart a list's bookmarks are, for
// tests that page a small org across many bookmarks; it returns the old
// value.
func SetMarkEvery(n int) int {
	old := markEvery
	markEvery = n
	return old
}
