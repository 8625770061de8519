package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSeatPagesSliceTheList: on both stores, the idle sums and the seats
// held in billing cycles equal what the whole list counts, the list
// streamed (EachSeat) is the whole list, and every page
// of a seat list
// (each order, both directions, pages of 1 to 50 seats, with and without
// filters, the page by login also through the users' login index) is the
// slice of the whole list, sorted in SQL, that its place names. The seats
// crowd a few days idle, a second apart, so that the page by days idle
// (read through a window of idle_since) meets ties across its edges.
func TestSeatPagesSliceTheList(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(20, 7))
	var users, members, seats, activity strings.Builder
	const n = 40
	for i := range n {
		login := fmt.Sprintf("m%02d", (i*17)%n) // logins out of id order
		fmt.Fprintf(&users, "  - {login: %s, name: %q}\n", login, fmt.Sprintf("Name %d", i%5))
		fmt.Fprintf(&members, "      - {login: %s}\n", login)
		day := []int{0, 1, 29, 30, 31, 90, 400}[rng.IntN(7)]
		since := now.Add(-time.Duration(day)*24*time.Hour - time.Duration(rng.IntN(3))*time.Second)
		created := since
		if rng.IntN(3) > 0 {
			created = since.Add(-time.Duration(rng.IntN(3)) * 24 * time.Hour)
			editor := []string{"vscode", "vim", "JetBrains"}[rng.IntN(3)]
			fmt.Fprintf(&activity, "      - {user: %s, last_activity_at: %q, last_activity_editor: %s}\n", login, since.Format(time.RFC3339), editor)
		}
		if i%7 == 3 { // granted on a billing cycle's first second
			created = time.Date(2026, time.Month(1+i%3), 1, 0, 0, 0, 0, time.UTC)
		}
		pending := ""
		if rng.IntN(4) == 0 {
			pending = `, pending_cancellation_date: "2026-04-01"`
		}
		if i%6 == 0 {
			continue // held through the team
		}
		fmt.Fprintf(&seats, "      - {user: %s, created_at: %q%s}\n", login, created.Format(time.RFC3339), pending)
	}
	var team strings.Builder
	for i := 0; i < n; i += 6 {
		fmt.Fprintf(&team, "m%02d, ", (i*17)%n)
	}
	doc := "users:\n" + users.String() + `organizations:
  - login: acme
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members:
` + members.String() + `    teams:
      - {name: Web, members: [` + strings.TrimSuffix(team.String(), ", ") + `]}
    seats:
` + seats.String() + `      - {team: web, created_at: "2026-01-01T00:00:00Z"}
    activity:
` + activity.String()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		d, err := seed.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Load(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		org, err := st.OrgByLogin(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		web, err := st.TeamBySlug(ctx, org.ID, "web")
		if err != nil {
			t.Fatal(err)
		}
		filters := map[string]store.SeatFilter{
			"none":    {},
			"idle 30": {IdleAt: now.Add(-30 * 24 * time.Hour)},
			"search":  {Search: "name 1"},
			"never":   {Never: true},
			"pending": {Pending: true},
			"team":    {Grant: &store.SeatGrant{TeamID: web.ID}},
		}
		logins := func(ls []store.LedgerSeat) []string {
			var out []string
			for _, l := range ls {
				out = append(out, l.User.Login)
			}
			return out
		}
		// The sums, each a few index ranges, against the whole list.
		all, err := st.ListSeats(ctx, store.SeatFilter{OrgID: org.ID, At: now}, store.SeatOrder{By: store.SeatsByLogin}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		cuts := []time.Time{now.Add(-30 * 24 * time.Hour), now.Add(-60 * 24 * time.Hour), now.Add(-90 * 24 * time.Hour)}
		idle, err := st.SumIdle(ctx, org.ID, now, len(all), cuts)
		if err != nil {
			t.Fatal(err)
		}
		want := store.IdleSums{Since: make([]int, len(cuts)+1)}
		for _, l := range all {
			since := l.CreatedAt
			if a := l.Activity.LastActivityAt; a != nil {
				since = *a
			} else {
				want.Never++
			}
			k := 0
			for k < len(cuts) && !since.After(cuts[k]) {
				k++
			}
			want.Since[k]++
		}
		if !slices.Equal(idle.Since, want.Since) || idle.Never != want.Never {
			t.Errorf("idle sums %+v, the list counts %+v", idle, want)
		}
		var spans []store.SeatSpan
		for m := range 4 {
			from := time.Date(2026, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
			spans = append(spans, store.SeatSpan{From: from, Until: from.AddDate(0, 1, 0)})
		}
		held, err := st.HeldInSpans(ctx, org.ID, now, len(all), spans)
		if err != nil {
			t.Fatal(err)
		}
		for k, sp := range spans {
			n := 0
			for _, l := range all {
				if l.CreatedAt.Before(sp.Until) && (l.PendingCancellationDate == nil || l.PendingCancellationDate.Time.After(sp.From)) {
					n++
				}
			}
			if held[k] != n {
				t.Errorf("span %s: %d seats held, the list has %d", sp.From.Format(time.DateOnly), held[k], n)
			}
		}
		for _, big := range []bool{false, true} {
			if big {
				t.Cleanup(store.SetBigOrgSeats(1))
			}
			for name, f := range filters {
				f.OrgID, f.At = org.ID, now
				for _, by := range []string{store.SeatsByLogin, store.SeatsByGrant, store.SeatsByCreated, store.SeatsByActivity,
					store.SeatsByIdle, store.SeatsByEditor, store.SeatsByPending} {
					for _, desc := range []bool{false, true} {
						ord := store.SeatOrder{By: by, Desc: desc}
						all, err := st.ListSeats(ctx, f, ord, 0, 0)
						if err != nil {
							t.Fatal(err)
						}
						if name == "none" && len(all) != n {
							t.Fatalf("%d seats listed, want %d", len(all), n)
						}
						// Streamed: a day idle at a time for the first
						// head seats, then the rest in one query.
						for _, head := range []int{1, 5, 1000} {
							restore := store.SetEachSeatHead(head)
							var streamed []store.LedgerSeat
							err := st.EachSeat(ctx, f, ord, func(s store.LedgerSeat) error {
								streamed = append(streamed, s)
								return nil
							})
							restore()
							if err != nil {
								t.Fatal(err)
							}
							if got, want := logins(streamed), logins(all); !slices.Equal(got, want) {
								t.Fatalf("big org %v, filter %s, by %s desc %v, %d a day idle at a time: streamed %v, the whole list has %v",
									big, name, by, desc, head, got, want)
							}
							for i, s := range streamed {
								if want := listedOf(all[i]); !reflect.DeepEqual(s, want) {
									t.Fatalf("streamed seat %d: %+v, want what the list shows of %+v", i, s, want)
								}
							}
						}
						for _, size := range []int{1, 3, 7, 50} {
							for from := 0; from <= len(all); from += size {
								page, err := st.ListSeats(ctx, f, ord, from, size)
								if err != nil {
									t.Fatal(err)
								}
								want := logins(all[from:min(from+size, len(all))])
								if got := logins(page); !slices.Equal(got, want) {
									t.Fatalf("big org %v, filter %s, by %s desc %v: seats %d..%d are %v, the whole list has %v",
										big, name, by, desc, from, from+size, got, want)
								}
							}
						}
					}
				}
			}
		}
	})
}

// TestSearchFindsTheSameUsers: on both stores, a search by login or name
// (any case, a substring, with LIKE's wildcards taken literally) finds
// the seats, and the members without one, whose holder's login or name
// contains it, as Go's strings.Contains finds them: resolved to the few
// users it matches through the trigram index, or walking every user
// (searches of fewer than three characters, or matching more than
// searchFew users), sorted and through the users' login index alike.
func TestSearchFindsTheSameUsers(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	names := []string{"Ann Archer", "BOB BAKER", "Cid O'Hara", "Dee 100% Dowling", "eve_ember", "Fay Fisher", "", "Gus Grant"}
	var users, members, seats strings.Builder
	type person struct{ login, name string }
	var people []person
	for i := range 24 {
		p := person{fmt.Sprintf("Dev%02d-%s", i, []string{"north", "SOUTH", "east"}[i%3]), names[i%len(names)]}
		people = append(people, p)
		fmt.Fprintf(&users, "  - {login: %s, name: %q}\n", p.login, p.name)
		fmt.Fprintf(&members, "      - {login: %s}\n", p.login)
		if i%4 != 0 { // every fourth member holds no seat
			fmt.Fprintf(&seats, "      - {user: %s, created_at: \"2026-01-%02dT00:00:00Z\"}\n", p.login, 1+i)
		}
	}
	doc := "users:\n" + users.String() + `  - {login: outsider, name: Ann Outside}
organizations:
  - login: acme
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members:
` + members.String() + `    seats:
` + seats.String()
	searches := []string{"ann", "ANN", "ar", "south", "dev1", "v0", "100%", "0%", "e_e", "_", "'ha", "ev", "nobody", "dev05-south", "r b", "o", "r", "s", "e"}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		d, err := seed.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Load(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		org, err := st.OrgByLogin(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []struct {
			name     string
			few, big int
		}{{"resolved", 1000, 10000}, {"walked", 1, 10000}, {"resolved, big org", 1000, 1}, {"walked, big org", 1, 1},
			// o, r and s miss 4 or 5 users, counted as every seat less theirs
			{"missed", 6, 10000}, {"missed, big org", 6, 1}} {
			t.Run(mode.name, func(t *testing.T) {
				t.Cleanup(store.SetSearchFew(mode.few))
				t.Cleanup(store.SetBigOrgSeats(mode.big))
				for _, q := range searches {
					var seated, unseated []string
					for i, p := range people {
						lq := strings.ToLower(q)
						if !strings.Contains(strings.ToLower(p.login), lq) && !strings.Contains(strings.ToLower(p.name), lq) {
							continue
						}
						if i%4 == 0 {
							unseated = append(unseated, p.login)
						} else {
							seated = append(seated, p.login)
						}
					}
					slices.SortFunc(seated, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
					slices.SortFunc(unseated, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
					f := store.SeatFilter{OrgID: org.ID, At: now, Search: q}
					n, err := st.CountSeatList(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if n != len(seated) {
						t.Errorf("%q: counted %d seats, want %d", q, n, len(seated))
					}
					direct, _, others, err := st.SeatListSplit(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if direct != len(seated) || others != 0 { // every seat is direct
						t.Errorf("%q: split %d direct, %d others, want %d, 0", q, direct, others, len(seated))
					}
					for _, limit := range []int{0, 3} {
						ls, err := st.ListSeats(ctx, f, store.SeatOrder{By: store.SeatsByLogin}, 0, limit)
						if err != nil {
							t.Fatal(err)
						}
						var got []string
						for _, l := range ls {
							got = append(got, l.User.Login)
						}
						want := seated
						if limit > 0 {
							want = seated[:min(limit, len(seated))]
						}
						if !slices.Equal(got, want) {
							t.Errorf("%q, %d a page: seats %v, want %v", q, limit, got, want)
						}
					}
					ms, total, err := st.Unseated(ctx, org.ID, now, q, 2)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, m := range ms {
						got = append(got, m.User.Login)
					}
					if want := unseated[:min(2, len(unseated))]; total != len(unseated) || !slices.Equal(got, want) {
						t.Errorf("%q: members without a seat %v of %d, want %v of %d", q, got, total, want, len(unseated))
					}
				}
			})
		}
	})
}

// TestUnusedSinceAgreesWithLastUsage: on both stores, the seats whose
// holder has no usage event in the org at or after a moment, read from
// the last usage kept on the seat rows, are those whose holder's last
// event (LastUsage, from the per-user day roll-ups) is before it, or who
// have none: for every moment from before the first event to after the
// last, a second before, at and after each event, across the roll-ups'
// 32-day periods; as loaded, after every seat row is written again, and
// after more usage is recorded.
func TestUnusedSinceAgreesWithLastUsage(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	events := map[string][]string{ // by holder
		"ann": {"2026-03-19T08:00:00Z"},
		"bob": {"2026-01-02T00:00:00Z", "2026-02-14T23:59:59Z"},
		"cid": {"2026-02-01T00:00:00Z"},
		"dee": {}, // none
		"eve": {"2025-12-31T12:00:00Z", "2026-03-01T10:00:00Z"},
		"fay": {"2026-02-27T18:30:00Z"}, // copilot_cli only
	}
	var doc strings.Builder
	doc.WriteString("users: [{login: ann}, {login: bob}, {login: cid}, {login: dee}, {login: eve}, {login: fay}]\norganizations:\n")
	doc.WriteString("  - login: acme\n    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}\n")
	doc.WriteString("    members: [{login: ann}, {login: bob}, {login: cid}, {login: dee}, {login: eve}, {login: fay}]\n    seats:\n")
	for _, u := range []string{"ann", "bob", "cid", "dee", "eve", "fay"} {
		fmt.Fprintf(&doc, "      - {user: %s, created_at: \"2025-06-01T00:00:00Z\"}\n", u)
	}
	doc.WriteString("    usage:\n")
	var moments []time.Time
	for u, ats := range events {
		tool := "feature: code_completion, ide: vscode"
		if u == "fay" {
			tool = "feature: copilot_cli, cli_version: 1.0.0"
		}
		for _, at := range ats {
			fmt.Fprintf(&doc, "      - {user: %s, at: %q, %s, language: go}\n", u, at, tool)
			x, err := time.Parse(time.RFC3339, at)
			if err != nil {
				t.Fatal(err)
			}
			moments = append(moments, x.Add(-time.Second), x, x.Add(time.Second))
		}
	}
	// The other org's usage is not this org's.
	doc.WriteString("  - login: other\n    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow}\n")
	doc.WriteString("    members: [{login: dee}]\n    seats: [{user: dee, created_at: \"2025-06-01T00:00:00Z\"}]\n")
	doc.WriteString("    usage: [{user: dee, at: \"2026-03-10T00:00:00Z\", feature: code_completion, ide: vscode, language: go}]\n")
	for d := time.Date(2025, 12, 20, 7, 0, 0, 0, time.UTC); d.Before(now); d = d.Add(24 * time.Hour) {
		moments = append(moments, d)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		d, err := seed.Parse([]byte(doc.String()))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Load(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		org, err := st.OrgByLogin(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		last, err := st.LastUsage(ctx, store.UsageQuery{OrgIDs: []int64{org.ID}})
		if err != nil {
			t.Fatal(err)
		}
		checkUnusedSince(t, st, org.ID, now, last, moments, "as loaded")
		// Seat rows written after the usage take it from the kept last
		// usage (copilot_usage_last): Copilot's seats turned off (every
		// row deleted) and on again (every row written anew).
		for _, setting := range []string{seatkeeper.SeatsDisabled, "assign_selected"} {
			sub, err := st.Subscription(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			sub.SeatManagementSetting = setting
			if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.PutSubscription(ctx, sub) }); err != nil {
				t.Fatal(err)
			}
		}
		checkUnusedSince(t, st, org.ID, now, last, moments, "after the seats were written again")
		// Usage recorded later is copied onto the seat rows there are:
		// dee's first use, and a later one of ann's.
		for _, login := range []string{"dee", "ann"} {
			u, err := st.UserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			at := now.Add(-time.Hour)
			e := seatkeeper.UsageEvent{UserID: u.ID, At: at, Feature: "code_completion", IDE: "vscode", Language: "go", Model: "default"}
			if err := st.Tx(ctx, func(tx *store.Tx) error {
				return tx.AddUsage(ctx, store.UsageScope{OrgID: org.ID}, []seatkeeper.UsageEvent{e})
			}); err != nil {
				t.Fatal(err)
			}
			moments = append(moments, at.Add(-time.Second), at, at.Add(time.Second))
		}
		if last, err = st.LastUsage(ctx, store.UsageQuery{OrgIDs: []int64{org.ID}}); err != nil {
			t.Fatal(err)
		}
		checkUnusedSince(t, st, org.ID, now, last, moments, "after more usage")
	})
}

// checkUnusedSince holds the seats an org lists at now whose holder has
// no usage since each moment to those whose last usage (last) is before
// it, or who have none, counted and listed.
func checkUnusedSince(t *testing.T, st *store.Store, orgID int64, now time.Time, last map[int64]time.Time, moments []time.Time, when string) {
	t.Helper()
	ctx := context.Background()
	all, err := st.ListSeats(ctx, store.SeatFilter{OrgID: orgID, At: now}, store.SeatOrder{By: store.SeatsByLogin}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("%s: %d seats listed, want 6", when, len(all))
	}
	for _, since := range moments {
		var want []string
		for _, s := range all {
			if at, ok := last[s.User.ID]; !ok || at.Before(since) {
				want = append(want, s.User.Login)
			}
		}
		f := store.SeatFilter{OrgID: orgID, At: now, UnusedSince: since}
		n, err := st.CountSeatList(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := st.ListSeats(ctx, f, store.SeatOrder{By: store.SeatsByLogin}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range ls {
			got = append(got, s.User.Login)
		}
		if n != len(want) || !slices.Equal(got, want) {
			t.Errorf("%s: unused since %s: %v (counted %d), want %v", when, since.Format(time.RFC3339), got, n, want)
		}
	}
}

// listedOf is what EachSeat reads of a seat: its holder's id and login,
// and the seat's grant, dates (not its update) and activity (not the
// sign-in).
func listedOf(s store.LedgerSeat) store.LedgerSeat {
	return store.LedgerSeat{User: seatkeeper.User{ID: s.User.ID, Login: s.User.Login}, CreatedAt: s.CreatedAt,
		PendingCancellationDate: s.PendingCancellationDate, TeamID: s.TeamID, EnterpriseTeamID: s.EnterpriseTeamID,
		Activity: seatkeeper.Activity{LastActivityAt: s.Activity.LastActivityAt, LastActivityEditor: s.Activity.LastActivityEditor}}
}
