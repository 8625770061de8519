package store

import (
	"context"
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
)

// EnterpriseScope is the scope of an enterprise's own seats (its grants,
// their ledger rows, their activity): below scopeNone, so that it never
// names an organization.
func EnterpriseScope(entID int64) int64 { return -1 - entID }

// Tables whose rows belong to one organization, and the writes that need
// no scope. A write to any other table changes ScopeAll.
var (
	orgTables = map[string]bool{
		"copilot_grants": true, "copilot_seats": true, "copilot_residual_seats": true, "copilot_activity": true,
		"copilot_subscriptions": true, "teams": true, "team_members": true, "org_memberships": true, "org_invitations": true,
	}
	enterpriseTables = map[string]bool{
		"enterprise_copilot_grants": true, "enterprise_copilot_seats": true, "enterprise_copilot_activity": true,
	}
	unscopedTables = map[string]bool{"audit_log": true, "id_sequences": true, "data_changes": true}
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
// mark of the state it read. all is true when it cannot tell (no mark, or
// a change recorded as ScopeAll). external is the data version the caller
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
		// one did not see, from its xmin on.
		scopes, err = queryAll(ctx, s.ops, scanInt64, `SELECT DISTINCT scope FROM data_changes
			WHERE xid >= txid_snapshot_xmin(CAST(? AS txid_snapshot)) AND NOT txid_visible_in_snapshot(xid, CAST(? AS txid_snapshot))`, mark, mark)
	} else {
		var newest int64
		if err := s.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM data_changes`).Scan(&newest); err != nil {
			return nil, false, "", fmt.Errorf("store: changes: %w", err)
		}
		next = strconv.FormatInt(newest, 10)
		since, perr := strconv.ParseInt(mark, 10, 64)
		if mark == "" || perr != nil {
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
		case ScopeAll:
			return nil, true, next, nil
		case scopeNone:
		default:
			out = append(out, sc)
		}
	}
	return out, false, next, nil
}
