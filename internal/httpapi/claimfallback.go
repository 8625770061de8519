package httpapi

import (
	"context"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// claimFallback decides when a replica on a database that still reads
// but cannot write (read-only, full) counts its budgets and slots in its
// own memory instead of claiming leases (sharedLimiter, sharedSlots):
// once a claim fails that way, for fallbackSpell, so that while the
// database cannot write a request costs no failed claim and no ping,
// only the first of each spell does.
type claimFallback struct {
	mu    sync.Mutex
	until time.Time // claims go to memory before then
}

// fallbackSpell is how long a replica counts in memory after a claim the
// database could not take, before it tries the database again.
const fallbackSpell = 2 * time.Second

// active reports whether claims go to memory at now.
func (f *claimFallback) active(now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return now.Before(f.until)
}

// failed reports whether err, a claim's error, means that st reads but
// cannot write; if so, claims go to memory from now for a spell.
func (f *claimFallback) failed(ctx context.Context, st *store.Store, err error, now time.Time) bool {
	if !store.Unavailable(err) || st.Ping(ctx) != nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.until = now.Add(fallbackSpell)
	return true
}
