package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestBilledPerCycle(t *testing.T) {
	day := func(s string) time.Time {
		d, err := seatkeeper.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Time
	}
	date := func(s string) *seatkeeper.Date { d := seatkeeper.Date{Time: day(s)}; return &d }
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	current := []seatkeeper.Seat{
		{User: seatkeeper.User{ID: 1}, CreatedAt: day("2020-01-01")},                                              // always
		{User: seatkeeper.User{ID: 2}, CreatedAt: day("2026-01-15").Add(time.Hour)},                               // from the Jan 15 cycle
		{User: seatkeeper.User{ID: 3}, CreatedAt: day("2025-12-01"), PendingCancellationDate: date("2026-04-15")}, // pending
	}
	past := map[int64][]interval{
		4: {{day("2025-05-01"), day("2025-07-15")}},                                         // two cycles: Apr 15 to Jul 15
		1: {{day("2019-01-01"), day("2020-01-01")}},                                         // also seated now: counted once
		5: {{day("2024-01-01"), day("2025-03-15")}},                                         // ended before the first cycle shown
		6: {{day("2025-08-15"), day("2025-09-15")}, {day("2025-09-15"), day("2025-10-15")}}, // two spans, one per cycle
	}
	got := billedPerCycle(current, past, 15, now, 12)
	if len(got) != 12 || !got[0].Start.Equal(day("2025-04-15")) || !got[11].Start.Equal(day("2026-03-15")) || !got[11].Current || got[10].Current {
		t.Fatalf("cycles %+v", got)
	}
	want := []int{2, 2, 2, 1, 2, 2, 1, 2, 2, 3, 3, 3}
	// Apr15 May15 Jun15: 1,4 · Jul15: 1 · Aug15, Sep15: 1,6 · Oct15: 1 · Nov15, Dec15: 1,3 · Jan15..Mar15: 1,2,3
	for i, c := range got {
		if c.Seats != want[i] {
			t.Errorf("cycle %s: %d seats, want %d", c.Start.Format("2006-01-02"), c.Seats, want[i])
		}
	}
	if !got[3].End.Equal(day("2025-08-15")) {
		t.Errorf("end %v", got[3].End)
	}
}

