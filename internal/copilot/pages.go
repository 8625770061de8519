package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// markEvery is how many seats apart a list's bookmarks are.
var markEvery = 1000

// seatMarks is an org's seat list total and, once a page past the first
// bookmark was asked for, its bookmarks (store.SeatMarks).
type seatMarks struct {
	total int
	marks []store.SeatKey
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
// Through a read cache view (internal/readcache) the list's total and,
// once a page past the first bookmark is asked for, a bookmark every
// markEvery seats are kept until the org changes, so that a page is read
// from the bookmark before it: any page costs about what the first
// costs. Without a view, the total is counted and the page read at its
// offset.
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
		m.marks, err = readcache.GetIn(ctx, org.ID, seatMarksKey{org: org.ID, day: day}, func() ([]store.SeatKey, error) {
			return s.Store.SeatMarks(ctx, org.ID, now, markEvery)
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
	if b := min(lo/markEvery, len(m.marks)); b > 0 {
		q.After, q.Offset = &m.marks[b-1], lo-b*markEvery
	}
	page, err := ledgerSeats(ctx, s.Store, org, sub, q)
	return m.total, page, err
}
