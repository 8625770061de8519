package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// seatChunksKey is the read cache's key for an org's seat list chunks on
// a UTC day (seats start and end only at 00:00 UTC).
type seatChunksKey struct{ org, day int64 }

// SeatPage returns one page of the org's seat list at the clock's time:
// the seats between the bounds pick for the list's total, in list order
// (as OrgSeats), and the total.
//
// The list's counted chunks (store.SeatChunks: a few rows per thousand
// seats, kept by the ledger's writes) give the total and the chunk the
// page starts in; the page's first key is found by scanning the list
// index from the chunk's start, at most one chunk, so a page anywhere
// costs about what the first costs, right after a write too. Through a
// read cache view (internal/readcache) the chunks are kept until the org
// changes.
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
		return s.pageAt(ctx, org, sub, now, bounds, nil)
	}
	local := s.Store.LocalCommits()
	chunks, err := readcache.GetIn(ctx, org.ID, seatChunksKey{org: org.ID, day: now.Unix() / 86400}, func() ([]store.SeatChunk, error) {
		return s.Store.SeatChunks(ctx, org.ID, now)
	})
	if err != nil {
		return 0, nil, err
	}
	total, page, err = s.pageAt(ctx, org, sub, now, bounds, chunks)
	// The chunks may be older than the page (a write committed after
	// this request began): then answer from one reading instead.
	if err == nil && !readcache.Unchanged(ctx, local) {
		return s.pageAt(readcache.Without(ctx), org, sub, now, bounds, nil)
	}
	return total, page, err
}

// pageAt reads the page bounds pick from the list whose chunks are given
// (nil: read here).
func (s *Service) pageAt(ctx context.Context, org seatkeeper.Organization, sub seatkeeper.Subscription, now time.Time,
	bounds func(total int) (lo, hi int), chunks []store.SeatChunk) (int, []seatkeeper.Seat, error) {
	if chunks == nil {
		var err error
		if chunks, err = s.Store.SeatChunks(ctx, org.ID, now); err != nil {
			return 0, nil, err
		}
	}
	total := 0
	for _, c := range chunks {
		total += c.Seats
	}
	lo, hi := bounds(total)
	if hi <= lo {
		return total, nil, nil
	}
	// The chunk the page starts in, and the page's first key in it.
	before := 0
	for _, c := range chunks {
		if before+c.Seats > lo {
			key, ok, err := s.Store.SeatKeyAt(ctx, org.ID, now, c.Start, lo-before)
			if err != nil || !ok {
				return total, nil, err
			}
			page, err := ledgerSeats(ctx, s.Store, org, sub,
				store.SeatQuery{OrgID: org.ID, At: now, State: seatkeeper.StateActive, From: &key, Limit: hi - lo})
			return total, page, err
		}
		before += c.Seats
	}
	return total, nil, nil
}
