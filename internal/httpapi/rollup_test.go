package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// rollupTables are the daily roll-ups of recorded usage, each with the
// order its rows are compared in.
var rollupTables = map[string]string{
	"copilot_usage_user_days":     "org_id, day, user_id, feature, ide, language, model",
	"copilot_usage_days":          "org_id, day, feature, ide, language, model",
	"copilot_usage_active_days":   "org_id, period, user_id",
	"copilot_usage_active_counts": "org_id, enterprise_id, day",
	"copilot_usage_shared_users":  "user_id",
	"copilot_usage_last":          "owner, user_id",
	// Each seat row's holder's last usage in its org, copied from
	// copilot_usage_last.
	"(SELECT org_id, user_id, valid_from, last_used_at FROM copilot_seats) seats": "org_id, user_id, valid_from",
}

// rollupRows reads every row of the roll-up tables, as text.
func rollupRows(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, order := range rollupTables {
		rows, err := st.DB().QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY `+order)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			out[table] = append(out[table], b.String())
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestUsageRollups records usage at random (recordRandomUsage), then
// checks that the roll-ups the writes kept, the active-user counts too,
// equal the roll-ups made again from the events (store.RollUpUsage, the
// migration's fill).
func TestUsageRollups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		recordRandomUsage(t, st)
		kept := rollupRows(t, st)
		for table := range rollupTables {
			// ann alone has usage in two owners (acme and beta).
			if len(kept[table]) < 20 && !(table == "copilot_usage_shared_users" && len(kept[table]) == 1) {
				t.Fatalf("%s has %d rows", table, len(kept[table]))
			}
		}
		if !strings.Contains(strings.Join(kept["copilot_usage_days"], "\n"), "owner=-") {
			t.Fatalf("no usage recorded at the enterprise itself")
		}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.RollUpUsage(ctx) }); err != nil {
			t.Fatal(err)
		}
		diffRollups(t, kept, rollupRows(t, st), "from the events")
	})
}

// diffRollups reports the first difference of each roll-up table between
// the rows kept and those made again (how).
func diffRollups(t *testing.T, kept, again map[string][]string, how string) {
	t.Helper()
	for _, table := range slices.Sorted(maps.Keys(rollupTables)) {
		k, a := kept[table], again[table]
		if slices.Equal(k, a) {
			continue
		}
		for i := range max(len(k), len(a)) {
			if i >= len(k) || i >= len(a) || k[i] != a[i] {
				t.Errorf("%s: %d rows kept, %d %s; first difference at row %d:\nkept:  %v\n%s: %v",
					table, len(k), len(a), how, i, at(k, i), how, at(a, i))
				break
			}
		}
	}
}

// TestUsageFilledOnUpgrade records usage at random (recordRandomUsage),
// takes the database back to before a migration that keeps something of
// it (its tables, columns and indexes dropped, the migration unrecorded)
// and reopens it: the migration's fill must make what the writes kept.
func TestUsageFilledOnUpgrade(t *testing.T) {
	for _, before := range []struct{ name, undo string }{
		// The kept active-user counts (store.CountActiveUsers fills them).
		{"0016", `DROP TABLE copilot_usage_active_counts; DROP TABLE copilot_usage_shared_users;
			DROP INDEX copilot_usage_active_days_user; DELETE FROM schema_migrations WHERE version = 16`},
		// Each user's last usage, and the seat rows' copies of it.
		{"0017", `DROP INDEX copilot_seats_usage; ALTER TABLE copilot_seats DROP COLUMN last_used_at;
			DROP TABLE copilot_usage_last; DELETE FROM schema_migrations WHERE version = 17`},
	} {
		for _, d := range storetest.Dialects() {
			t.Run(before.name+"/"+string(d), func(t *testing.T) {
				dsn := storetest.DSN(t, d)
				st := storetest.OpenOn(t, dsn, store.Options{})
				recordRandomUsage(t, st)
				kept := rollupRows(t, st)
				if _, err := st.DB().ExecContext(context.Background(), before.undo); err != nil {
					t.Fatal(err)
				}
				st.Close()
				diffRollups(t, kept, rollupRows(t, storetest.OpenOn(t, dsn, store.Options{})), "after the upgrade")
			})
		}
	}
}

// recordRandomUsage records usage at random through the control API (org
// and enterprise routes, over 40 days from 2026-03-10, with ties in time
// between different versions; ann in two orgs, fay at the enterprise
// itself), seeds' usage: (an org's and an enterprise's) and generate's
// (9 days of gen-org-0000).
func recordRandomUsage(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

	scenario := strings.Replace(usageScenario, "    seats: [{user: fay}]\n", `    seats: [{user: fay}]
    usage: [{user: fay, at: "2026-03-10T00:30:00Z", feature: agent_edit, ide: vscode, ide_version: "1.2", model: gpt-4.1, loc_added_sum: 9}]
`, 1)
	e := newControlEnv(t, st, start, strings.Replace(scenario, "organizations:\n", `organizations:
  - login: seeded
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: eve}]
    seats: [{user: eve}]
    usage:
      - {user: eve, at: "2026-03-09T10:00:00Z", feature: code_completion, ide: vscode, ide_version: "1.0", language: go, code_generation_activity_count: 3}
      - {user: eve, at: "2026-03-09T10:00:00Z", feature: code_completion, ide: vscode, ide_version: "1.1", language: go, code_generation_activity_count: 4}
      - {user: eve, at: "2026-03-09T11:00:00Z", feature: copilot_cli, cli_version: "1.0.8", request_count: 2}
