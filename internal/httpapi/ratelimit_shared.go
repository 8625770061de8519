package httpapi

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// sharedLimiter counts against budgets every replica on one PostgreSQL
// database shares (internal/store's rate_limits), without a round trip a
// request: a replica claims a lease, a slice of a key's budget for the
// window, in one statement (store.ClaimRate), and spends it in memory.
// A lease is a sixteenth of what is left of the budget, at least 1 and at
// most leaseCap: near the end of a budget, and for small limits (under
// 32), each request claims its own, so the sum over replicas never
// exceeds the limit and a budget runs out exactly. What a replica claimed
// and did not spend before the window ended is lost to the others (at
// most a sixteenth of the budget). The X-RateLimit-Used a replica reports
// is the budget claimed by all replicas, less what is left of its own
// lease: the others' unspent leases (at most leaseCap each) count as
// used.
//
// A database that cannot take a claim now (read-only, full: one that
// still serves reads) leaves the replica counting in its own memory
// (local), as on SQLite, until it can again (claimFallback): reads go on
// being answered.
//
// Each claim is a write, which moves the database's data version: every
// replica's read cache then starts a new generation (keeping its
// answers, since a claim changes none). leaseCap grows with the limit, so
// that a token spending its budget fast claims about as often whatever
// the limit: with GitHub's 5,000 an hour, every 78 requests.
type sharedLimiter struct {
	store  *store.Store
	now    func() time.Time
	mu     sync.Mutex
	leases map[rateKey]*lease
	// claiming holds a key's claim in progress, so that a burst on one
	// key waits for one claim instead of making many; striped by key.
	claiming [64]sync.Mutex
	local    *limiter // while the database cannot take a claim
	fallback claimFallback
}

// leaseCap bounds a lease on a budget of limit: a sixty-fourth of it, and
// at least 64.
func leaseCap(limit int) int { return max(64, limit/64) }

// lease is a replica's unspent claim on a key's budget.
type lease struct {
	st      rateState // the state to report: used is claimed - left
	left    int
	granted int // the claim's size
}

func newSharedLimiter(st *store.Store) *sharedLimiter {
	return &sharedLimiter{store: st, now: time.Now, leases: map[rateKey]*lease{}, local: newLimiter()}
}

// dbKey names a rate key in the database.
func (k rateKey) dbKey() string {
	if k.tokenHash != "" {
		return "token:" + k.tokenHash
	}
	return "addr:" + k.addr
}

func (l *sharedLimiter) reserve(ctx context.Context, key rateKey, limit int) (rateState, bool, error) {
	if st, ok := l.spend(key, limit); ok {
		return st, true, nil
	}
	if l.fallback.active(l.now()) {
		return l.local.reserve(ctx, key, limit)
	}
	// Claim a lease: one claim per key at a time in this replica, so a
	// burst waits for one claim instead of making many.
	mu := &l.claiming[stripe(key)]
	mu.Lock()
	defer mu.Unlock()
	if st, ok := l.spend(key, limit); ok { // another request claimed meanwhile
		return st, true, nil
	}
	lc, err := l.store.ClaimRate(ctx, key.dbKey(), int(key.resource), limit, leaseCap(limit), l.now(), rateWindow)
	if l.fallback.failed(ctx, l.store, err, l.now()) {
		return l.local.reserve(ctx, key, limit) // it reads, it cannot write
	}
	if err != nil {
		return rateState{}, false, err
	}
	st := newRateState(limit, min(lc.Claimed, limit), lc.Reset, key.resource)
	if lc.Granted == 0 {
		if lc.Reset.IsZero() {
			st.reset = l.now().Add(rateWindow).Truncate(time.Second)
		}
		return st, false, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// The request spends one of the lease's; what is left is this
	// replica's, reported as used until it is spent.
	st.used = lc.Claimed - (lc.Granted - 1)
	if len(l.leases) >= 10000 { // sweep leases of ended windows
		now := l.now()
		for k, old := range l.leases {
			if !now.Before(old.st.reset) {
				delete(l.leases, k)
			}
		}
	}
	l.leases[key] = &lease{st: st, left: lc.Granted - 1, granted: lc.Granted}
	return st, true, nil
}

// stripe picks key's claiming lock.
func stripe(key rateKey) int {
	h := fnv.New32a()
	h.Write([]byte(key.tokenHash))
	h.Write([]byte(key.addr))
	return int(h.Sum32() % 64)
}

// spend takes one request from this replica's lease on key, if it holds
// one for the current window with some left.
func (l *sharedLimiter) spend(key rateKey, limit int) (rateState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ls, ok := l.leases[key]
	if !ok || ls.left == 0 || !l.now().Before(ls.st.reset) || ls.st.limit != limit {
		if ok && !l.now().Before(ls.st.reset) {
			delete(l.leases, key)
		}
		return rateState{}, false
	}
	ls.left--
	ls.st.used++
	return ls.st, true
}

// refund gives the request back: to this replica's lease while leases
// are larger than one request, else (near the end of a budget, where it
// is exact) to the budget every replica shares.
func (l *sharedLimiter) refund(ctx context.Context, key rateKey, reset time.Time) {
	l.mu.Lock()
	ls, ok := l.leases[key]
	if !ok || !ls.st.reset.Equal(reset) || ls.st.used == 0 {
		l.mu.Unlock()
		l.local.refund(ctx, key, reset) // counted locally, if at all
		return
	}
	ls.st.used--
	if ls.granted > 1 {
		ls.left++
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	// A refund that fails costs the caller one request of its budget.
	_ = l.store.RefundRate(ctx, key.dbKey(), int(key.resource), reset)
}

// peek reports the budget claimed by all replicas, less this replica's
// unspent lease.
func (l *sharedLimiter) peek(ctx context.Context, key rateKey, limit int) (rateState, error) {
	lc, err := l.store.RateClaimed(ctx, key.dbKey(), int(key.resource))
	if err != nil {
		return rateState{}, err
	}
	now := l.now()
	if lc.Reset.IsZero() || !now.Before(lc.Reset) {
		return newRateState(limit, 0, now.Add(rateWindow).Truncate(time.Second), key.resource), nil
	}
	used := lc.Claimed
	l.mu.Lock()
	if ls, ok := l.leases[key]; ok && ls.st.reset.Equal(lc.Reset) {
		used -= ls.left
	}
	l.mu.Unlock()
	return newRateState(limit, min(used, limit), lc.Reset, key.resource), nil
}
