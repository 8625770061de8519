package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
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
//
// An enterprise's list (its own seats and its orgs' listed seats, merged:
// enterprise_list.go) is chunked the same way in its own table, its keys
// naming the seat's org too; the code below serves both lists.

// chunkRows is how many seat rows a chunk holds after a cut.
var chunkRows = 1000

// chunkedList names where one kind of list keeps its chunks, and how its
// rows are read.
type chunkedList struct {
	table, owner string // the chunk table, and its owner column
	orgKeys      bool   // keys name the seat's org (an enterprise's list)
	// rows hands each of the owner's rows with a key from from on (to
	// until, nil for the end) to each, in list order.
	rows func(o ops, ctx context.Context, owner int64, from rawKey, until *rawKey, each func(listedRow) error) error
}

// orgList is an org's list of its active members' seats.
var orgList = chunkedList{table: "copilot_seat_chunks", owner: "org_id", rows: orgListRows}

func orgListRows(o ops, ctx context.Context, orgID int64, from rawKey, until *rawKey, each func(listedRow) error) error {
	query := `SELECT created_at, user_id, valid_from, ends_at FROM copilot_seats
		WHERE org_id = ? AND state = ? AND (created_at, user_id) >= (?, ?)`
	args := []any{orgID, seatkeeper.StateActive, from.created, from.user}
	if until != nil {
		query += ` AND (created_at, user_id) < (?, ?)`
		args = append(args, until.created, until.user)
	}
	return queryEach(ctx, o, scanListedRow, each, query+` ORDER BY created_at, user_id`, args...)
}

// startCols are the columns of a chunk's first key.
func (l chunkedList) startCols() string {
	if l.orgKeys {
		return "start_created, start_org, start_user"
	}
	return "start_created, start_user"
}

// startArgs are a key's values for startCols.
func (l chunkedList) startArgs(k rawKey) []any {
	if l.orgKeys {
		return []any{k.created, k.org, k.user}
	}
	return []any{k.created, k.user}
}

// startDest are where a scan of startCols goes.
func (l chunkedList) startDest(k *rawKey) []any {
	if l.orgKeys {
		return []any{&k.created, &k.org, &k.user}
	}
	return []any{&k.created, &k.user}
}

// keyMarks are the placeholders of a key's values.
func (l chunkedList) keyMarks() string {
	if l.orgKeys {
		return "(?, ?, ?)"
	}
	return "(?, ?)"
}

// rawChunk is a chunk's first key and its seats (at a moment, or the rows
// it covers at any moment).
type rawChunk struct {
	start rawKey
	seats int64
}

// chunksAt returns the owner's chunks in list order with their seats at
// at; with at nil, with the rows each covers at any moment.
func (o ops) chunksAt(ctx context.Context, l chunkedList, owner int64, at *int64) ([]rawChunk, error) {
	sum, where, args := `SUM(added - removed)`, ``, []any{owner}
	if at == nil {
		sum = `SUM(added)`
	} else {
		where, args = ` AND at <= ?`, append(args, *at)
	}
	out, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (rawChunk, error) {
		var c rawChunk
		err := row.Scan(append(l.startDest(&c.start), &c.seats)...)
		return c, err
	}, `SELECT `+l.startCols()+`, CAST(`+sum+` AS BIGINT) FROM `+l.table+`
		WHERE `+l.owner+` = ?`+where+` GROUP BY `+l.startCols()+` ORDER BY `+l.startCols(), args...)
	if err != nil {
		return nil, fmt.Errorf("store: seat chunks: %w", err)
	}
	return out, nil
}

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
	t := unix(at)
	chunks, err := o.chunksAt(ctx, orgList, orgID, &t)
	if err != nil {
		return nil, err
	}
	out := make([]SeatChunk, len(chunks))
	for i, c := range chunks {
		out[i] = SeatChunk{SeatKey{fromUnix(c.start.created), c.start.user}, int(c.seats)}
	}
	return out, nil
}

// listedRow is a row of a list, as its chunks count it: for an
// enterprise's list, org is the seat's org (0 for the enterprise's own).
type listedRow struct{ created, org, user, from, until int64 }

func (r listedRow) key() rawKey { return rawKey{r.created, r.org, r.user} }

// rawKey is a list key in Unix seconds (org is 0 in an org's list).
type rawKey struct{ created, org, user int64 }

func compareKeys(a, b rawKey) int {
	return cmp.Or(cmp.Compare(a.created, b.created), cmp.Compare(a.org, b.org), cmp.Compare(a.user, b.user))
}

// firstKey is below every seat's key: every list's first chunk starts there.
var firstKey = rawKey{seatAlways, 0, 0}

func scanListedRow(row interface{ Scan(...any) error }) (listedRow, error) {
	var r listedRow
	err := row.Scan(&r.created, &r.user, &r.from, &r.until)
	return r, err
}

// dropSeatChunks forgets the org's chunks, before all its rows are
// deleted.
func (o ops) dropSeatChunks(ctx context.Context, orgID int64) error {
	return o.dropChunks(ctx, orgList, orgID)
}

func (o ops) dropChunks(ctx context.Context, l chunkedList, owner int64) error {
	if _, err := o.exec(ctx, `DELETE FROM `+l.table+` WHERE `+l.owner+` = ?`, owner); err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	return nil
}

// chunkAt names one counting row: a chunk and a moment.
type chunkAt struct {
	start rawKey
	at    int64
}

// chunkDeltas are changes to counting rows: seats added and removed.
type chunkDeltas map[chunkAt][2]int64

