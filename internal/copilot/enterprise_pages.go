package copilot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// EnterpriseSeatPage returns one page of EnterpriseSeats' list at the
// clock's time: how many rows the list has, how many distinct users hold
// them (total_seats), and the rows between the bounds pick for the
// list's length, in the list's order.
//
// The page is found without reading the list up to it: the orgs'
// counted chunks (store.SeatChunks) and the enterprise-level seats'
// counts by creation time give, for the last chunk start in the merged
// order known to lie at or before the page, its exact position (one
// count over at most a chunk of index entries per org); the page is then
// read from there by each source's order, merged in SQL with a LIMIT.
func (s *Service) EnterpriseSeatPage(ctx context.Context, ent seatkeeper.Enterprise,
	bounds func(rows int) (lo, hi int)) (rows, users int, page []seatkeeper.Seat, err error) {
	at := s.Clock.Now()
	err = s.Store.Snapshot(ctx, func(tx *store.Tx) error {
		rows, users, page, err = enterpriseSeatPage(ctx, tx, ent, at, bounds)
		return err
	})
	if err != nil {
		return 0, 0, nil, err
	}
	return rows, users, page, complete(ctx, s.Store, page)
}

// entSource is one source of an enterprise's list: an org with Copilot
// (and its chunks), or the enterprise itself (org ID 0).
type entSource struct {
	org    seatkeeper.Organization
	sub    seatkeeper.Subscription
	chunks []store.SeatChunk
}

// mergedChunk is a chunk's start in the merged order, with its seats.
type mergedChunk struct {
	key   store.EntSeatKey
	seats int
}

func compareEntKeys(a, b store.EntSeatKey) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.UserID, b.UserID))
}

// project gives, in the list of source orgID alone (0: the enterprise's
// own), the first key at or after the merged key b: the source's seats
// before it are exactly its seats before b in the merged order.
func project(b store.EntSeatKey, orgID int64) store.SeatKey {
	switch {
	case orgID == b.OrgID:
		return store.SeatKey{CreatedAt: b.CreatedAt, UserID: b.UserID}
	case orgID < b.OrgID:
		return store.SeatKey{CreatedAt: b.CreatedAt.Add(time.Second), UserID: 0}
	default:
		return store.SeatKey{CreatedAt: b.CreatedAt, UserID: 0}
	}
}

func compareSeatKeys(a, b store.SeatKey) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.UserID, b.UserID))
}

