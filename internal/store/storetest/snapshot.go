package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Snapshot is every row of every table of a store, one line a row, sorted:
// two snapshots are equal exactly when the stored state is. The tables of
// the service's own state (store.ServiceStateTables: rate limits, the
// journal, sessions) are not part of it.
type Snapshot []string

// Take reads st's whole state. It is meant for the small databases of
// tests: a refused or failed request must leave Take's answer unchanged.
func Take(t testing.TB, st *store.Store) Snapshot {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if st.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	tables, err := column(ctx, st, q)
	if err != nil {
		t.Fatalf("snapshot: tables: %v", err)
	}
	var out Snapshot
	for _, table := range tables {
		if store.ServiceStateTables[table] {
			continue
		}
		rows, err := st.DB().QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("snapshot: %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("snapshot: %s: %v", table, err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("snapshot: %s: %v", table, err)
			}
			var b strings.Builder
			b.WriteString(table)
			for i, v := range vals {
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			out = append(out, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("snapshot: %s: %v", table, err)
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}

// Diff describes how after differs from s, in at most a few lines; empty
// when they are equal.
func (s Snapshot) Diff(after Snapshot) string {
	var b strings.Builder
	lines := 0
	note := func(sign string, rows Snapshot, other Snapshot) {
		for _, r := range rows {
			if _, found := slices.BinarySearch(other, r); !found && lines < 20 {
				fmt.Fprintf(&b, "%s %s\n", sign, r)
				lines++
			}
		}
	}
	note("-", s, after)
	note("+", after, s)
	return b.String()
}

// Unchanged fails the test, naming the rows that differ, when st no longer
// holds what before held.
func Unchanged(t testing.TB, st *store.Store, before Snapshot, what string) {
	t.Helper()
	if d := before.Diff(Take(t, st)); d != "" {
		t.Errorf("%s changed the stored state:\n%s", what, d)
	}
}

func column(ctx context.Context, st *store.Store, q string) ([]string, error) {
	rows, err := st.DB().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
