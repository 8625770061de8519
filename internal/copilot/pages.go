package copilot

import (
	"cmp"
	"container/heap"
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// SeatPage returns one page of the org's seat list at the clock's time:
// the seats between the bounds pick for the list's total, in list order
// (as OrgSeats), and the total.
//
// Through a read cache view (internal/readcache) the list's order (its
// user ids, 8 bytes a seat) is kept while the data and the UTC day are
// unchanged, and each page resolves only its own seats: a page costs the
// same wherever it falls in the list, and a list of a million seats is
// resolved in full once, not once a page. Without a view every call
// resolves the whole list.
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
	whole := func(ctx context.Context) (int, []seatkeeper.Seat, error) {
		all, err := seats(ctx, s.Store, org, sub, seatkeeper.StateActive, store.Users{}, now)
		if err != nil {
			return 0, nil, err
		}
		lo, hi := bounds(len(all))
		return len(all), all[lo:hi], nil
	}
	if !readcache.Active(ctx) {
		return whole(ctx)
	}
	local := s.Store.LocalCommits()
	order, err := readcache.Get(ctx, seatOrderKey{org: org.ID, day: now.Unix() / 86400}, func() ([]int64, error) {
		return seatOrder(ctx, s.Store, org, sub, now)
	})
	if err != nil {
		return 0, nil, err
	}
	lo, hi := bounds(len(order))
	want := order[lo:hi]
	for chunk := range slices.Chunk(want, store.MaxUsers) {
		part, err := seats(ctx, s.Store, org, sub, seatkeeper.StateActive, store.OnlyUsers(chunk...), now)
		if err != nil {
			return 0, nil, err
		}
		page = append(page, part...)
	}
	// The order may have been read before a write that the page's seats,
	// read now, reflect (a write by another process after this request
	// began, or by a request running alongside it). Then answer from one
	// reading of the whole list instead.
	if !sameUsers(page, want) || !readcache.Unchanged(ctx, local) {
		return whole(readcache.Without(ctx))
	}
	return len(order), page, nil
}

// orderChunk is how many members seatOrder resolves at a time.
var orderChunk = 5000

// seatOrder returns the user ids of the org's seats at now, in list order.
// It walks the members a range of user ids at a time, resolving each
// range's seats from memberships and grants alone and keeping only their
// sort keys, so that ordering a million seats holds a few thousand
// resolved seats at once, not a million. Ranges are resolved by as many
// workers as there are cores (at most 4) while the next are read.
func seatOrder(ctx context.Context, st *store.Store, org seatkeeper.Organization, sub seatkeeper.Subscription, now time.Time) ([]int64, error) {
	if sub.SeatManagementSetting == seatkeeper.SeatsDisabled {
		return nil, nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ranges := make(chan []store.Member)
	// Each range's keys are sorted by the worker that resolved them and
	// merged once at the end, straight into the order: no slice of all the
	// keys is ever built, and the sorting runs on every core.
	var (
		mu     sync.Mutex
		chunks [][]sortKey
		wg     sync.WaitGroup
	)
	for range min(4, max(1, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for ms := range ranges {
				users := store.UserRange(ms[0].User.ID, ms[len(ms)-1].User.ID)
				chunk, err := seatKeys(ctx, st, org, sub, ms, users, now)
				if err != nil {
					cancel(err)
					continue // drain
				}
				slices.SortFunc(chunk, sortKey.compare)
				mu.Lock()
				chunks = append(chunks, chunk)
				mu.Unlock()
			}
		})
	}
	err := func() error {
		defer close(ranges)
		for after := int64(0); ; {
			ms, err := st.MemberKeysAfter(ctx, org.ID, seatkeeper.StateActive, after, orderChunk)
			if err != nil || len(ms) == 0 {
				return err
			}
			after = ms[len(ms)-1].User.ID
			select {
			case ranges <- ms:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
	}()
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return nil, cause
	}
	if err != nil {
		return nil, err
	}
	return mergeOrder(chunks), nil
}

// sortKey places a seat in its list: oldest first, ties by user id.
type sortKey struct{ since, user int64 }

func (a sortKey) compare(b sortKey) int {
	return cmp.Or(cmp.Compare(a.since, b.since), cmp.Compare(a.user, b.user))
}

// mergeOrder merges sorted chunks of keys into their user ids, in order.
func mergeOrder(chunks [][]sortKey) []int64 {
	n := 0
	h := make(chunkHeap, 0, len(chunks))
	for _, c := range chunks {
		if len(c) > 0 {
			n += len(c)
			h = append(h, c)
		}
	}
	heap.Init(&h)
	order := make([]int64, 0, n)
	for len(h) > 0 {
		c := h[0]
		order = append(order, c[0].user)
		if len(c) == 1 {
			heap.Pop(&h)
			continue
		}
		h[0] = c[1:]
		heap.Fix(&h, 0)
	}
	return order
}

// chunkHeap is a min-heap of sorted chunks by their first key.
type chunkHeap [][]sortKey

func (h chunkHeap) Len() int           { return len(h) }
func (h chunkHeap) Less(i, j int) bool { return h[i][0].compare(h[j][0]) < 0 }
func (h chunkHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *chunkHeap) Push(x any)        { *h = append(*h, x.([]sortKey)) }
func (h *chunkHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// seatOrderKey is the read cache's key for an org's seat list order.
type seatOrderKey struct{ org, day int64 }

// sameUsers reports whether page holds the seats of want's users, in
// want's order.
func sameUsers(page []seatkeeper.Seat, want []int64) bool {
	if len(page) != len(want) {
		return false
	}
	for i, seat := range page {
		if seat.User.ID != want[i] {
			return false
		}
	}
	return true
}
