package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// What an enterprise's seat list needs counted, kept by the ledger's own
// writes in their transaction (tables enterprise_seat_chunks,
// enterprise_seat_holders and enterprise_seat_holder_counts), so that a
// page of it and its total_seats cost what the first page of a small
// list costs, whatever the enterprise's size:
//
//   - The list (the enterprise's own seats and its orgs' listed seats,
//     merged: oldest first, then the enterprise's own, then by org id,
//     then by user id) is kept as rows in that order
//     (enterprise_seat_list), and cut into counted chunks, as an org's
//     list is (seatchunks.go), with keys that name the seat's org.
//   - Each user's holding of a seat in the enterprise, in any of its
//     orgs or at the enterprise, is kept as spans of time (the union of
//     the spans of their rows), and the spans are counted per enterprise
//     as the totals are (+1 at a span's start, -1 at its end): the
//     holders at a moment are the sum of the counts at or before it, so
//     a seat whose end passes leaves total_seats at that second, without
//     a background job.
//
// The hooks: an org's rows taken out of the list and uncounted before
// they are deleted, put in and counted after they are written (entOrgRows,
// once for a whole write, through entListRowsCounted), the same for the
// enterprise's own rows (resolveEnterpriseUsers), and the users whose rows
// changed re-spanned (refreshHolders).

// entList is an enterprise's merged seat list.
var entList = chunkedList{table: "enterprise_seat_chunks", owner: "enterprise_id", orgKeys: true, rows: entListRows}

// entListRows reads an enterprise's list rows with keys from from on (to
// until, nil for the end), in list order: a range of enterprise_seat_list.
func entListRows(o ops, ctx context.Context, entID int64, from rawKey, until *rawKey, each func(listedRow) error) error {
	query := `SELECT created_at, org_id, user_id, valid_from, ends_at FROM enterprise_seat_list
		WHERE enterprise_id = ? AND (created_at, org_id, user_id) >= (?, ?, ?)`
	args := []any{entID, from.created, from.org, from.user}
	if until != nil {
		query += ` AND (created_at, org_id, user_id) < (?, ?, ?)`
		args = append(args, until.created, until.org, until.user)
	}
	return queryEach(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
		var r listedRow
		err := row.Scan(&r.created, &r.org, &r.user, &r.from, &r.until)
		return r, err
	}, each, query+` ORDER BY created_at, org_id, user_id`, args...)
}

// addListRows adds rows to an enterprise's list (enterprise_seat_list).
func (o ops) addListRows(ctx context.Context, entID int64, rows []listedRow) error {
	vals := make([][]any, len(rows))
	for i, r := range rows {
		vals[i] = []any{entID, r.created, r.org, r.user, r.from, r.until}
	}
	return o.insertRows(ctx, "enterprise_seat_list", `enterprise_id, created_at, org_id, user_id, valid_from, ends_at`, vals)
}

// takeListRows takes rows out of an enterprise's list, by key.
func (o ops) takeListRows(ctx context.Context, entID int64, rows []listedRow) error {
	const one = "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))"
	return inBatches(len(rows), func(lo, hi int) error {
		args := make([]any, 0, 1+4*(hi-lo))
		args = append(args, entID)
		for _, r := range rows[lo:hi] {
			args = append(args, r.created, r.org, r.user, r.from)
		}
		// A SELECT from the VALUES, not the VALUES alone: SQLite then looks
		// each key up in the primary key rather than scanning the
		// enterprise's list.
		_, err := o.exec(ctx, `DELETE FROM enterprise_seat_list WHERE enterprise_id = ? AND (created_at, org_id, user_id, valid_from) IN
			(SELECT column1, column2, column3, column4 FROM (VALUES `+strings.TrimSuffix(strings.Repeat(one+", ", hi-lo), ", ")+`) k)`, args...)
		if err != nil {
			return fmt.Errorf("store: enterprise seat list: %w", err)
		}
		return nil
	})
}

// in gives, in the list of one source alone (an org id, 0 for the
// enterprise's own seats), the first key at or after k: the source's
// seats before it are exactly its seats before k in the merged order.
func (k rawKey) in(source int64) rawKey {
	switch {
	case source == k.org:
		return rawKey{k.created, 0, k.user}
	case source < k.org:
		return rawKey{k.created + 1, 0, 0}
	default:
		return rawKey{k.created, 0, 0}
	}
}

