package copilot_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestLedgerFilledOnUpgrade opens a database from before the seat ledger
// and checks that the migration filled the ledger with every org's seats,
// as the rules derive them, with their totals and activity
// (seatTotalsDiff). On SQLite the database is testdata/v1.db,
// written by the previous release's binary (schema version 1:
// `seatkeeper seed examples/seed.yaml`, then `seatkeeper generate --orgs 2
// --seats-per-org 60 --tokens-per-org 1`); on PostgreSQL the same data,
// loaded by this binary, is taken back to version 1 (what later
// migrations added dropped, the migrations unrecorded) and reopened.
func TestLedgerFilledOnUpgrade(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			if d == store.SQLite {
				old, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dsn, old, 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				st := storetest.OpenOn(t, dsn, store.Options{})
				doc, err := os.ReadFile(filepath.Join("..", "..", "examples", "seed.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				parsed, err := seed.Parse(doc)
				if err != nil {
					t.Fatal(err)
				}
				parsed.AllowWeakTokens = true // tests give short literal tokens
				now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
				if err := parsed.Load(ctx, st, now); err != nil {
					t.Fatal(err)
				}
				if err := generate.Generate(ctx, st, generate.Options{Orgs: 2, SeatsPerOrg: 60, TokensPerOrg: 1, Seed: 1}, now); err != nil {
					t.Fatal(err)
				}
				if _, err := st.DB().ExecContext(ctx, `DROP TABLE copilot_seats; DROP TABLE copilot_seat_totals; DROP TABLE data_changes;
					DROP TABLE enterprise_copilot_activity; DROP TABLE enterprise_copilot_seats; DROP TABLE enterprise_copilot_grants;
					DROP TABLE enterprise_copilot_subscriptions; DROP TABLE enterprise_billing_managers; DROP TABLE enterprise_members;
					DROP TABLE copilot_pull_requests; DROP TABLE copilot_repositories; DROP TABLE copilot_usage_user_days; DROP TABLE copilot_usage_days; DROP TABLE copilot_usage_active_counts; DROP TABLE copilot_usage_shared_users; DROP TABLE copilot_usage_active_days; DROP TABLE copilot_usage_last;
					DROP TABLE copilot_usage; DROP TABLE signing_keys; DROP TABLE copilot_seat_chunks;
					DROP TABLE org_public_members; DROP TABLE enterprise_seat_chunks; DROP TABLE enterprise_seat_holders;
					DROP TABLE enterprise_seat_holder_counts; DROP TABLE enterprise_seat_list; DROP INDEX IF EXISTS users_search_login; DROP INDEX IF EXISTS users_search_name;
					DROP TABLE service_clock; DROP TABLE fault_counts; DROP TABLE faults; DROP TABLE dashboard_sessions;
					DROP TABLE signin_failures; DROP TABLE rate_limits; DROP TABLE concurrency_slots; DROP TABLE request_journal; ALTER TABLE copilot_activity DROP COLUMN last_authenticated_at;
					ALTER TABLE copilot_activity ALTER COLUMN last_activity_at SET NOT NULL;
					DELETE FROM schema_migrations WHERE version > 1`); err != nil {
					t.Fatal(err)
				}
				st.Close()
			}
			st := storetest.OpenOn(t, dsn, store.Options{})
			if v, err := st.SchemaVersion(ctx); err != nil || v != store.LatestSchemaVersion(d) {
				t.Fatalf("schema version %d (%v), want %d", v, err, store.LatestSchemaVersion(d))
			}
			orgs, err := st.Orgs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			seated := 0
			for _, org := range orgs {
				for _, at := range []time.Time{time.Now(), time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)} {
					if msg := ledgerDiff(ctx, st, org, at); msg != "" {
						t.Fatalf("%s: %s", org.Login, msg)
					}
					if msg := seatTotalsDiff(ctx, st, org, at); msg != "" {
						t.Fatalf("%s: %s", org.Login, msg)
					}
				}
				n, err := st.CountStateSeats(ctx, org.ID, "active", time.Now())
				if err != nil {
					t.Fatal(err)
				}
				seated += n
			}
			if seated < 100 {
				t.Errorf("%d seats in the ledger after the upgrade, want 100 or more (120 generated, some since cancelled)", seated)
			}
		})
	}
}

