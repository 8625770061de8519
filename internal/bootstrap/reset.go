package bootstrap

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Reset deletes everything but the bootstrap administrator and their
// tokens, in one transaction with its audit entry.
func Reset(ctx context.Context, st *store.Store, now time.Time) error {
	return st.Tx(ctx, func(tx *store.Tx) error {
		keep, err := UserIDs(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.Reset(ctx, keep); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.StateReset})
	})
}
