package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// An enterprise's seat list merges its own (enterprise-level) seats and
// the listed seats of its orgs: oldest first, then the enterprise's own
// before an org's, then by org id, then by user id. Its counted chunks
// (enterprise_list.go) give a page's chunk; EnterpriseSeatKeys reads the
// page's keys from there.

// EntSeatKey is a seat's place in an enterprise's list; OrgID is 0 for
// an enterprise-level seat.
type EntSeatKey struct {
	CreatedAt     time.Time
	OrgID, UserID int64
}

// In gives, in the list of source orgID alone (0: the enterprise's own),
// the first key at or after k: the source's seats before it are exactly
// its seats before k in the merged order.
func (k EntSeatKey) In(orgID int64) SeatKey {
	r := rawKey{unix(k.CreatedAt), k.OrgID, k.UserID}.in(orgID)
	return SeatKey{CreatedAt: fromUnix(r.created), UserID: r.user}
}

// EnterpriseSeatKeys returns the keys of an enterprise's list at at from
// offset places after the key from on, at most limit, none at or after
// until (nil: no bound): one query over its sources' list indexes from
// from to until (entListQuery), merged in the list's order.
func (o ops) EnterpriseSeatKeys(ctx context.Context, entID int64, at time.Time, from EntSeatKey, until *EntSeatKey, offset, limit int) ([]EntSeatKey, error) {
	t := unix(at)
	var to *rawKey
	if until != nil {
		to = &rawKey{unix(until.CreatedAt), until.OrgID, until.UserID}
	}
	query, args := entListQuery(`created_at, org_id, user_id`, entID, rawKey{unix(from.CreatedAt), from.OrgID, from.UserID}, to, &t)
	out, err := queryAllCap(ctx, o, limit, func(row interface{ Scan(...any) error }) (EntSeatKey, error) {
		var k EntSeatKey
		var created int64
		err := row.Scan(&created, &k.OrgID, &k.UserID)
		k.CreatedAt = fromUnix(created)
		return k, err
	}, query+` ORDER BY created_at, org_id, user_id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise seat keys: %w", err)
	}
	return out, nil
}

// OrgLedgerSeat is a listed seat of an org, as LedgerSeats reads it.
type OrgLedgerSeat struct {
	OrgID int64
	LedgerSeat
}

// LedgerSeatsByKeys reads the listed seats at at of keys (each an org's
// seat: OrgID not 0), in one query by their primary keys, in no order.
func (o ops) LedgerSeatsByKeys(ctx context.Context, at time.Time, keys []EntSeatKey) ([]OrgLedgerSeat, error) {
	// In primary key order: each lookup starts near the last one.
	keys = slices.SortedFunc(slices.Values(keys), func(a, b EntSeatKey) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.UserID, b.UserID))
	})
	var out []OrgLedgerSeat
	for batch := range slices.Chunk(keys, 500) {
		args := make([]any, 0, 2*len(batch)+3)
		for _, k := range batch {
			args = append(args, k.OrgID, k.UserID)
		}
		args = append(args, seatkeeper.StateActive, unix(at), unix(at))
		err := queryEach(ctx, o, func(row interface{ Scan(...any) error }) (OrgLedgerSeat, error) {
			var s OrgLedgerSeat
			var c seatCols
			var uc, uu int64
			u := &s.User
			if err := row.Scan(append([]any{&s.OrgID, &u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &uc, &uu}, c.dest()...)...); err != nil {
				return s, err
			}
			u.CreatedAt, u.UpdatedAt = fromUnix(uc), fromUnix(uu)
			return s, c.fill(&s.LedgerSeat)
		}, func(s OrgLedgerSeat) error {
			out = append(out, s)
			return nil
		}, `WITH k (org_id, user_id) AS (VALUES `+strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), CAST(? AS BIGINT)), ", len(batch)), ", ")+`)
			SELECT s.org_id, `+ledgerSeatCols+`
			FROM k JOIN copilot_seats s ON s.org_id = k.org_id AND s.user_id = k.user_id
			JOIN users u ON u.id = s.user_id
			WHERE s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: seats by keys: %w", err)
		}
	}
	return out, nil
}
