package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Counted chunks of each org's seat list (table copilot_seat_chunks), so
// that a page anywhere in the list costs what the first page costs: the
// list (the ledger's rows of active members, by created_at then user_id)
// is cut into ranges of keys, each named by its first key, and each
// range's seats at any moment are counted by a few rows, kept by the
// ledger's own writes in their transaction (resolveUsers, resolveMembers
// and resolveOrg in ledger.go call the three hooks below). A page finds
// its chunk by the chunks' cumulative counts and scans the list index
// from the chunk's first key, at most one chunk's rows.
//
// A ledger row counts +1 in its chunk at its valid_from and -1 at its
// ends_at (none for a row without an end), so the seats of a chunk at t
// are the sum over its rows at or before t, and the seat rows the chunk
// covers at any time the sum of what they add: when that passes twice
// chunkRows, the chunk is cut into chunks of chunkRows.

// chunkRows is how many seat rows a chunk holds after a cut.
var chunkRows = 1000

// SeatChunk is one chunk of an org's seat list: its first key and the
// listed seats it holds at the moment asked for.
type SeatChunk struct {
	Start SeatKey
	Seats int
}

// SeatChunks returns the chunks of the org's list of active members'
// seats at at, in list order, with their seats then (some may hold none).
// Their sum is the list's total.
func (o ops) SeatChunks(ctx context.Context, orgID int64, at time.Time) ([]SeatChunk, error) {
	out, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (SeatChunk, error) {
		var c SeatChunk
		var created int64
		err := row.Scan(&created, &c.Start.UserID, &c.Seats)
		c.Start.CreatedAt = fromUnix(created)
		return c, err
	}, `SELECT start_created, start_user, CAST(SUM(added - removed) AS BIGINT) FROM copilot_seat_chunks
		WHERE org_id = ? AND at <= ? GROUP BY start_created, start_user ORDER BY start_created, start_user`, orgID, unix(at))
	if err != nil {
		return nil, fmt.Errorf("store: seat chunks: %w", err)
	}
	return out, nil
}

// listedRow is a seat row of an active member, as the chunks count it.
type listedRow struct{ created, user, from, until int64 }

func (r listedRow) key() rawKey { return rawKey{r.created, r.user} }

// rawKey is a SeatKey in Unix seconds.
type rawKey struct{ created, user int64 }

func compareKeys(a, b rawKey) int {
	return cmp.Or(cmp.Compare(a.created, b.created), cmp.Compare(a.user, b.user))
}

func scanListedRow(row interface{ Scan(...any) error }) (listedRow, error) {
	var r listedRow
	err := row.Scan(&r.created, &r.user, &r.from, &r.until)
	return r, err
}

// takeSeatChunks uncounts the org's rows the user filter f (from
// userFilter, with its arguments) selects, before they are deleted.
func (o ops) takeSeatChunks(ctx context.Context, orgID int64, f string, args []any) error {
	// By the primary key (org_id, user_id, ...). The state is checked
	// here and updated_at read, so that the list index (org_id, state,
	// created_at, user_id, ...) does not cover the query: SQLite would
	// take it, and scan the org's whole list for a few users.
	var rows []listedRow
	err := queryEach(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
		var r listedRow
		var state string
		var updated int64
		if err := row.Scan(&r.created, &r.user, &r.from, &r.until, &state, &updated); err != nil || state != seatkeeper.StateActive {
			return listedRow{}, err
		}
		return r, nil
	}, func(r listedRow) error {
		if r.user != 0 {
			rows = append(rows, r)
		}
		return nil
	}, `SELECT created_at, user_id, valid_from, ends_at, state, updated_at FROM copilot_seats WHERE org_id = ?`+f,
		append([]any{orgID}, args...)...)
	if err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	return o.countSeatChunks(ctx, orgID, rows, -1)
}

