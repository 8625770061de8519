package store

import (
	"context"
	"fmt"
	"time"
)

// An enterprise's seat list merges its own (enterprise-level) seats and
// the listed seats of its orgs: oldest first, then the enterprise's own
// before an org's, then by org id, then by user id. Its counted chunks
// (enterprise_list.go) give a page's chunk; EnterpriseListPage reads the
// page from there.

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

// EntListSeat is a seat of an enterprise's list as EnterpriseListPage
// reads it: its key, and for an org's seat (Key.OrgID not 0) the seat.
type EntListSeat struct {
	Key EntSeatKey
	LedgerSeat
}

// EnterpriseListPage returns the seats of an enterprise's list at at from
// offset places after the key from on, at most limit, in list order: one
// query that walks the list (enterprise_seat_list) from from and joins
// each org seat's row and holder by primary key. An enterprise-level
// seat comes with its key and holder alone: its row is the enterprise's
// (EnterpriseLedgerPage).
func (o ops) EnterpriseListPage(ctx context.Context, entID int64, at time.Time, from EntSeatKey, offset, limit int) ([]EntListSeat, error) {
	t := unix(at)
	out, err := queryAllCap(ctx, o, limit, func(row interface{ Scan(...any) error }) (EntListSeat, error) {
		var s EntListSeat
		var c seatCols
		var created, uc, uu int64
		u := &s.User
		if err := row.Scan(append([]any{&created, &s.Key.OrgID, &u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &uc, &uu}, c.dest()...)...); err != nil {
			return s, err
		}
		s.Key.CreatedAt, s.Key.UserID = fromUnix(created), u.ID
		u.CreatedAt, u.UpdatedAt = fromUnix(uc), fromUnix(uu)
		return s, c.fill(&s.LedgerSeat)
	}, `SELECT l.created_at, l.org_id, `+ledgerSeatCols+`
		FROM (SELECT created_at, org_id, user_id, valid_from FROM enterprise_seat_list
			WHERE enterprise_id = ? AND (created_at, org_id, user_id) >= (?, ?, ?) AND valid_from <= ? AND ends_at > ?
			ORDER BY created_at, org_id, user_id LIMIT ? OFFSET ?) l
		JOIN users u ON u.id = l.user_id
		LEFT JOIN copilot_seats s ON s.org_id = l.org_id AND s.user_id = l.user_id AND s.valid_from = l.valid_from
		ORDER BY l.created_at, l.org_id, l.user_id`,
		entID, unix(from.CreatedAt), from.OrgID, from.UserID, t, t, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise seat page: %w", err)
	}
	return out, nil
}