// orgEnterprise returns the enterprise an org belongs to, 0 for none.
func (o ops) orgEnterprise(ctx context.Context, orgID int64) (int64, error) {
	var ent int64
	if err := o.queryRow(ctx, `SELECT COALESCE(enterprise_id, 0) FROM organizations WHERE id = ?`, orgID).Scan(&ent); err != nil {
		return 0, fmt.Errorf("store: organization %d: %w", orgID, err)
	}
	return ent, nil
}

// entOrgRows takes an org's listed rows taken out of its enterprise's
// list (ent, 0 for none) and adds the rows added.
func (o ops) entOrgRows(ctx context.Context, ent, orgID int64, taken, added []listedRow) error {
	if ent == 0 {
		return nil
	}
	inEnt := func(rows []listedRow) []listedRow {
		out := make([]listedRow, len(rows))
		for i, r := range rows {
			r.org = orgID
			out[i] = r
		}
		return out
	}
	return o.entListRowsCounted(ctx, ent, inEnt(taken), inEnt(added))
}

// entListRowsCounted takes rows out of an enterprise's list and adds
// others.
func (o ops) entListRowsCounted(ctx context.Context, entID int64, taken, added []listedRow) error {
	if len(taken) == 0 && len(added) == 0 {
		return nil
	}
	o.touchEnterprise(entID)
	// The list first: a chunk that grows past its size is cut from it.
	// A row taken and added back unchanged stays where it is.
	in := make(map[listedRow]int8, len(taken)+len(added))
	for _, r := range taken {
		in[r] |= 1
	}
	for _, r := range added {
		in[r] |= 2
	}
	changed := func(rows []listedRow) []listedRow {
		var out []listedRow
		for _, r := range rows {
			if in[r] != 3 {
				out = append(out, r)
			}
		}
		return out
	}
	if err := o.takeListRows(ctx, entID, changed(taken)); err != nil {
		return err
	}
	if err := o.addListRows(ctx, entID, changed(added)); err != nil {
		return err
	}
	return o.countChunks(ctx, entList, entID, taken, added)
}

// dropOrgFromEnterprise uncounts all of an org's listed rows from its
// enterprise's list, before they are all deleted, and returns the users
// who held them (none when the org has no enterprise).
func (o ops) dropOrgFromEnterprise(ctx context.Context, orgID int64) (entID int64, users []int64, err error) {
	if entID, err = o.orgEnterprise(ctx, orgID); err != nil || entID == 0 {
		return entID, nil, err
	}
	c, err := o.newChunkCounter(ctx, entList, entID)
	if err != nil {
		return 0, nil, err
	}
	var rows []listedRow
	err = queryEach(ctx, o, scanListedRow, func(r listedRow) error {
		r.org = orgID
		c.add(r, -1)
		rows = append(rows, r)
		users = append(users, r.user)
		return nil
	}, `SELECT created_at, user_id, valid_from, ends_at FROM copilot_seats WHERE org_id = ? AND state = ?`, orgID, seatkeeper.StateActive)
	if err != nil {
		return 0, nil, fmt.Errorf("store: enterprise seat chunks: %w", err)
	}
	if len(users) > 0 {
		o.touchEnterprise(entID)
	}
	if err := o.takeListRows(ctx, entID, rows); err != nil {
		return 0, nil, err
	}
	return entID, users, o.applyChunkCounter(ctx, entList, entID, c)
}

// holderSpan is a stretch of time in which a user holds a seat.
type holderSpan struct{ from, until int64 }

// unionSpans merges spans that overlap or touch, in time order.
func unionSpans(spans []holderSpan) []holderSpan {
	slices.SortFunc(spans, func(a, b holderSpan) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.until, b.until)) })
	var out []holderSpan
	for _, s := range spans {
		if n := len(out); n > 0 && s.from <= out[n-1].until {
			out[n-1].until = max(out[n-1].until, s.until)
			continue
		}
		out = append(out, s)
	}
	return out
}

