package store

import (
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
	switch {
	case orgID == k.OrgID:
		return SeatKey{CreatedAt: k.CreatedAt, UserID: k.UserID}
	case orgID < k.OrgID:
		return SeatKey{CreatedAt: k.CreatedAt.Add(time.Second), UserID: 0}
	default:
		return SeatKey{CreatedAt: k.CreatedAt, UserID: 0}
	}
}

func compareEntKeys(a, b EntSeatKey) int {
	return compareKeys(rawKey{unix(a.CreatedAt), a.OrgID, a.UserID}, rawKey{unix(b.CreatedAt), b.OrgID, b.UserID})
}

// sourcesPerQuery bounds the sources one query of EnterpriseSeatKeys
// reads (SQLite allows 500 parts in a compound SELECT).
const sourcesPerQuery = 200

// EnterpriseSeatKeys returns the keys of an enterprise's list at at from
// offset places after the key from on, at most limit, none at or after
// until (nil: no bound). The sources are the enterprise's own seats
// (entID 0: none) and the listed seats of orgIDs; each is read by its
// list index from from to until, at most offset+limit keys.
func (o ops) EnterpriseSeatKeys(ctx context.Context, entID int64, orgIDs []int64, at time.Time, from EntSeatKey, until *EntSeatKey, offset, limit int) ([]EntSeatKey, error) {
	n := offset + limit
	type source struct {
		id              int64
		table, list     string
		owner, listArgs []any
	}
	var sources []source
	if entID != 0 {
		sources = append(sources, source{0, `enterprise_copilot_seats`, `enterprise_id = ?`, []any{entID}, nil})
	}
	for _, id := range orgIDs {
		sources = append(sources, source{id, `copilot_seats`, `org_id = ? AND state = ?`, []any{id}, []any{seatkeeper.StateActive}})
	}
	var keys []EntSeatKey
	for batch := range slices.Chunk(sources, sourcesPerQuery) {
		var parts []string
		var args []any
		for i, s := range batch {
			f := from.In(s.id)
			part := fmt.Sprintf(`SELECT * FROM (SELECT created_at, %d AS org_id, user_id FROM %s
				WHERE %s AND valid_from <= ? AND ends_at > ? AND (created_at, user_id) >= (?, ?)`, s.id, s.table, s.list)
			args = append(append(append(args, s.owner...), s.listArgs...), unix(at), unix(at), unix(f.CreatedAt), f.UserID)
			if until != nil {
				u := until.In(s.id)
				part += ` AND (created_at, user_id) < (?, ?)`
				args = append(args, unix(u.CreatedAt), u.UserID)
			}
			parts = append(parts, part+fmt.Sprintf(` ORDER BY created_at, user_id LIMIT ?) s%d`, i))
			args = append(args, n)
		}
		err := queryEach(ctx, o, func(row interface{ Scan(...any) error }) (EntSeatKey, error) {
			var k EntSeatKey
			var created int64
			err := row.Scan(&created, &k.OrgID, &k.UserID)
			k.CreatedAt = fromUnix(created)
			return k, err
		}, func(k EntSeatKey) error {
			keys = append(keys, k)
			return nil
		}, `SELECT created_at, org_id, user_id FROM (`+strings.Join(parts, " UNION ALL ")+`) m`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: enterprise seat keys: %w", err)
		}
	}
	slices.SortFunc(keys, compareEntKeys)
	return keys[min(offset, len(keys)):min(n, len(keys))], nil
}
