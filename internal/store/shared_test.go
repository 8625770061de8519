package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestJournalBoundedInTheDatabase: the shared journal keeps the newest
// entries within its count and its bytes, and always the newest one.
func TestJournalBoundedInTheDatabase(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	add := func(keep, maxBytes int, sizes ...int32) {
		t.Helper()
		var entries []string
		for i := range sizes {
			entries = append(entries, fmt.Sprintf("e%d", i))
		}
		if err := st.AppendJournal(ctx, entries, sizes, keep, maxBytes); err != nil {
			t.Fatal(err)
		}
	}
	list := func() string {
		t.Helper()
		_, entries, err := st.JournalEntries(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(entries)
	}
	add(3, 1000, 100, 100, 100, 100, 100) // by count
	if got := list(); got != "[e4 e3 e2]" {
		t.Errorf("5 entries, keeping 3: %s", got)
	}
	add(10, 250, 100, 100) // by bytes: the newest two fit in 250, three do not
	if got := list(); got != "[e1 e0]" {
		t.Errorf("keeping 250 bytes of 100-byte entries: %s", got)
	}
	add(10, 50, 400) // the newest stays, whatever its size
	if got := list(); got != "[e0]" {
		t.Errorf("one entry beyond the bytes: %s", got)
	}
}

// TestRateLeases: leases are a sixteenth of what is left (1 to the
// most), never more than is left, and the budget is exact: its claims
// sum to the limit, then nothing is granted until the window ends.
func TestRateLeases(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	var grants []int
	total := 0
	for {
		l, err := st.ClaimRate(ctx, "token:x", 0, 100, 4, now, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if l.Granted == 0 {
			if l.Claimed != 100 {
				t.Errorf("spent with %d claimed", l.Claimed)
			}
			break
		}
		total += l.Granted
		grants = append(grants, l.Granted)
		if l.Claimed != total || !l.Reset.Equal(now.Add(time.Hour)) {
			t.Fatalf("claimed %d (want %d), reset %v", l.Claimed, total, l.Reset)
		}
	}
	if total != 100 || grants[0] != 4 || grants[len(grants)-1] != 1 {
		t.Errorf("grants %v", grants)
	}
	l, err := st.ClaimRate(ctx, "token:x", 0, 100, 4, now.Add(time.Hour), time.Hour)
	if err != nil || l.Granted != 4 || l.Claimed != 4 {
		t.Errorf("a new window: %+v (%v)", l, err)
	}
}

// TestMigrationBelowTheHighestIsApplied: a database that has a later
// migration but not an earlier one (numbers are given to branches in
// advance, and merged in any order) gets the earlier one when it opens.
func TestMigrationBelowTheHighestIsApplied(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			st := storetest.OpenOn(t, dsn, store.Options{})
			undo := `DELETE FROM schema_migrations WHERE version = 5`
			if d == store.Postgres {
				undo = `DROP TABLE service_clock, fault_counts, faults, dashboard_sessions, signin_failures, rate_limits, concurrency_slots, request_journal; ` + undo
			}
			if _, err := st.DB().ExecContext(ctx, undo); err != nil {
				t.Fatal(err)
			}
			st.Close()
			st = storetest.OpenOn(t, dsn, store.Options{})
			var n int
			if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 5`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("migration 5 recorded %d times (%v)", n, err)
			}
			if d == store.Postgres {
				if _, _, err := st.SharedClock(ctx); err != nil {
					t.Errorf("after reopening: %v", err)
				}
			}
		})
	}
}