// enterpriseSeatPage reads the page at at through tx, one state of the
// database.
func enterpriseSeatPage(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, at time.Time,
	bounds func(rows int) (lo, hi int)) (rows, users int, page []seatkeeper.Seat, err error) {
	entSub, err := tx.EnterpriseSubscription(ctx, ent.ID)
	entID := ent.ID
	if seatkeeper.IsNotFound(err) {
		entID = 0 // no enterprise-level seats are listed
	} else if err != nil {
		return 0, 0, nil, err
	}
	var own []store.SeatChunk // enterprise-level seats by created_at
	if entID != 0 {
		if own, err = tx.EnterpriseSeatsByCreated(ctx, entID, at); err != nil {
			return 0, 0, nil, err
		}
	}
	orgs, err := tx.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return 0, 0, nil, err
	}
	sources := map[int64]*entSource{}
	var orgIDs []int64
	var merged []mergedChunk
	for _, org := range orgs {
		sub, err := tx.Subscription(ctx, org.ID)
		if seatkeeper.IsNotFound(err) {
			continue
		}
		if err != nil {
			return 0, 0, nil, err
		}
		chunks, err := tx.SeatChunks(ctx, org.ID, at)
		if err != nil {
			return 0, 0, nil, err
		}
		sources[org.ID] = &entSource{org: org, sub: sub, chunks: chunks}
		orgIDs = append(orgIDs, org.ID)
		for _, c := range chunks {
			merged = append(merged, mergedChunk{store.EntSeatKey{CreatedAt: c.Start.CreatedAt, OrgID: org.ID, UserID: c.Start.UserID}, c.Seats})
			rows += c.Seats
		}
	}
	for _, c := range own {
		rows += c.Seats
	}
	if users, err = tx.EnterpriseSeatHolderCount(ctx, entID, orgIDs, at); err != nil {
		return 0, 0, nil, err
	}
	lo, hi := bounds(rows)
	if hi <= lo {
		return rows, users, nil, nil
	}

	// ownBefore counts the enterprise-level seats before b.
	ownBefore := func(b store.EntSeatKey) int {
		n, k := 0, project(b, 0)
		for _, c := range own {
			if !c.Start.CreatedAt.Before(k.CreatedAt) {
				break
			}
			n += c.Seats
		}
		return n
	}
	// The last chunk start at or before the page: every chunk starting
	// before it counted whole (its seats after it too) and the
	// enterprise-level seats before it are at most lo. Both counts grow
	// along the merged order.
	slices.SortFunc(merged, func(a, b mergedChunk) int { return compareEntKeys(a.key, b.key) })
	start := store.EntSeatKey{CreatedAt: time.Unix(-1<<62, 0).UTC()} // every list's first chunk start
	before, ownSeen, ownIdx := 0, 0, 0
	for _, c := range merged {
		for k := project(c.key, 0); ownIdx < len(own) && own[ownIdx].Start.CreatedAt.Before(k.CreatedAt); ownIdx++ {
			ownSeen += own[ownIdx].Seats
		}
		if before+ownSeen > lo {
			break
		}
		start = c.key
		before += c.seats
	}
	// start's exact position: each org's chunks before it, the last of
	// them counted up to it.
	pos := ownBefore(start)
	from := map[int64]store.SeatKey{}
	for id, src := range sources {
		k := project(start, id)
		from[id] = k
		last := -1
		for i, c := range src.chunks {
			if compareSeatKeys(c.Start, k) >= 0 {
				break
			}
			last = i
		}
		if last < 0 {
			continue
		}
		for _, c := range src.chunks[:last] {
			pos += c.Seats
		}
		if last+1 < len(src.chunks) && compareSeatKeys(src.chunks[last+1].Start, k) == 0 {
			pos += src.chunks[last].Seats
			continue
		}
		n, err := tx.CountSeatsBetween(ctx, id, at, src.chunks[last].Start, k)
		if err != nil {
			return 0, 0, nil, err
		}
		pos += n
	}
	if pos > lo {
		return 0, 0, nil, fmt.Errorf("copilot: enterprise seat page: position %d past %d", pos, lo)
	}
	keys, err := tx.EnterpriseSeatKeys(ctx, entID, at, project(start, 0), from, lo-pos, hi-lo)
	if err != nil {
		return 0, 0, nil, err
	}
	page, err = enterpriseRows(ctx, tx, ent, entSub, sources, keys, at)
	return rows, users, page, err
}

// enterpriseRows reads the seats of keys, each source's run of them by
// one keyset query, and returns them in keys' order.
func enterpriseRows(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, entSub seatkeeper.Subscription,
	sources map[int64]*entSource, keys []store.EntSeatKey, at time.Time) ([]seatkeeper.Seat, error) {
	first := map[int64]store.SeatKey{}
	count := map[int64]int{}
	for _, k := range keys {
		if count[k.OrgID] == 0 {
			first[k.OrgID] = store.SeatKey{CreatedAt: k.CreatedAt, UserID: k.UserID}
		}
		count[k.OrgID]++
	}
	read := map[int64][]seatkeeper.Seat{}
	for id, n := range count {
		from := first[id]
		if id == 0 {
			ledger, err := tx.EnterpriseLedgerPage(ctx, ent.ID, at, from, n)
			if err != nil {
				return nil, err
			}
			seats, err := wholeSeats(ctx, tx, seatkeeper.Organization{}, entSub, ledger)
			if err != nil {
				return nil, err
			}
			for i := range seats {
				seats[i].Enterprise = &ent
			}
			read[0] = seats
			continue
		}
		src := sources[id]
		seats, err := ledgerSeats(ctx, tx, src.org, src.sub,
			store.SeatQuery{OrgID: id, At: at, State: seatkeeper.StateActive, From: &from, Limit: n})
		if err != nil {
			return nil, err
		}
		read[id] = seats
	}
	page := make([]seatkeeper.Seat, 0, len(keys))
	for _, k := range keys {
		rest := read[k.OrgID]
		if len(rest) == 0 || rest[0].User.ID != k.UserID || !rest[0].CreatedAt.Equal(k.CreatedAt) {
			return nil, fmt.Errorf("copilot: enterprise seat page: seat %d of org %d not read", k.UserID, k.OrgID)
		}
		page = append(page, rest[0])
		read[k.OrgID] = rest[1:]
	}
	return page, nil
}