`, 1), serverConfig{})
	rng := rand.New(rand.NewPCG(7, 18))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	routes := []struct {
		path  string
		users []string
	}{
		{"/_seatkeeper/orgs/acme/copilot/usage", []string{"ann", "bob"}},
		{"/_seatkeeper/orgs/beta/copilot/usage", []string{"ann", "dan"}},
		{"/_seatkeeper/orgs/other/copilot/usage", []string{"cat"}},
		{"/_seatkeeper/enterprises/ent/copilot/usage", []string{"ann", "bob", "dan", "fay"}},
	}
	for day := range 40 {
		e.clock.Set(start.AddDate(0, 0, day).Add(22 * time.Hour))
		for range 1 + rng.IntN(4) {
			r := routes[rng.IntN(len(routes))]
			var events []map[string]any
			for range 1 + rng.IntN(6) {
				ev := map[string]any{
					"user": r.users[rng.IntN(len(r.users))],
					// Few distinct seconds: ties between versions.
					"at":                               start.AddDate(0, 0, day).Add(time.Duration(2+rng.IntN(3)) * time.Hour).Format(time.RFC3339),
					"feature":                          pick("code_completion", "chat_inline", "chat_panel_ask_mode", "chat_panel_agent_mode", "agent_edit", "copilot_cli"),
					"language":                         pick("go", "python", ""),
					"code_generation_activity_count":   rng.IntN(20),
					"code_acceptance_activity_count":   rng.IntN(10),
					"loc_added_sum":                    rng.IntN(50),
					"loc_deleted_sum":                  rng.IntN(9),
					"loc_suggested_to_add_sum":         rng.IntN(60),
					"loc_suggested_to_delete_sum":      rng.IntN(5),
					"user_initiated_interaction_count": rng.IntN(4),
					"prompt_tokens_sum":                rng.IntN(4000),
					"output_tokens_sum":                rng.IntN(900),
					"request_count":                    rng.IntN(5),
					"session_count":                    rng.IntN(2),
				}
				if ev["feature"] == "copilot_cli" {
					ev["cli_version"] = pick("1.0.7", "1.0.8")
				} else {
					ev["ide"], ev["ide_version"] = pick("vscode", "jetbrains"), pick("1.99.0", "1.99.1", "1.100.0")
					ev["plugin"], ev["plugin_version"] = "copilot-chat", pick("0.26.0", "0.26.1")
					if ev["feature"] != "code_completion" {
						ev["model"] = pick("gpt-4.1", "claude-sonnet-4")
					}
				}
				events = append(events, ev)
			}
			body, _ := json.Marshal(map[string]any{"events": events})
			e.want("POST", r.path, adminToken, string(body), 201)
		}
	}
	err := generate.Generate(ctx, st, generate.Options{Orgs: 1, SeatsPerOrg: 30, TokensPerOrg: 1, Seed: 3, UsageDays: 9}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
}

func at(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return "(none)"
}

// TestActiveCountsAgreeWithEvents records usage at random
// (recordRandomUsage), then checks the active-user counts the reports
// read (store.ActiveCounts: the kept counts, corrected for users active
// in more than one owner) against counts made from the events themselves,
// each user once, for each org, the enterprise and its orgs together,
// and two orgs without the enterprise, over days across the active-day
// masks' periods.
func TestActiveCountsAgreeWithEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		recordRandomUsage(t, st)
		ids := map[string]int64{}
		for _, login := range []string{"acme", "beta", "other", generate.Org(0)} {
			o, err := st.OrgByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			ids[login] = o.ID
		}
		ent, err := st.EnterpriseBySlug(ctx, "ent")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			q    store.UsageQuery
		}{
			{"acme", store.UsageQuery{OrgIDs: []int64{ids["acme"]}}},
			{"beta", store.UsageQuery{OrgIDs: []int64{ids["beta"]}}},
			{"other", store.UsageQuery{OrgIDs: []int64{ids["other"]}}},
			{"generated", store.UsageQuery{OrgIDs: []int64{ids[generate.Org(0)]}}},
			{"enterprise", store.UsageQuery{OrgIDs: []int64{ids["acme"], ids["beta"]}, EnterpriseID: ent.ID}},
			{"enterprise itself", store.UsageQuery{EnterpriseID: ent.ID}},
			{"acme and beta", store.UsageQuery{OrgIDs: []int64{ids["acme"], ids["beta"]}}},
			{"acme and other", store.UsageQuery{OrgIDs: []int64{ids["acme"], ids["other"]}}},
		} {
			q := tc.q
			q.From, q.To = "2026-03-08", "2026-04-30"
			got, err := st.ActiveCounts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want := countFromEvents(t, st, q)
			nonzero := false
			for i := range want {
				nonzero = nonzero || want[i] != (store.ActiveCount{})
				if i >= len(got) || got[i] != want[i] {
					t.Errorf("%s: day %d of %s on: got %+v, want %+v", tc.name, i, q.From, countAt(got, i), want[i])
					break
				}
			}
			if !nonzero {
				t.Errorf("%s: no active users", tc.name)
			}
		}
	})
}

func countAt(xs []store.ActiveCount, i int) any {
	if i < len(xs) {
		return xs[i]
	}
	return "(none)"
}

// countFromEvents counts the active users of q's days from q's events,
// each user once: daily and CLI on the day, weekly over the 7 days to
// it, monthly, chat and agent over the 28.
func countFromEvents(t *testing.T, st *store.Store, q store.UsageQuery) []store.ActiveCount {
	t.Helper()
	from, _ := time.Parse(time.DateOnly, q.From)
	to, _ := time.Parse(time.DateOnly, q.To)
	all := q
	all.From = from.AddDate(0, 0, -27).Format(time.DateOnly)
	used := map[[3]any]bool{} // user, class, day
	users := map[int64]bool{}
	err := st.EachUsage(context.Background(), all, func(day string, e seatkeeper.UsageEvent) error {
		users[e.UserID] = true
		for c, in := range e.Classes() {
			if in {
				used[[3]any{e.UserID, c, day}] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	usedIn := func(user int64, c int, d time.Time, back int) bool {
		for i := range back {
			if used[[3]any{user, c, d.AddDate(0, 0, -i).Format(time.DateOnly)}] {
				return true
			}
		}
		return false
	}
	var out []store.ActiveCount
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		var a store.ActiveCount
		for u := range users {
			a.Daily += b2i(usedIn(u, seatkeeper.ClassIDE, d, 1))
			a.CLI += b2i(usedIn(u, seatkeeper.ClassCLI, d, 1))
			a.Weekly += b2i(usedIn(u, seatkeeper.ClassIDE, d, 7))
			a.Monthly += b2i(usedIn(u, seatkeeper.ClassIDE, d, 28))
			a.Chat += b2i(usedIn(u, seatkeeper.ClassChat, d, 28))
			a.Agent += b2i(usedIn(u, seatkeeper.ClassAgent, d, 28))
		}
		out = append(out, a)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