// refreshHolders re-spans the users' holding of a seat in the enterprise
// from its list's rows, and counts the change.
func (o ops) refreshHolders(ctx context.Context, entID int64, userIDs []int64) error {
	if entID == 0 || len(userIDs) == 0 {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	orgs, err := queryAll(ctx, o, scanInt64, `SELECT id FROM organizations WHERE enterprise_id = ?`, entID)
	if err != nil {
		return fmt.Errorf("store: seat holders: %w", err)
	}
	inEnt := map[int64]bool{}
	for _, id := range orgs {
		inEnt[id] = true
	}
	counts := map[int64]int64{}
	for batch := range slices.Chunk(ids, MaxUsers) {
		now, was := map[int64][]holderSpan{}, map[int64][]holderSpan{}
		f, args, err := userFilter("user_id", OnlyUsers(batch...), []any{seatkeeper.StateActive})
		if err != nil {
			return err
		}
		// By the user index: every seat the users hold, in any org; the
		// enterprise's orgs' are kept.
		err = queryEach(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
			var r listedRow
			err := row.Scan(&r.org, &r.user, &r.from, &r.until)
			return r, err
		}, func(r listedRow) error {
			if inEnt[r.org] {
				now[r.user] = append(now[r.user], holderSpan{r.from, r.until})
			}
			return nil
		}, `SELECT org_id, user_id, valid_from, ends_at FROM copilot_seats WHERE state = ?`+f, args...)
		if err != nil {
			return fmt.Errorf("store: seat holders: %w", err)
		}
		args[0] = entID
		for _, q := range []struct {
			query string
			into  map[int64][]holderSpan
		}{
			// Each query's fourth column is read and dropped: updated_at
			// keeps the list index from covering the first, so that it
			// goes by the primary key, not a scan of the enterprise's list.
			{`SELECT user_id, valid_from, ends_at, updated_at FROM enterprise_copilot_seats WHERE enterprise_id = ?` + f, now},
			{`SELECT user_id, valid_from, ends_at, 0 FROM enterprise_seat_holders WHERE enterprise_id = ?` + f, was},
		} {
			err := queryEach(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
				var r listedRow
				err := row.Scan(&r.user, &r.from, &r.until, &r.created)
				return r, err
			}, func(r listedRow) error {
				q.into[r.user] = append(q.into[r.user], holderSpan{r.from, r.until})
				return nil
			}, q.query, args...)
			if err != nil {
				return fmt.Errorf("store: seat holders: %w", err)
			}
		}
		var changed []int64
		var rows [][]any
		for _, id := range batch {
			spans, old := unionSpans(now[id]), unionSpans(was[id])
			if slices.Equal(spans, old) {
				continue
			}
			changed = append(changed, id)
			for _, s := range old {
				countSpan(counts, s, -1)
			}
			for _, s := range spans {
				countSpan(counts, s, 1)
				rows = append(rows, []any{entID, id, s.from, s.until})
			}
		}
		if len(changed) == 0 {
			continue
		}
		o.touchEnterprise(entID)
		f, args, err = userFilter("user_id", OnlyUsers(changed...), []any{entID})
		if err != nil {
			return err
		}
		if _, err := o.exec(ctx, `DELETE FROM enterprise_seat_holders WHERE enterprise_id = ?`+f, args...); err != nil {
			return fmt.Errorf("store: seat holders: %w", err)
		}
		if err := o.insertRows(ctx, "enterprise_seat_holders", `enterprise_id, user_id, valid_from, ends_at`, rows); err != nil {
			return err
		}
	}
	return o.applyHolderCounts(ctx, entID, counts)
}

// countSpan counts n holders over a span: from its start, to its end.
func countSpan(counts map[int64]int64, s holderSpan, n int64) {
	counts[s.from] += n
	if s.until < seatForever {
		counts[s.until] -= n
	}
}