func TestNiceCeiling(t *testing.T) {
	for max, want := range map[int]int{0: 4, 3: 4, 5: 8, 9: 12, 10: 12, 37: 40, 101: 120, 10000: 10000, 10001: 12000} {
		top, step := niceCeiling(max)
		if top != want || step*4 != top {
			t.Errorf("niceCeiling(%d) = %d, %d; want top %d", max, top, step, want)
		}
	}
	for v, want := range map[int]string{0: "0", 950: "950", 1000: "1k", 1250: "1.2k", 15000: "15k", 2500000: "2.5M"} {
		if got := compact(v); got != want {
			t.Errorf("compact(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestBarChartLayout(t *testing.T) {
	c := newBarChart("x", "T", "D", []string{"a", "b"}, nil, []string{"A", "B"}, []int{0, 7}, nil)
	if len(c.Bars) != 2 || c.Bars[0].H != 0 || c.Bars[1].Y < plotTop || c.Bars[1].Y+c.Bars[1].H != plotBottom {
		t.Errorf("bars %+v", c.Bars)
	}
	if c.Bars[0].X+c.Bars[0].W > c.Bars[1].X || c.Bars[1].X+c.Bars[1].W > plotRight {
		t.Errorf("bars overlap or overflow: %+v", c.Bars)
	}
	if g := c.Grid; len(g) != 5 || g[0].Y != plotBottom || g[4].Y != plotTop || g[4].Label != "8" {
		t.Errorf("grid %+v", g)
	}
}

func TestViewQuery(t *testing.T) {
	for _, q := range []string{
		"", "idle=30&q=an", "never=1&pending=1", "grant=team%3Aweb", "dir=asc&sort=login", "dir=asc&sort=idle", "page=3&per_page=25",
	} {
		in, _ := url.ParseQuery(q)
		v := parseView(in)
		if got := v.values().Encode(); got != q {
			t.Errorf("%q round-trips to %q", q, got)
		}
		if back := parseView(v.values()); !reflect.DeepEqual(back, v) {
			t.Errorf("%q: %+v then %+v", q, v, back)
		}
	}
	v := parseView(url.Values{"idle": {"-3"}, "per_page": {"7"}, "page": {"0"}, "sort": {"x"}})
	if v.IdleMin != 0 || v.PerPage != defaultPerPage || v.Page != 1 || v.Sort != defaultSort || !v.Desc {
		t.Errorf("bad values give %+v", v)
	}
}

func TestPaginate(t *testing.T) {
	rows := make([]int, 120)
	v := view{PerPage: 50, Page: 3}
	p := v.pageOf(len(rows))
	if p.Number != 3 || p.Last != 3 || p.First != 101 || p.Stop != 120 {
		t.Errorf("%+v", p)
	}
	v.Page = 99
	if p := v.pageOf(len(rows)); p.Number != 3 {
		t.Errorf("past the end: %d", p.Number)
	}
	if p := v.pageOf(0); p.Number != 1 || p.Last != 1 || p.First != 0 || p.Stop != 0 {
		t.Errorf("empty: %+v", p)
	}
	lv := view{PerPage: 10, Page: 6, Sort: defaultSort, Desc: true}
	links := pageLinks(page{Number: 6, Last: 20}, func(n int) string {
		at := lv
		at.Page = n
		return "/b" + at.Query()
	})
	var nums []int
	for _, l := range links {
		nums = append(nums, l.Number)
	}
	if want := []int{1, 0, 4, 5, 6, 7, 8, 0, 20}; !reflect.DeepEqual(nums, want) {
		t.Errorf("links %v, want %v", nums, want)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/ui/orgs/acme?idle=3": "/ui/orgs/acme?idle=3",
		"/ui/":                 "/ui/",
		"":                     "/ui/",
		"/orgs/acme":           "/ui/",
		"https://evil/ui/":     "/ui/",
		"//evil/ui/":           "/ui/",
		"/ui\\evil":            "/ui/",
		"/uix/":                "/ui/",
		// Same-origin paths outside the dashboard, through dot segments
		// (issue 16 #11).
		"/ui/../_seatkeeper/reset":       "/ui/",
		"/ui/%2e%2e/_seatkeeper/tokens":  "/ui/",
		"/ui/%2E%2E%2F_seatkeeper":       "/ui/",
		"/ui/./orgs":                     "/ui/",
		"/ui//evil":                      "/ui/",
		"/ui/orgs/acme/seats.csv?x=../y": "/ui/orgs/acme/seats.csv?x=../y",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
	for v, want := range map[float64]string{0: "0 USD", 95: "95 USD", 190000: "190,000 USD", 19.5: "19.50 USD"} {
		if got := money(v); got != want {
			t.Errorf("money(%v) = %q", v, got)
		}
	}
}

func TestEditorName(t *testing.T) {
	for raw, want := range map[string]string{
		"vscode/1.99.3/copilot-chat/0.26.7":          "VS Code 1.99 · Copilot Chat 0.26",
		"JetBrains-IC/2024.1/copilot-intellij/1.5.0": "IntelliJ IDEA Community 2024.1 · Copilot 1.5",
		"vim/9.1/copilot.vim/1.40.0":                 "Vim 9.1 · copilot.vim 1.40",
		"someide/3/plugin/7":                         "someide 3 · plugin 7",
		"odd/shape/here":                             "odd/shape/here",
		"":                                           "",
		"/1.0":                                       "/1.0",
	} {
		if got := editorName(raw); got != want {
			t.Errorf("editorName(%q) = %q, want %q", raw, got, want)
		}
	}
}

// Each bucket of the idle chart holds exactly what the filter "idle at
// least its bound" finds, less what the next bucket's bound finds.
// TestIdleBucketsAgreeWithFilter: on both stores, with seats idle
// exactly each bucket's bound, a second more and a second less (used, and
// never used), each idle bucket holds what the filter "idle at least its
// bound" finds minus what the next bound's finds, and the filter finds
// exactly the rows whose days idle (the report's) reach its bound.
func TestIdleBucketsAgreeWithFilter(t *testing.T) {
	var users, members, seats, activity strings.Builder
	n := 0
	for _, days := range idleBounds {
		for _, delta := range []time.Duration{-time.Second, 0, time.Second} {
			for _, used := range []bool{true, false} {
				since := idleCutoff(testNow, days).Add(delta)
				login := fmt.Sprintf("u%d", n)
				n++
				fmt.Fprintf(&users, "  - {login: %s}\n", login)
				fmt.Fprintf(&members, "      - {login: %s}\n", login)
				created := since
				if used {
					created = since.Add(-400 * 24 * time.Hour)
					fmt.Fprintf(&activity, "      - {user: %s, last_activity_at: %q}\n", login, since.Format(time.RFC3339))
				}
				fmt.Fprintf(&seats, "      - {user: %s, created_at: %q}\n", login, created.Format(time.RFC3339))
			}
		}
	}
	doc := "users:\n  - {login: own}\n" + users.String() + `organizations:
  - login: idle
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members:
      - {login: own, role: admin}
` + members.String() + "    seats:\n" + seats.String() + "    activity:\n" + activity.String()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, doc)
		ctx := context.Background()
		org, err := st.OrgByLogin(ctx, "idle")
		if err != nil {
			t.Fatal(err)
		}
		sum := func(v view) seatSums {
			v.Sort, v.PerPage, v.Page = defaultSort, defaultPerPage, 1
			s, err := e.dash.sumSeats(ctx, st, org, testNow, v, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		sub, err := st.Subscription(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		all, err := e.dash.listRows(ctx, org, sub, view{}.seatFilter(org, testNow, nil), view{Sort: defaultSort}.order())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != n {
			t.Fatalf("%d seats listed, want %d", len(all), n)
		}
		b := sum(view{}).Buckets
		found := func(min int) int { return sum(view{IdleMin: min}).Matching }
		for k, lo := range idleBounds {
			want := found(lo)
			if lo == 0 {
				want = n
			}
			reach := 0
			for _, r := range all {
				if r.DaysIdle >= lo {
					reach++
				}
			}
			if lo > 0 && want != reach {
				t.Errorf("idle at least %d days: the filter finds %d seats, %d rows have that many days idle", lo, want, reach)
			}
			if k+1 < len(idleBounds) {
				want -= found(idleBounds[k+1])
			}
			if b[k] != want {
				t.Errorf("bucket %s: %d, the filter finds %d", idleBucketLabels[k], b[k], want)
			}
		}
	})
}
