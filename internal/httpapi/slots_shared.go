package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// sharedSlots counts a token's requests in progress against slots every
// replica on one PostgreSQL database shares (internal/store's
// concurrency_slots), without a round trip a request: a replica leases a
// block of a token's slots (store.ClaimSlots: claims on a token are
// serialized, so the leases never add up to more than the limit), takes
// and gives back slots of its lease in memory, and claims again only when
// its requests in progress would outgrow it. A lease lasts slotTTL: every
// slotTTL/3, while it holds any, a replica renews its leases in one
// statement and gives back what it did not use since the last renewal
// (each lease shrinks to the most requests it had in progress at once,
// and a block more: keepSlots; a lease not used since ends). Each claim
// and renewal is a write, which moves every replica's read-cache
// generation (see sharedLimiter): the block a lease keeps spares a token
// in steady use from claiming again.
// A replica that stops (killed, cut off from the database) stops
// renewing, and its slots return to the others slotTTL later at most.
//
// A lease is good in the replica's memory until slotTTL after the claim
// or renewal that made it was sent; the database counts its slotTTL from
// when it received it, later, so a replica never uses a lease the others
// may already have taken back.
//
// Like sharedLimiter, a database that cannot take a claim now (one that
// still serves reads) leaves the replica counting in its own memory until
// it can again (claimFallback).
type sharedSlots struct {
	store   *store.Store
	replica string // this replica's name in the table: random, per process
	ttl     time.Duration
	now     func() time.Time

	mu       sync.Mutex
	leases   map[string]*slotLease // by token hash
	renewing bool                  // a renewal is scheduled

	// A claim and a renewal of the same lease must not cross (a renewal
	// would shrink what a claim just grew): claims share renewMu, a
	// renewal holds it alone. claiming makes a burst on one token wait
	// for one claim instead of making many; striped by token.
	renewMu  sync.RWMutex
	claiming [64]sync.Mutex

	local    *inflight // while the database cannot take a claim
	fallback claimFallback
}

// slotLease is a replica's lease on a token's slots.
type slotLease struct {
	held  int       // slots leased
	limit int       // the limit it was claimed under
	busy  int       // requests in progress
	peak  int       // the most in progress at once since the last renewal
	until time.Time // held is good until then unless renewed
}

// slotTTL is how long a lease on slots lasts without renewal.
const slotTTL = 6 * time.Second

// slotBlock is how many slots a replica claims beyond those it has in use:
// an eighth of the limit, at least 1.
func slotBlock(limit int) int { return max(1, limit/8) }

// keepSlots is what a renewal keeps of a lease whose token had at most
// used requests in progress at once since the last renewal: those and a
// block more, so that a token in steady use does not claim again; none
// when it was not used.
func keepSlots(used, limit int) int {
	if used == 0 {
		return 0
	}
	return used + slotBlock(limit)
}

func newSharedSlots(st *store.Store) *sharedSlots {
	var id [12]byte
	rand.Read(id[:])
	return &sharedSlots{store: st, replica: hex.EncodeToString(id[:]), ttl: slotTTL, now: time.Now,
		leases: map[string]*slotLease{}, local: newInflight()}
}

func (l *sharedSlots) acquire(ctx context.Context, key string, limit int) (release func(), ok bool, err error) {
	if l.take(key, limit) {
		return l.releaser(key), true, nil
	}
	if l.fallback.active(l.now()) {
		return l.local.acquire(ctx, key, limit)
	}
	l.renewMu.RLock()
	defer l.renewMu.RUnlock()
	mu := &l.claiming[stripe(rateKey{tokenHash: key})]
	mu.Lock()
	defer mu.Unlock()
	if l.take(key, limit) { // another request claimed meanwhile
		return l.releaser(key), true, nil
	}
	l.mu.Lock()
	busy := 0
	if ls, ok := l.leases[key]; ok {
		busy = ls.busy
	}
	l.mu.Unlock()
	want := min(limit, busy+slotBlock(limit))
	sent := l.now()
	granted, err := l.store.ClaimSlots(ctx, key, l.replica, want, limit, l.ttl)
	if l.fallback.failed(ctx, l.store, err, sent) {
		return l.local.acquire(ctx, key, limit) // it reads, it cannot write
	}
	if err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ls, found := l.leases[key]
	if !found {
		ls = &slotLease{}
		l.leases[key] = ls
	}
	ls.held, ls.limit, ls.until = granted, limit, sent.Add(l.ttl)
	l.scheduleRenewal()
	if ls.busy >= ls.held {
		return nil, false, nil
	}
	ls.busy++
	ls.peak = max(ls.peak, ls.busy)
	return l.releaser(key), true, nil
}

// take takes a slot of this replica's lease on key, if it holds a good
// one with a slot free.
func (l *sharedSlots) take(key string, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ls, ok := l.leases[key]
	if !ok || ls.busy >= ls.held || ls.held > limit || !l.now().Before(ls.until) {
		return false
	}
	ls.busy++
	ls.peak = max(ls.peak, ls.busy)
	return true
}

// releaser gives a slot of key's lease back, in memory: the lease stays
// this replica's until a renewal finds it unused.
func (l *sharedSlots) releaser(key string) func() {
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if ls, ok := l.leases[key]; ok && ls.busy > 0 {
			ls.busy--
		}
	}
}

// scheduleRenewal makes sure a renewal is coming while leases are held;
// l.mu must be held.
func (l *sharedSlots) scheduleRenewal() {
	if !l.renewing && len(l.leases) > 0 {
		l.renewing = true
		time.AfterFunc(l.ttl/3, l.renew)
	}
}

// renew renews every lease this replica holds, each shrunk to what
// keepSlots keeps; leases neither used since nor in use end.
func (l *sharedSlots) renew() {
	l.renewMu.Lock()
	defer l.renewMu.Unlock()
	l.mu.Lock()
	tokens := make([]string, 0, len(l.leases))
	slots := make([]int32, 0, len(l.leases))
	for key, ls := range l.leases {
		// Shrink at once: until the database has it, the larger lease it
		// still records only keeps the others further from the limit.
		ls.held = min(ls.held, keepSlots(max(ls.peak, ls.busy), ls.limit))
		ls.peak = ls.busy
		tokens, slots = append(tokens, key), append(slots, int32(ls.held))
		if ls.held == 0 && ls.busy == 0 {
			delete(l.leases, key)
		}
	}
	l.mu.Unlock()

	sent := l.now()
	ctx, cancel := context.WithTimeout(context.Background(), l.ttl)
	lapsed, err := l.store.RenewSlots(ctx, l.replica, tokens, slots, l.ttl)
	cancel()

	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		for _, key := range tokens {
			if ls, ok := l.leases[key]; ok {
				ls.until = sent.Add(l.ttl)
			}
		}
		for _, key := range lapsed { // the next request claims again
			if ls, ok := l.leases[key]; ok {
				ls.held = 0
			}
		}
	} // else each lease lapses here when its time is up, as in the database
	l.renewing = false
	l.scheduleRenewal()
}
