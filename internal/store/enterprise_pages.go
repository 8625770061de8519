package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// An enterprise's seat list merges its own (enterprise-level) seats and
// the listed seats of its orgs: oldest first, then the enterprise's own
// before an org's, then by org id, then by user id. These queries let a
// page of it be read without reading the list up to the page.

// EntSeatKey is a seat's place in an enterprise's list; OrgID is 0 for
// an enterprise-level seat.
type EntSeatKey struct {
	CreatedAt     time.Time
	OrgID, UserID int64
}

// CountSeatsBetween counts the org's listed seats at at (its active
// members', as SeatChunks counts them) whose keys are in [from, to).
// Given a chunk's start and a key in that chunk, it reads at most the
// chunk's index entries.
func (o ops) CountSeatsBetween(ctx context.Context, orgID int64, at time.Time, from, to SeatKey) (int, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM copilot_seats s
		WHERE s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?
		AND (s.created_at, s.user_id) >= (?, ?) AND (s.created_at, s.user_id) < (?, ?)`,
		orgID, seatkeeper.StateActive, unix(at), unix(at),
		unix(from.CreatedAt), from.UserID, unix(to.CreatedAt), to.UserID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count seats: %w", err)
	}
	return n, nil
}

// EnterpriseSeatsByCreated counts the enterprise-level seats held at at by
// their created_at, oldest first: a list of (created_at, seats).
func (o ops) EnterpriseSeatsByCreated(ctx context.Context, entID int64, at time.Time) ([]SeatChunk, error) {
	out, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (SeatChunk, error) {
		var c SeatChunk
		var created int64
		err := row.Scan(&created, &c.Seats)
		c.Start.CreatedAt = fromUnix(created)
		return c, err
	}, `SELECT created_at, COUNT(*) FROM enterprise_copilot_seats
		WHERE enterprise_id = ? AND valid_from <= ? AND ends_at > ? GROUP BY created_at ORDER BY created_at`,
		entID, unix(at), unix(at))
	if err != nil {
		return nil, fmt.Errorf("store: enterprise seats: %w", err)
	}
	return out, nil
}

// EnterpriseSeatHolderCount counts the distinct users holding a seat at
// at in the enterprise itself or in one of orgIDs (their listed seats).
func (o ops) EnterpriseSeatHolderCount(ctx context.Context, entID int64, orgIDs []int64, at time.Time) (int, error) {
	query := `SELECT COUNT(DISTINCT user_id) FROM (
		SELECT user_id FROM enterprise_copilot_seats WHERE enterprise_id = ? AND valid_from <= ? AND ends_at > ?`
	args := []any{entID, unix(at), unix(at)}
	for _, id := range orgIDs {
		query += ` UNION ALL SELECT user_id FROM copilot_seats WHERE org_id = ? AND state = ? AND valid_from <= ? AND ends_at > ?`
		args = append(args, id, seatkeeper.StateActive, unix(at), unix(at))
	}
	var n int
	if err := o.queryRow(ctx, query+`) h`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: seat holders: %w", err)
	}
	return n, nil
}

// EnterpriseSeatKeys returns the keys of the enterprise's list at at
// from offset places after the sources' first keys on, at most limit:
// the enterprise-level seats from entFrom on, and each org's listed
// seats from its key in from on (orgs absent from from are not read).
// Each source is read by its order, at most offset+limit keys.
func (o ops) EnterpriseSeatKeys(ctx context.Context, entID int64, at time.Time, entFrom SeatKey, from map[int64]SeatKey, offset, limit int) ([]EntSeatKey, error) {
	var parts []string
	var args []any
	n := offset + limit
	parts = append(parts, `SELECT * FROM (SELECT created_at, 0 AS org_id, user_id FROM enterprise_copilot_seats
		WHERE enterprise_id = ? AND valid_from <= ? AND ends_at > ? AND (created_at, user_id) >= (?, ?)
		ORDER BY created_at, user_id LIMIT ?) e`)
	args = append(args, entID, unix(at), unix(at), unix(entFrom.CreatedAt), entFrom.UserID, n)
	i := 0
	for orgID, key := range from {
		i++
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT created_at, org_id, user_id FROM copilot_seats
		WHERE org_id = ? AND state = ? AND valid_from <= ? AND ends_at > ? AND (created_at, user_id) >= (?, ?)
		ORDER BY created_at, user_id LIMIT ?) o%d`, i))
		args = append(args, orgID, seatkeeper.StateActive, unix(at), unix(at), unix(key.CreatedAt), key.UserID, n)
	}
	query := `SELECT created_at, org_id, user_id FROM (` + strings.Join(parts, " UNION ALL ") +
		`) m ORDER BY created_at, org_id, user_id LIMIT ? OFFSET ?`
	args = append(args, limit, offset)
	out, err := queryAllCap(ctx, o, limit, func(row interface{ Scan(...any) error }) (EntSeatKey, error) {
		var k EntSeatKey
		var created int64
		err := row.Scan(&created, &k.OrgID, &k.UserID)
		k.CreatedAt = fromUnix(created)
		return k, err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise seat keys: %w", err)
	}
	return out, nil
}
