package audit

import (
	"context"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// RecordAlone appends ev in a transaction of its own, for changes that
// live outside the database (the service clock).
func RecordAlone(ctx context.Context, st *store.Store, ev Event) error {
	return st.Tx(ctx, func(tx *store.Tx) error { return Record(ctx, tx, ev) })
}
