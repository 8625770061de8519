package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Scopes of change. A cache keeps answers per organization (by its id)
// or about everything (ScopeAll): tokens, users, organizations. Every
// write transaction records which scopes it changed (table data_changes),
// so that a reader who sees the data version move learns from
// ChangesSince which of its answers still hold.
const (
	ScopeAll  int64 = 0
	scopeNone int64 = -1 // a write nothing a cache keeps depends on (the audit log)
	// PostgreSQL: the rows of transactions before this row's xid were
	// pruned (PruneChanges), so a mark older than it cannot be answered.
	scopePruned int64 = -2
)

// data_changes keeps about the newest keepChanges rows: every
// pruneEvery-th commit of a store prunes the older ones (PruneChanges).
// Variables for the tests (export_test.go).
var (
	keepChanges        = 10000
	pruneEvery  uint64 = 1000
)

// EnterpriseScope is the scope of an enterprise's own seats (its grants,
// their ledger rows, their activity) and of its seat list's counts (which
// its orgs' seat writes change too): below scopePruned, so that it never
// names an organization or a mark of pruning.
func EnterpriseScope(entID int64) int64 { return scopePruned - entID }

// Tables whose rows belong to one organization, and the writes that need
// no scope. A write to any other table changes ScopeAll.
var (
	orgTables = map[string]bool{
		"copilot_grants": true, "copilot_seats": true, "copilot_seat_chunks": true, "copilot_seat_totals": true, "copilot_residual_seats": true, "copilot_activity": true,
		"copilot_subscriptions": true, "teams": true, "team_members": true, "org_memberships": true, "org_invitations": true,
	}
	enterpriseTables = map[string]bool{
		"enterprise_copilot_grants": true, "enterprise_copilot_seats": true, "enterprise_copilot_activity": true,
		// The enterprise's list, counted (enterprise_list.go): an org's seat
		// write changes them too, and touches the enterprise.
		"enterprise_seat_list": true, "enterprise_seat_chunks": true, "enterprise_seat_holders": true, "enterprise_seat_holder_counts": true,
	}
	unscopedTables = map[string]bool{"audit_log": true, "id_sequences": true, "data_changes": true, "signing_keys": true}
)

// writtenTable returns the table an INSERT, UPDATE or DELETE writes, or ""
// for any other statement.
func writtenTable(query string) string {
	w, rest := nextWord(query)
	switch {
	case strings.EqualFold(w, "INSERT"), strings.EqualFold(w, "DELETE"):
		_, rest = nextWord(rest) // INTO, FROM
	case !strings.EqualFold(w, "UPDATE"):
		return ""
	}
	t, _ := nextWord(rest)
	return t
}

// noteWrite classifies a statement a transaction runs.
func (o ops) noteWrite(query string) {
	if o.dirt == nil || !mayWrite(query) {
		return
	}
	o.dirt.wrote = true
	switch t := writtenTable(query); {
	case unscopedTables[t]:
	case orgTables[t]:
		o.dirt.orgWrites = true
	case enterpriseTables[t]:
		o.dirt.entWrites = true
	default:
		o.dirt.global = true
	}
}

// touchOrg records that the transaction changed an organization's data.
func (o ops) touchOrg(orgID int64) {
	if o.dirt == nil {
		return
	}
	if o.dirt.touched == nil {
		o.dirt.touched = map[int64]bool{}
	}
	o.dirt.touched[orgID] = true
}

// touchEnterprise records that the transaction changed an enterprise's
// own seats.
func (o ops) touchEnterprise(entID int64) {
	if o.dirt == nil {
		return
	}
	if o.dirt.touchedEnts == nil {
		o.dirt.touchedEnts = map[int64]bool{}
	}
	o.dirt.touchedEnts[entID] = true
}

// recordChanges files the transaction's scopes of change, last thing
// before it commits. A write to an organization's tables that named no
// organization counts as a change to everything.
func (o ops) recordChanges(ctx context.Context) error {
	d := o.dirt
	if d == nil || !d.wrote {
		return nil
	}
	scopes := slices.Sorted(maps.Keys(d.touched))
	for _, ent := range slices.Sorted(maps.Keys(d.touchedEnts)) {
		scopes = append(scopes, EnterpriseScope(ent))
	}
	switch {
	case d.global || d.orgWrites && len(d.touched) == 0 || d.entWrites && len(d.touchedEnts) == 0:
		scopes = []int64{ScopeAll}
	case len(scopes) == 0:
		scopes = []int64{scopeNone}
	}
	for _, scope := range scopes {
		if err := o.insertChange(ctx, scope); err != nil {
			return err
		}
	}
	return nil
}

func (o ops) insertChange(ctx context.Context, scope int64) error {
	q := `INSERT INTO data_changes (scope) VALUES (?)`
	if o.d == Postgres {
		q = `INSERT INTO data_changes (xid, scope) VALUES (txid_current(), ?)`
	}
	if _, err := o.q.ExecContext(ctx, o.rebind(q), scope); err != nil {
		return fmt.Errorf("store: record change: %w", err)
	}
	return nil
}