// count adds sign × a row to the chunk starting at start.
func (d chunkDeltas) count(start rawKey, r listedRow, sign int64) {
	k := chunkAt{start, r.from}
	v := d[k]
	v[0] += sign
	d[k] = v
	if r.until != seatForever {
		k.at = r.until
		v = d[k]
		v[1] += sign
		d[k] = v
	}
}

// chunkCounter adds rows to the counts of an owner's chunks.
type chunkCounter struct {
	chunks []rawChunk // with the rows each covers at any moment
	deltas chunkDeltas
	grown  map[int]bool
	took   bool // some rows were taken out
}

// newChunkCounter reads the owner's chunks, to count rows into them.
func (o ops) newChunkCounter(ctx context.Context, l chunkedList, owner int64) (*chunkCounter, error) {
	chunks, err := o.chunksAt(ctx, l, owner, nil)
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 || compareKeys(chunks[0].start, firstKey) > 0 {
		// Every key has a chunk: the first starts below every seat.
		chunks = slices.Insert(chunks, 0, rawChunk{start: firstKey})
	}
	return &chunkCounter{chunks: chunks, deltas: chunkDeltas{}, grown: map[int]bool{}}, nil
}

// add counts sign × r in its chunk.
func (c *chunkCounter) add(r listedRow, sign int64) {
	// The last chunk starting at or before the row's key.
	i := sort.Search(len(c.chunks), func(i int) bool { return compareKeys(c.chunks[i].start, r.key()) > 0 }) - 1
	c.chunks[i].seats += sign
	if sign > 0 {
		c.grown[i] = true
	} else {
		c.took = true
	}
	c.deltas.count(c.chunks[i].start, r, sign)
}

// countChunks takes the rows taken out of the owner's chunks and adds the
// rows added, reading the chunks once and writing each counting row
// once, then cuts the chunks that grew past twice chunkRows.
func (o ops) countChunks(ctx context.Context, l chunkedList, owner int64, taken, added []listedRow) error {
	if len(taken) == 0 && len(added) == 0 {
		return nil
	}
	c, err := o.newChunkCounter(ctx, l, owner)
	if err != nil {
		return err
	}
	for _, r := range taken {
		c.add(r, -1)
	}
	for _, r := range added {
		c.add(r, 1)
	}
	return o.applyChunkCounter(ctx, l, owner, c)
}

// applyChunkCounter writes what c counted.
func (o ops) applyChunkCounter(ctx context.Context, l chunkedList, owner int64, c *chunkCounter) error {
	if len(c.deltas) == 0 {
		return nil
	}
	if err := o.putChunkDeltas(ctx, l, owner, c.deltas, true); err != nil {
		return err
	}
	if c.took {
		// Rows that count nothing any more, and chunks left empty.
		_, err := o.exec(ctx, `DELETE FROM `+l.table+` WHERE `+l.owner+` = ? AND added = 0 AND removed = 0`, owner)
		if err != nil {
			return fmt.Errorf("store: seat chunks: %w", err)
		}
	}
	for _, i := range slices.Sorted(maps.Keys(c.grown)) {
		if c.chunks[i].seats <= 2*int64(chunkRows) {
			continue
		}
		var until *rawKey
		if i+1 < len(c.chunks) {
			until = &c.chunks[i+1].start
		}
		if err := o.cutChunk(ctx, l, owner, c.chunks[i].start, until); err != nil {
			return err
		}
	}
	return nil
}

// putChunkDeltas writes counting rows: added to what is there (add), or
// as new rows.
func (o ops) putChunkDeltas(ctx context.Context, l chunkedList, owner int64, deltas chunkDeltas, add bool) error {
	keys := slices.SortedFunc(maps.Keys(deltas), func(a, b chunkAt) int {
		return cmp.Or(compareKeys(a.start, b.start), cmp.Compare(a.at, b.at))
	})
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		d := deltas[k]
		if add && d == [2]int64{} {
			continue // a row taken and added back: nothing to add
		}
		rows = append(rows, append(append([]any{owner}, l.startArgs(k.start)...), k.at, d[0], d[1]))
	}
	var then string
	if add {
		then = ` ON CONFLICT (` + l.owner + `, ` + l.startCols() + `, at) DO UPDATE SET
			added = ` + l.table + `.added + excluded.added, removed = ` + l.table + `.removed + excluded.removed`
	}
	return o.insertRowsThen(ctx, l.table, l.owner+", "+l.startCols()+", at, added, removed", rows, then)
}

// cutChunk recounts the chunk from start (to until, or the end of the
// list) from the rows, cut into chunks of chunkRows rows; rows of one key
// stay in one chunk. The first keeps start.
func (o ops) cutChunk(ctx context.Context, l chunkedList, owner int64, start rawKey, until *rawKey) error {
	del := `DELETE FROM ` + l.table + ` WHERE ` + l.owner + ` = ? AND (` + l.startCols() + `) >= ` + l.keyMarks()
	delArgs := append([]any{owner}, l.startArgs(start)...)
	if until != nil {
		del += ` AND (` + l.startCols() + `) < ` + l.keyMarks()
		delArgs = append(delArgs, l.startArgs(*until)...)
	}
	deltas := chunkDeltas{}
	cur, n := start, 0
	var last rawKey
	err := l.rows(o, ctx, owner, start, until, func(r listedRow) error {
		if n >= chunkRows && r.key() != last {
			cur, n = r.key(), 0
		}
		n++
		last = r.key()
		deltas.count(cur, r, 1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	if _, err := o.exec(ctx, del, delArgs...); err != nil {
		return fmt.Errorf("store: seat chunks: %w", err)
	}
	return o.putChunkDeltas(ctx, l, owner, deltas, false)
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
		if err := o.cutChunk(ctx, orgList, org, firstKey, nil); err != nil {
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
