package copilot_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// BenchmarkEnterpriseSeatPage is a page of 100 of a generated
// enterprise's seat list right after a write (one seat of an org
// cancelled or re-added, untimed) on SQLite: 4 orgs of 30,000 seats and
// 10,000 enterprise-level seats of one org's members (130,000 rows),
// page 1 and page 1,000 (rows 99,901-100,000), read by positions
// (EnterpriseSeatPage) and by the whole merge (EnterpriseSeats, what the
// list did before). With SEATKEEPER_BENCH_ROWS=1000000, 9 orgs of
// 100,000 seats and 100,000 enterprise-level seats, pages 1 and 9,000,
// by positions only.
func BenchmarkEnterpriseSeatPage(b *testing.B) {
	orgs, seats, own, last, merge := 4, 30000, 10000, 1000, true
	if os.Getenv("SEATKEEPER_BENCH_ROWS") == "1000000" {
		orgs, seats, own, last, merge = 9, 100000, 100000, 9000, false
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := generate.Generate(ctx, st, generate.Options{Orgs: orgs, SeatsPerOrg: seats, TokensPerOrg: 1, Seed: 1}, now); err != nil {
		b.Fatal(err)
	}
	ent := seatkeeper.Enterprise{Slug: "bench", Name: "Bench", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateEnterprise(ctx, &ent); err != nil {
		b.Fatal(err)
	}
	sub := seatkeeper.DefaultSubscription()
	sub.EnterpriseID, sub.PublicCodeSuggestions, sub.CreatedAt, sub.UpdatedAt = ent.ID, "allow", now, now
	if err := st.PutEnterpriseSubscription(ctx, sub); err != nil {
		b.Fatal(err)
	}
	st.Close()
	// The generator makes orgs outside any enterprise: move them in, and
	// take the database back to before the enterprise list's counts
	// (0010, 0015), so that opening it counts them as an upgrade does.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE organizations SET enterprise_id = ?`, ent.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS enterprise_seat_chunks; DROP TABLE IF EXISTS enterprise_seat_holders;
		DROP TABLE IF EXISTS enterprise_seat_holder_counts; DROP INDEX IF EXISTS enterprise_copilot_seats_list;
		DROP TABLE IF EXISTS enterprise_seat_list; DELETE FROM schema_migrations WHERE version IN (10, 15)`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	if st, err = store.Open(ctx, path, store.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	clk := &clock.Clock{}
	clk.Set(now)
	svc := &copilot.Service{Store: st, Clock: clk}
	var logins []string
	for j := range own {
		logins = append(logins, generate.Member(0, j))
	}
	if _, err := svc.AddEnterpriseUsers(ctx, ent, logins); err != nil {
		b.Fatal(err)
	}
	org1, err := st.OrgByLogin(ctx, generate.Org(1))
	if err != nil {
		b.Fatal(err)
	}
	var victim []string // a direct seat, not pending cancellation
	for j := 0; victim == nil; j++ {
		seat, err := svc.SeatDetails(ctx, org1, generate.Member(1, j), now)
		if err != nil {
			b.Fatal(err)
		}
		if seat.Team == nil && seat.EnterpriseTeam == nil && seat.PendingCancellationDate == nil {
			victim = []string{generate.Member(1, j)}
		}
	}
	write := func(i int) {
		var err error
		if i%2 == 0 {
			_, err = svc.CancelUsers(ctx, org1, victim)
		} else {
			_, err = svc.AddUsers(ctx, org1, victim)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, page := range []int{1, last} {
		b.Run(fmt.Sprintf("positions/page=%d", page), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				write(i)
				b.StartTimer()
				rows, _, got, err := svc.EnterpriseSeatPage(ctx, ent, bounds(page, 100))
				if err != nil || rows < orgs*seats || len(got) != 100 {
					b.Fatalf("%d rows, a page of %d: %v", rows, len(got), err)
				}
			}
		})
		if !merge {
			continue
		}
		b.Run(fmt.Sprintf("merge/page=%d", page), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				write(i)
				b.StartTimer()
				all, _, err := svc.EnterpriseSeats(ctx, ent)
				lo, hi := bounds(page, 100)(len(all))
				if err != nil || hi-lo != 100 {
					b.Fatalf("%d rows: %v", len(all), err)
				}
			}
		})
	}
}