// TestChunksCountedOnUpgrade opens a database made by a binary with the
// migrations before and after 0006 but not 0006 itself (a branch's
// migration merged after a later number shipped): the missing migration
// is applied and the seat list's chunks are counted from the ledger.
func TestChunksCountedOnUpgrade(t *testing.T) {
	defer store.SetChunkRows(store.SetChunkRows(7))
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			st := storetest.OpenOn(t, dsn, store.Options{})
			now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
			if err := generate.Generate(ctx, st, generate.Options{Orgs: 2, SeatsPerOrg: 60, TokensPerOrg: 1, Seed: 1}, now); err != nil {
				t.Fatal(err)
			}
			if _, err := st.DB().ExecContext(ctx, `DROP TABLE copilot_seat_chunks`); err != nil {
				t.Fatal(err)
			}
			if _, err := st.DB().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 6`); err != nil {
				t.Fatal(err)
			}
			st.Close()
			st = storetest.OpenOn(t, dsn, store.Options{})
			orgs, err := st.Orgs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			seated := 0
			for _, org := range orgs {
				for _, at := range []time.Time{now, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)} {
					if msg := ledgerDiff(ctx, st, org, at); msg != "" {
						t.Fatalf("%s: %s", org.Login, msg)
					}
				}
				chunks, err := st.SeatChunks(ctx, org.ID, now)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range chunks {
					seated += c.Seats
				}
			}
			if seated < 100 {
				t.Errorf("the chunks count %d seats after the upgrade, want 100 or more", seated)
			}
		})
	}
}

// TestEnterpriseListCountedOnUpgrade opens databases made by a binary
// without 0010 and 0015, or without 0015 alone (their tables and index
// dropped, the migrations unrecorded): the migrations are applied, every
// enterprise's list is filled and its chunks and seat holders counted
// from the ledger, as enterpriseListDiff checks.
func TestEnterpriseListCountedOnUpgrade(t *testing.T) {
	defer store.SetChunkRows(store.SetChunkRows(5))
	ctx := context.Background()
	for _, tc := range []struct{ name, drop string }{
		{"without 0010 and 0015", `DROP TABLE enterprise_seat_chunks; DROP TABLE enterprise_seat_holders;
			DROP TABLE enterprise_seat_holder_counts; DROP INDEX enterprise_copilot_seats_list; DROP TABLE enterprise_seat_list;
			DELETE FROM schema_migrations WHERE version IN (10, 15)`},
		{"without 0015", `DROP TABLE enterprise_seat_list; DELETE FROM schema_migrations WHERE version = 15`},
	} {
		for _, d := range storetest.Dialects() {
			t.Run(tc.name+"/"+string(d), func(t *testing.T) {
				dsn := storetest.DSN(t, d)
				st := storetest.OpenOn(t, dsn, store.Options{})
				now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
				loadOrg(t, st, now, entPagesSeed(rand.New(rand.NewPCG(5, 14)), 60), "org0")
				ent, err := st.EnterpriseBySlug(ctx, "ent")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.DB().ExecContext(ctx, tc.drop); err != nil {
					t.Fatal(err)
				}
				st.Close()
				st = storetest.OpenOn(t, dsn, store.Options{})
				for _, at := range []time.Time{now, time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)} {
					if msg := enterpriseListDiff(ctx, st, ent, at); msg != "" {
						t.Fatal(msg)
					}
				}
				holders, err := st.EnterpriseSeatHolders(ctx, ent.ID, now)
				if err != nil || holders < 40 {
					t.Errorf("%d seat holders counted after the upgrade (%v), want 40 or more", holders, err)
				}
			})
		}
	}
}