// applyHolderCounts adds counts (by moment) to an enterprise's holder
// counts and drops the rows left at zero.
func (o ops) applyHolderCounts(ctx context.Context, entID int64, counts map[int64]int64) error {
	var rows [][]any
	for _, at := range slices.Sorted(maps.Keys(counts)) {
		if counts[at] != 0 {
			rows = append(rows, []any{entID, at, counts[at]})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	err := o.insertRowsThen(ctx, "enterprise_seat_holder_counts", "enterprise_id, at, holders", rows,
		` ON CONFLICT (enterprise_id, at) DO UPDATE SET holders = enterprise_seat_holder_counts.holders + excluded.holders`)
	if err != nil {
		return fmt.Errorf("store: seat holders: %w", err)
	}
	if _, err := o.exec(ctx, `DELETE FROM enterprise_seat_holder_counts WHERE enterprise_id = ? AND holders = 0`, entID); err != nil {
		return fmt.Errorf("store: seat holders: %w", err)
	}
	return nil
}

// RecountEnterpriseLists recounts every enterprise's list chunks and seat
// holders from the seat ledger: how a database from before them gets
// them.
func (o ops) RecountEnterpriseLists(ctx context.Context) error {
	for _, table := range []string{"enterprise_seat_chunks", "enterprise_seat_holders", "enterprise_seat_holder_counts"} {
		if _, err := o.exec(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("store: recount enterprise lists: %w", err)
		}
	}
	ents, err := queryAll(ctx, o, scanInt64, `SELECT id FROM enterprises ORDER BY id`)
	if err != nil {
		return fmt.Errorf("store: recount enterprise lists: %w", err)
	}
	for _, ent := range ents {
		if err := o.cutChunk(ctx, entList, ent, firstKey, nil); err != nil {
			return err
		}
		if err := o.recountHolders(ctx, ent); err != nil {
			return err
		}
	}
	return nil
}

// recountHolders writes an enterprise's holders and their counts from
// its list's rows, for a range of user ids at a time.
func (o ops) recountHolders(ctx context.Context, ent int64) error {
	counts := map[int64]int64{}
	const span = 20000
	for next := int64(0); ; {
		// The next range that starts with a user.
		var first sql.NullInt64
		if err := o.queryRow(ctx, `SELECT MIN(id) FROM users WHERE id >= ?`, next).Scan(&first); err != nil {
			return fmt.Errorf("store: recount enterprise lists: %w", err)
		}
		if !first.Valid {
			break
		}
		from := first.Int64
		next = from + span
		var rows [][]any
		var user int64
		var spans []holderSpan
		flush := func() {
			for _, s := range unionSpans(spans) {
				countSpan(counts, s, 1)
				rows = append(rows, []any{ent, user, s.from, s.until})
			}
			spans = spans[:0]
		}
		err := queryEach(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
			var r listedRow
			err := row.Scan(&r.user, &r.from, &r.until)
			return r, err
		}, func(r listedRow) error {
			if r.user != user {
				flush()
				user = r.user
			}
			spans = append(spans, holderSpan{r.from, r.until})
			return nil
		}, `SELECT user_id, valid_from, ends_at FROM (
			SELECT user_id, valid_from, ends_at FROM copilot_seats
			WHERE org_id IN (SELECT id FROM organizations WHERE enterprise_id = ?) AND state = ? AND user_id BETWEEN ? AND ?
			UNION ALL
			SELECT user_id, valid_from, ends_at FROM enterprise_copilot_seats WHERE enterprise_id = ? AND user_id BETWEEN ? AND ?) h
			ORDER BY user_id`, ent, seatkeeper.StateActive, from, from+span-1, ent, from, from+span-1)
		if err != nil {
			return fmt.Errorf("store: recount enterprise lists: %w", err)
		}
		flush()
		if err := o.insertRows(ctx, "enterprise_seat_holders", `enterprise_id, user_id, valid_from, ends_at`, rows); err != nil {
			return err
		}
	}
	return o.applyHolderCounts(ctx, ent, counts)
}

// EntSeatChunk is one chunk of an enterprise's seat list: its first key
// and the seats it holds at the moment asked for.
type EntSeatChunk struct {
	Start EntSeatKey
	Seats int
}

// EnterpriseSeatChunks returns the chunks of the enterprise's seat list
// at at, in list order, with their seats then (some may hold none). Their
// sum is the list's length.
func (o ops) EnterpriseSeatChunks(ctx context.Context, entID int64, at time.Time) ([]EntSeatChunk, error) {
	t := unix(at)
	chunks, err := o.chunksAt(ctx, entList, entID, &t)
	if err != nil {
		return nil, err
	}
	out := make([]EntSeatChunk, len(chunks))
	for i, c := range chunks {
		out[i] = EntSeatChunk{EntSeatKey{fromUnix(c.start.created), c.start.org, c.start.user}, int(c.seats)}
	}
	return out, nil
}

// EnterpriseSeatHolders counts the users holding a seat in the
// enterprise at at (in any of its orgs' lists or at the enterprise),
// each once: GitHub's total_seats.
func (o ops) EnterpriseSeatHolders(ctx context.Context, entID int64, at time.Time) (int, error) {
	var n int64
	err := o.queryRow(ctx, `SELECT CAST(COALESCE(SUM(holders), 0) AS BIGINT) FROM enterprise_seat_holder_counts
		WHERE enterprise_id = ? AND at <= ?`, entID, unix(at)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: seat holders: %w", err)
	}
	return int(n), nil
}
