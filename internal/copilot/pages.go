package copilot

import (
	"context"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// markEvery is how many seats apart a list's bookmarks are.
var markEvery = 1000

// seatMarks is an org's seat list total and, once a page past the first
// bookmark was asked for, its bookmarks.
type seatMarks struct {
	total int
	book  *markBook // nil: none kept
}

// markBook holds the bookmarks of an org's seat list on one day as pages
// need them: keys[b] is the key of the (b × markEvery)-th seat. Each is
// found from the nearest one before it (store.SeatKeyAt), so a page far
// down the list right after a write scans the list index once, up to it,
// and the pages after it start from its bookmark.
type markBook struct {
	mu   sync.Mutex
	keys map[int]store.SeatKey
}

// Read cache keys for an org's list total and its bookmarks on a UTC day
// (seats start and end only at 00:00 UTC).
type (
	seatTotalKey struct{ org, day int64 }
	seatMarksKey struct{ org, day int64 }
)

// SeatPage returns one page of the org's seat list at the clock's time:
// the seats between the bounds pick for the list's total, in list order
// (as OrgSeats), and the total, from the seat ledger's list index.
//
// A page past the first markEvery seats is read from the bookmark before
// it. Through a read cache view (internal/readcache) the list's total and
// the bookmarks found are kept until the org changes, so that a page costs
// about what the first costs; without a view, the total is counted and
// the bookmark found afresh.
func (s *Service) SeatPage(ctx context.Context, org seatkeeper.Organization,
	bounds func(total int) (lo, hi int)) (total int, page []seatkeeper.Seat, err error) {
	total, page, err = s.seatPage(ctx, org, bounds)
	if err != nil {
		return 0, nil, err
	}
	return total, page, complete(ctx, s.Store, page)
}

func (s *Service) seatPage(ctx context.Context, org seatkeeper.Organization,
	bounds func(total int) (lo, hi int)) (total int, page []seatkeeper.Seat, err error) {
	sub, err := s.Store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return 0, nil, nil // GitHub lists no seats rather than failing
	}
	if err != nil {
		return 0, nil, err
	}
	now := s.Clock.Now()
	if !readcache.Active(ctx) {
		return s.pageAt(ctx, org, sub, now, bounds, seatMarks{total: -1})
	}
	local := s.Store.LocalCommits()
	day := now.Unix() / 86400
	var m seatMarks
	m.total, err = readcache.GetIn(ctx, org.ID, seatTotalKey{org: org.ID, day: day}, func() (int, error) {
		return s.Store.CountStateSeats(ctx, org.ID, seatkeeper.StateActive, now)
	})
	if err != nil {
		return 0, nil, err
	}
	if lo, _ := bounds(m.total); lo >= markEvery {
		m.book, err = readcache.GetIn(ctx, org.ID, seatMarksKey{org: org.ID, day: day}, func() (*markBook, error) {
			return &markBook{keys: map[int]store.SeatKey{}}, nil
		})
		if err != nil {
			return 0, nil, err
		}
	}
	total, page, err = s.pageAt(ctx, org, sub, now, bounds, m)
	// The bookmarks may be older than the page (a write committed after
	// this request began): then answer from one reading instead.
	if err == nil && !readcache.Unchanged(ctx, local) {
		return s.pageAt(readcache.Without(ctx), org, sub, now, bounds, seatMarks{total: -1})
	}
	return total, page, err
}

// pageAt reads the page bounds pick from the list whose total and
// bookmarks m holds (a total of -1: counted here, without bookmarks).
func (s *Service) pageAt(ctx context.Context, org seatkeeper.Organization, sub seatkeeper.Subscription, now time.Time,
	bounds func(total int) (lo, hi int), m seatMarks) (int, []seatkeeper.Seat, error) {
	if m.total < 0 {
		n, err := s.Store.CountStateSeats(ctx, org.ID, seatkeeper.StateActive, now)
		if err != nil {
			return 0, nil, err
		}
		m.total = n
	}
	lo, hi := bounds(m.total)
	if hi <= lo {
		return m.total, nil, nil
	}
	q := store.SeatQuery{OrgID: org.ID, At: now, State: seatkeeper.StateActive, Offset: lo, Limit: hi - lo}
	if b := lo / markEvery; b > 0 {
		key, ok, err := s.bookmark(ctx, org.ID, now, m.book, b)
		if err != nil {
			return 0, nil, err
		}
		if ok {
			q.After, q.Offset = &key, lo-b*markEvery
		}
	}
	page, err := ledgerSeats(ctx, s.Store, org, sub, q)
	return m.total, page, err
}

// bookmark returns the key of the (b × markEvery)-th seat of the org's
// list at now, from book when it holds it, else found from the nearest
// bookmark before it and kept in book (when not nil); false when the list
// is shorter.
func (s *Service) bookmark(ctx context.Context, orgID int64, now time.Time, book *markBook, b int) (store.SeatKey, bool, error) {
	var from *store.SeatKey
	c := 0
	if book != nil {
		// One finder at a time: the others then start from its bookmark.
		book.mu.Lock()
		defer book.mu.Unlock()
		if k, ok := book.keys[b]; ok {
			return k, true, nil
		}
		for i, k := range book.keys {
			if i < b && i > c {
				c, from = i, &k
			}
		}
	}
	key, ok, err := s.Store.SeatKeyAt(ctx, orgID, now, from, (b-c)*markEvery-1)
	if err == nil && ok && book != nil {
		book.keys[b] = key
	}
	return key, ok, err
}
