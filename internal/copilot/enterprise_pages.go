package copilot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// EnterpriseSeatPage returns one page of EnterpriseSeats' list at the
// clock's time: how many rows the list has, how many distinct users hold
// them (total_seats), and the rows between the bounds pick for the
// list's length, in the list's order.
//
// The page is found without reading the list up to it: the list's
// counted chunks (store.EnterpriseSeatChunks) give its length and the
// chunk the page starts in, its holders are counted
// (store.EnterpriseSeatHolders), and the page is read in one query from
// that chunk's start (store.EnterpriseListPage): the list's rows in
// order, each org seat joined by its primary key. Through a read cache
// view (internal/readcache) the counts are kept until the enterprise's
// list changes (a write to it or to any of its orgs' seats).
func (s *Service) EnterpriseSeatPage(ctx context.Context, ent seatkeeper.Enterprise,
	bounds func(rows int) (lo, hi int)) (rows, users int, page []seatkeeper.Seat, err error) {
	at := s.Clock.Now()
	local := s.Store.LocalCommits()
	var counts *entCounts
	if readcache.Active(ctx) {
		c, err := readcache.GetIn(ctx, store.EnterpriseScope(ent.ID), entCountsKey{ent: ent.ID, day: at.Unix() / 86400}, func() (entCounts, error) {
			var c entCounts
			err := s.Store.Snapshot(ctx, func(tx *store.Tx) error {
				var err error
				c, err = readEntCounts(ctx, tx, ent.ID, at)
				return err
			})
			return c, err
		})
		if err != nil {
			return 0, 0, nil, err
		}
		counts = &c
	}
	err = s.Store.Snapshot(ctx, func(tx *store.Tx) error {
		rows, users, page, err = enterpriseSeatPage(ctx, tx, ent, at, bounds, counts)
		return err
	})
	// The counts may be older than the page (a write committed after
	// this request began): then answer from one reading instead.
	if counts != nil && !readcache.Unchanged(ctx, local) {
		return s.EnterpriseSeatPage(readcache.Without(ctx), ent, bounds)
	}
	if err != nil {
		return 0, 0, nil, err
	}
	return rows, users, page, complete(ctx, s.Store, page)
}

// entCounts are what finds a page of an enterprise's list at a moment:
// its counted chunks, and its holders (total_seats).
type entCounts struct {
	chunks []store.EntSeatChunk
	users  int
}

// entCountsKey is the read cache's key for an enterprise list's counts on
// a UTC day (seats start and end only at 00:00 UTC).
type entCountsKey struct{ ent, day int64 }

// readEntCounts reads an enterprise list's counts at at through tx.
func readEntCounts(ctx context.Context, tx *store.Tx, entID int64, at time.Time) (entCounts, error) {
	chunks, err := tx.EnterpriseSeatChunks(ctx, entID, at)
	if err != nil {
		return entCounts{}, err
	}
	users, err := tx.EnterpriseSeatHolders(ctx, entID, at)
	return entCounts{chunks: chunks, users: users}, err
}

// enterpriseSeatPage reads the page at at through tx, one state of the
// database, with the list's counts given (nil: read here).
func enterpriseSeatPage(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, at time.Time,
	bounds func(rows int) (lo, hi int), counts *entCounts) (rows, users int, page []seatkeeper.Seat, err error) {
	// Without its own subscription, the enterprise has no seat rows of
	// its own to list.
	entSub, err := tx.EnterpriseSubscription(ctx, ent.ID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return 0, 0, nil, err
	}
	if counts == nil {
		c, err := readEntCounts(ctx, tx, ent.ID, at)
		if err != nil {
			return 0, 0, nil, err
		}
		counts = &c
	}
	chunks, users := counts.chunks, counts.users
	for _, c := range chunks {
		rows += c.Seats
	}
	lo, hi := bounds(rows)
	if hi <= lo {
		return rows, users, nil, nil
	}
	// The chunk holding row lo, and its first row's position.
	i, pos := 0, 0
	for i+1 < len(chunks) && pos+chunks[i].Seats <= lo {
		pos += chunks[i].Seats
		i++
	}
	listed, err := tx.EnterpriseListPage(ctx, ent.ID, at, chunks[i].Start, lo-pos, hi-lo)
	if err != nil {
		return 0, 0, nil, err
	}
	if len(listed) != hi-lo {
		return 0, 0, nil, fmt.Errorf("copilot: enterprise seat page: %d seats from position %d, want %d", len(listed), pos, hi-lo)
	}
	page, err = enterpriseRows(ctx, tx, ent, entSub, listed, at)
	return rows, users, page, err
}

// enterpriseRows makes whole seats of a page of the list, in its order:
// the orgs' seats with their org and plan, the enterprise's own run of
// them read by keyset.
func enterpriseRows(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, entSub seatkeeper.Subscription,
	listed []store.EntListSeat, at time.Time) ([]seatkeeper.Seat, error) {
	type seatAt struct{ org, user int64 }
	read := map[seatAt]seatkeeper.Seat{}
	byOrg := map[int64][]store.LedgerSeat{}
	own, first := 0, -1
	for i, l := range listed {
		if l.Key.OrgID != 0 {
			byOrg[l.Key.OrgID] = append(byOrg[l.Key.OrgID], l.LedgerSeat)
			continue
		}
		if own++; first < 0 {
			first = i
		}
	}
	if own > 0 {
		ledger, err := tx.EnterpriseLedgerPage(ctx, ent.ID, at, listed[first].Key.In(0), own)
		if err != nil {
			return nil, err
		}
		seats, err := wholeSeats(ctx, tx, seatkeeper.Organization{}, entSub, ledger)
		if err != nil {
			return nil, err
		}
		for _, seat := range seats {
			seat.Enterprise = &ent
			read[seatAt{0, seat.User.ID}] = seat
		}
	}
	if len(byOrg) > 0 {
		ids := slices.Sorted(maps.Keys(byOrg))
		subs, err := tx.Subscriptions(ctx, ids)
		if err != nil {
			return nil, err
		}
		orgs, err := tx.EnterpriseOrgs(ctx, ent.ID)
		if err != nil {
			return nil, err
		}
		for _, org := range orgs {
			rows, ok := byOrg[org.ID]
			if !ok {
				continue
			}
			seats, err := wholeSeats(ctx, tx, org, subs[org.ID], rows)
			if err != nil {
				return nil, err
			}
			for _, seat := range seats {
				read[seatAt{org.ID, seat.User.ID}] = seat
			}
		}
	}
	page := make([]seatkeeper.Seat, 0, len(listed))
	for _, l := range listed {
		seat, ok := read[seatAt{l.Key.OrgID, l.Key.UserID}]
		if !ok || !seat.CreatedAt.Equal(l.Key.CreatedAt) {
			return nil, fmt.Errorf("copilot: enterprise seat page: seat %d of org %d not read", l.Key.UserID, l.Key.OrgID)
		}
		page = append(page, seat)
	}
	return page, nil
}
