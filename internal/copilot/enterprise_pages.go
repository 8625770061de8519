package copilot

import (
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
// The page is found without reading the list up to it: the list's
// counted chunks (store.EnterpriseSeatChunks) give its length and the
// chunk the page starts in, its holders are counted
// (store.EnterpriseSeatHolders), and the page's keys are read from that
// chunk's start to the first chunk starting after the page, each
// source by its list index; then each source's run of the page by
// keyset.
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

// entSource is one source of an enterprise's list: an org with Copilot,
// or the enterprise itself (org ID 0).
type entSource struct {
	org seatkeeper.Organization
	sub seatkeeper.Subscription
}

// enterpriseSeatPage reads the page at at through tx, one state of the
// database.
func enterpriseSeatPage(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, at time.Time,
	bounds func(rows int) (lo, hi int)) (rows, users int, page []seatkeeper.Seat, err error) {
	// Without its own subscription, the enterprise has no seat rows of
	// its own to list.
	entSub, err := tx.EnterpriseSubscription(ctx, ent.ID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return 0, 0, nil, err
	}
	chunks, err := tx.EnterpriseSeatChunks(ctx, ent.ID, at)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, c := range chunks {
		rows += c.Seats
	}
	if users, err = tx.EnterpriseSeatHolders(ctx, ent.ID, at); err != nil {
		return 0, 0, nil, err
	}
	lo, hi := bounds(rows)
	if hi <= lo {
		return rows, users, nil, nil
	}
	// The chunk holding row lo, its first row's position, and the first
	// chunk starting at or after row hi (none: the page runs to the end).
	i, pos := 0, 0
	for i+1 < len(chunks) && pos+chunks[i].Seats <= lo {
		pos += chunks[i].Seats
		i++
	}
	var until *store.EntSeatKey
	for j, end := i, pos; j < len(chunks); j++ {
		if end >= hi {
			until = &chunks[j].Start
			break
		}
		end += chunks[j].Seats
	}
	orgs, err := tx.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return 0, 0, nil, err
	}
	keys, err := tx.EnterpriseSeatKeys(ctx, ent.ID, at, chunks[i].Start, until, lo-pos, hi-lo)
	if err != nil {
		return 0, 0, nil, err
	}
	if len(keys) != hi-lo {
		return 0, 0, nil, fmt.Errorf("copilot: enterprise seat page: %d keys from position %d, want %d", len(keys), pos, hi-lo)
	}
	sources := map[int64]*entSource{}
	for _, k := range keys {
		if _, ok := sources[k.OrgID]; ok || k.OrgID == 0 {
			continue
		}
		sub, err := tx.Subscription(ctx, k.OrgID)
		if err != nil {
			return 0, 0, nil, err
		}
		org := orgs[slices.IndexFunc(orgs, func(o seatkeeper.Organization) bool { return o.ID == k.OrgID })]
		sources[k.OrgID] = &entSource{org: org, sub: sub}
	}
	page, err = enterpriseRows(ctx, tx, ent, entSub, sources, keys, at)
	return rows, users, page, err
}

// enterpriseRows reads the seats of keys: the enterprise's own run of
// them by keyset, the orgs' by their primary keys in one query; and
// returns them in keys' order.
func enterpriseRows(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, entSub seatkeeper.Subscription,
	sources map[int64]*entSource, keys []store.EntSeatKey, at time.Time) ([]seatkeeper.Seat, error) {
	type seatAt struct{ org, user int64 }
	read := map[seatAt]seatkeeper.Seat{}
	var orgKeys []store.EntSeatKey
	own, first := 0, -1
	for i, k := range keys {
		if k.OrgID != 0 {
			orgKeys = append(orgKeys, k)
			continue
		}
		if own++; first < 0 {
			first = i
		}
	}
	if own > 0 {
		from := keys[first].In(0)
		ledger, err := tx.EnterpriseLedgerPage(ctx, ent.ID, at, from, own)
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
	if len(orgKeys) > 0 {
		ledger, err := tx.LedgerSeatsByKeys(ctx, at, orgKeys)
		if err != nil {
			return nil, err
		}
		byOrg := map[int64][]store.LedgerSeat{}
		for _, row := range ledger {
			byOrg[row.OrgID] = append(byOrg[row.OrgID], row.LedgerSeat)
		}
		for id, rows := range byOrg {
			seats, err := wholeSeats(ctx, tx, sources[id].org, sources[id].sub, rows)
			if err != nil {
				return nil, err
			}
			for _, seat := range seats {
				read[seatAt{id, seat.User.ID}] = seat
			}
		}
	}
	page := make([]seatkeeper.Seat, 0, len(keys))
	for _, k := range keys {
		seat, ok := read[seatAt{k.OrgID, k.UserID}]
		if !ok || !seat.CreatedAt.Equal(k.CreatedAt) {
			return nil, fmt.Errorf("copilot: enterprise seat page: seat %d of org %d not read", k.UserID, k.OrgID)
		}
		page = append(page, seat)
	}
	return page, nil
}