// dropSeatChunks forgets the org's chunks, before all its rows are
// deleted.
func (o ops) dropSeatChunks(ctx context.Context, orgID int64) error {
	if _, err := o.exec(ctx, `DELETE FROM copilot_seat_chunks WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	return nil
}

// addSeatChunks counts rows just inserted in the org's ledger (of any
// state: only active members' are counted).
func (o ops) addSeatChunks(ctx context.Context, orgID int64, rows []listedRow) error {
	return o.countSeatChunks(ctx, orgID, rows, 1)
}

// chunkAt names one counting row: a chunk and a moment.
type chunkAt struct {
	start rawKey
	at    int64
}

// countSeatChunks adds sign × rows to the org's chunks, then cuts the
// chunks that grew past twice chunkRows.
func (o ops) countSeatChunks(ctx context.Context, orgID int64, rows []listedRow, sign int64) error {
	if len(rows) == 0 {
		return nil
	}
	type chunk struct {
		start rawKey
		rows  int64
	}
	chunks, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (chunk, error) {
		var c chunk
		err := row.Scan(&c.start.created, &c.start.user, &c.rows)
		return c, err
	}, `SELECT start_created, start_user, CAST(SUM(added) AS BIGINT) FROM copilot_seat_chunks
		WHERE org_id = ? GROUP BY start_created, start_user ORDER BY start_created, start_user`, orgID)
	if err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	first := rawKey{seatAlways, 0}
	if len(chunks) == 0 || compareKeys(chunks[0].start, first) > 0 {
		// Every key has a chunk: the first starts below every seat.
		chunks = slices.Insert(chunks, 0, chunk{start: first})
	}
	deltas := map[chunkAt][2]int64{}
	grown := map[int]bool{}
	for _, r := range rows {
		// The last chunk starting at or before the row's key.
		i := sort.Search(len(chunks), func(i int) bool { return compareKeys(chunks[i].start, r.key()) > 0 }) - 1
		chunks[i].rows += sign
		grown[i] = true
		d := deltas[chunkAt{chunks[i].start, r.from}]
		d[0] += sign
		deltas[chunkAt{chunks[i].start, r.from}] = d
		if r.until != seatForever {
			d = deltas[chunkAt{chunks[i].start, r.until}]
			d[1] += sign
			deltas[chunkAt{chunks[i].start, r.until}] = d
		}
	}
	if err := o.putChunkDeltas(ctx, orgID, deltas, true); err != nil {
		return err
	}
	if sign < 0 {
		// Rows that count nothing any more, and chunks left empty.
		_, err := o.exec(ctx, `DELETE FROM copilot_seat_chunks WHERE org_id = ? AND added = 0 AND removed = 0`, orgID)
		if err != nil {
			return fmt.Errorf("store: seat chunks: %w", err)
		}
		return nil
	}
	for _, i := range slices.Sorted(maps.Keys(grown)) {
		if chunks[i].rows <= 2*int64(chunkRows) {
			continue
		}
		var until *rawKey
		if i+1 < len(chunks) {
			until = &chunks[i+1].start
		}
		if err := o.cutSeatChunk(ctx, orgID, chunks[i].start, until); err != nil {
			return err
		}
	}
	return nil
}

// putChunkDeltas writes counting rows: added to what is there (add), or
// as new rows.
func (o ops) putChunkDeltas(ctx context.Context, orgID int64, deltas map[chunkAt][2]int64, add bool) error {
	keys := slices.SortedFunc(maps.Keys(deltas), func(a, b chunkAt) int {
		return cmp.Or(compareKeys(a.start, b.start), cmp.Compare(a.at, b.at))
	})
	const one = "(?, ?, ?, ?, ?, ?)"
	for batch := range slices.Chunk(keys, 500) {
		args := make([]any, 0, 6*len(batch))
		for _, k := range batch {
			d := deltas[k]
			args = append(args, orgID, k.start.created, k.start.user, k.at, d[0], d[1])
		}
		query := `INSERT INTO copilot_seat_chunks (org_id, start_created, start_user, at, added, removed) VALUES ` +
			strings.TrimSuffix(strings.Repeat(one+", ", len(batch)), ", ")
		if add {
			query += ` ON CONFLICT (org_id, start_created, start_user, at) DO UPDATE SET
				added = copilot_seat_chunks.added + excluded.added, removed = copilot_seat_chunks.removed + excluded.removed`
		}
		if _, err := o.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("store: seat chunks: %w", err)
		}
	}
	return nil
}

// cutSeatChunk recounts the chunk from start (to until, or the end of the
// list) from the ledger, cut into chunks of chunkRows rows; rows of one
// key stay in one chunk. The first keeps start.
func (o ops) cutSeatChunk(ctx context.Context, orgID int64, start rawKey, until *rawKey) error {
	query := `SELECT created_at, user_id, valid_from, ends_at FROM copilot_seats
		WHERE org_id = ? AND state = ? AND (created_at, user_id) >= (?, ?)`
	args := []any{orgID, seatkeeper.StateActive, start.created, start.user}
	del := `DELETE FROM copilot_seat_chunks WHERE org_id = ? AND (start_created, start_user) >= (?, ?)`
	delArgs := []any{orgID, start.created, start.user}
	if until != nil {
		query += ` AND (created_at, user_id) < (?, ?)`
		args = append(args, until.created, until.user)
		del += ` AND (start_created, start_user) < (?, ?)`
		delArgs = append(delArgs, until.created, until.user)
	}
	deltas := map[chunkAt][2]int64{}
	cur, n := start, 0
	var last rawKey
	err := queryEach(ctx, o, scanListedRow, func(r listedRow) error {
		if n >= chunkRows && r.key() != last {
			cur, n = r.key(), 0
		}
		n++
		last = r.key()
		d := deltas[chunkAt{cur, r.from}]
		d[0]++
		deltas[chunkAt{cur, r.from}] = d
		if r.until != seatForever {
			d = deltas[chunkAt{cur, r.until}]
			d[1]++
			deltas[chunkAt{cur, r.until}] = d
		}
		return nil
	}, query+` ORDER BY created_at, user_id`, args...)
	if err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	if _, err := o.exec(ctx, del, delArgs...); err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	return o.putChunkDeltas(ctx, orgID, deltas, false)
}

// RecountSeatChunks recounts every org's chunks from the seat ledger: how
// a database from before the chunks gets them.
func (o ops) RecountSeatChunks(ctx context.Context) error {
	if _, err := o.exec(ctx, `DELETE FROM copilot_seat_chunks`); err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	orgs, err := queryAll(ctx, o, scanInt64, `SELECT DISTINCT org_id FROM copilot_seats ORDER BY org_id`)
	if err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	for _, org := range orgs {
		if err := o.cutSeatChunk(ctx, org, rawKey{seatAlways, 0}, nil); err != nil {
			return err
		}
	}
	return nil
}

// SetChunkRows sets how many seat rows a chunk holds after a cut and
// returns the number it replaces: tests use a few, to have many chunks.
func SetChunkRows(n int) int {
	old := chunkRows
	chunkRows = n
	return old
}