// ChangesSince reports which scopes changed after the state mark names
// (from an earlier call; "" for none known) and before this call, and the
// mark of the state it read. all is true when it cannot tell (no mark, a
// change recorded as ScopeAll, or changes after mark already pruned). external is the data version the caller
// saw (DataVersion); on PostgreSQL it is the state's mark itself. On
// SQLite the mark is the newest change read, which names the state
// external names only if no commit came between the two reads: the
// caller checks that the data version is still external afterwards.
func (s *Store) ChangesSince(ctx context.Context, mark, external string) (scopes []int64, all bool, next string, err error) {
	if s.dialect == Postgres {
		next = external
		if mark == "" {
			return nil, true, next, nil
		}
		// Snapshots are "xmin:xmax:xip,...": rows of transactions the old
		// one did not see, from its xmin on, and the mark of a pruning
		// that removed rows from after its xmin (its xid is a bound, not
		// a transaction of its own).
		scopes, err = queryAll(ctx, s.ops, scanInt64, `SELECT DISTINCT scope FROM data_changes
			WHERE xid >= txid_snapshot_xmin(CAST(? AS txid_snapshot))
				AND (scope <> ? AND NOT txid_visible_in_snapshot(xid, CAST(? AS txid_snapshot))
					OR scope = ? AND xid > txid_snapshot_xmin(CAST(? AS txid_snapshot)))`, mark, scopePruned, mark, scopePruned, mark)
	} else {
		// Rows are numbered without gaps and pruned from the oldest: the
		// changes after mark are all there while the oldest row left is
		// no later than the one after it.
		var newest, oldest int64
		if err := s.queryRow(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM data_changes), 0),
			COALESCE((SELECT MIN(seq) FROM data_changes), 0)`).Scan(&newest, &oldest); err != nil {
			return nil, false, "", fmt.Errorf("store: changes: %w", err)
		}
		next = strconv.FormatInt(newest, 10)
		since, perr := strconv.ParseInt(mark, 10, 64)
		if mark == "" || perr != nil || since+1 < oldest {
			return nil, true, next, nil
		}
		scopes, err = queryAll(ctx, s.ops, scanInt64, `SELECT DISTINCT scope FROM data_changes WHERE seq > ? AND seq <= ?`, since, newest)
	}
	if err != nil {
		return nil, false, "", fmt.Errorf("store: changes: %w", err)
	}
	out := scopes[:0]
	for _, sc := range scopes {
		switch sc {
		case ScopeAll, scopePruned:
			return nil, true, next, nil
		case scopeNone:
		default:
			out = append(out, sc)
		}
	}
	return out, false, next, nil
}

// PruneChanges deletes the rows of data_changes older than about the
// newest keep (at least one is kept) and returns how many it deleted. No
// reader's mark is ever answered wrongly for it: a mark from before the
// rows deleted gets ChangesSince's all (on SQLite the oldest row left
// tells; on PostgreSQL a row of scope scopePruned at the first xid kept).
// On PostgreSQL the rows of transactions the oldest one still running
// may not have seen are kept, so that no current snapshot's mark loses
// its exact answer, and one replica prunes at a time (the others skip).
func (s *Store) PruneChanges(ctx context.Context, keep int) (int64, error) {
	keep = max(keep, 1)
	if s.dialect == SQLite {
		// Never the newest row: seq would start again from 1.
		res, err := s.db.ExecContext(ctx, `DELETE FROM data_changes WHERE seq <= (SELECT MAX(seq) FROM data_changes) - ?`, keep)
		if err != nil {
			return 0, fmt.Errorf("store: prune changes: %w", err)
		}
		return res.RowsAffected()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: prune changes: %w", err)
	}
	defer tx.Rollback()
	var locked bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, lockPruneChanges).Scan(&locked); err != nil || !locked {
		return 0, err
	}
	var first sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT LEAST(
			(SELECT xid FROM data_changes ORDER BY xid DESC OFFSET $1 LIMIT 1),
			txid_snapshot_xmin(txid_current_snapshot()))`, keep-1).Scan(&first)
	if err != nil || !first.Valid {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM data_changes WHERE xid < $1`, first.Int64)
	if err != nil {
		return 0, fmt.Errorf("store: prune changes: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO data_changes (xid, scope) VALUES ($1, $2)`, first.Int64, scopePruned); err != nil {
		return 0, fmt.Errorf("store: prune changes: %w", err)
	}
	return n, tx.Commit()
}

// maybePruneChanges prunes data_changes after every pruneEvery-th commit
// of this store. A failure is left for the next time: the rows only cost
// space.
func (s *Store) maybePruneChanges(ctx context.Context) {
	if s.commits.Load()%pruneEvery == 0 {
		s.PruneChanges(context.WithoutCancel(ctx), keepChanges) //nolint:errcheck // retried pruneEvery commits later
	}
}
