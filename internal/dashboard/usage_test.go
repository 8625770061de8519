package dashboard

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// usageEvent is an event of the usage test's seed, with what the page
// sums of it.
type usageEvent struct {
	user, at, feature, ide, lang string
	gen, acc                     int
}

// usageEvents: testNow is 2026-03-20 12:00 UTC, so the window is
// 2026-02-20 to 2026-03-19 and the idle cutoff 2026-02-18 12:00. own and
// amy use Copilot in the window; bo only on 2026-03-01; cy only before
// the cutoff (idle); di never (idle). own's event of today is after the
// window: it keeps own out of the idle seats but counts in no figure.
var usageEvents = []usageEvent{
	{"own", "2026-03-19T09:00:00Z", "code_completion", "vscode", "go", 10, 4},
	{"own", "2026-03-19T10:00:00Z", "chat_panel_ask_mode", "vscode", "python", 2, 1},
	{"own", "2026-03-20T10:00:00Z", "code_completion", "vscode", "go", 100, 100},
	{"own", "2026-03-13T10:00:00Z", "code_completion", "vscode", "rust", 3, 3},
	{"amy", "2026-03-15T10:00:00Z", "code_completion", "jetbrains", "go", 6, 3},
	{"amy", "2026-03-19T11:00:00Z", "code_completion", "jetbrains", "python", 4, 0},
	{"amy", "2026-02-20T11:00:00Z", "agent_edit", "vscode", "go", 1, 1},
	{"bo", "2026-03-01T10:00:00Z", "code_completion", "vscode", "typescript", 5, 5},
	{"cy", "2026-02-10T10:00:00Z", "code_completion", "vscode", "go", 7, 7},
	// The CLI counts in no figure of the page (totals_by_cli alone), nor
	// in the daily and weekly users (an IDE's).
	{"bo", "2026-03-17T10:00:00Z", "copilot_cli", "", "", 8, 2},
}

func usageSeed() string {
	var b strings.Builder
	b.WriteString(`
users: [{login: own}, {login: amy}, {login: bo}, {login: cy}, {login: di}, {login: zed}]
organizations:
  - login: uso
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members: [{login: own, role: admin}, {login: amy}, {login: bo}, {login: cy}, {login: di}]
    seats:
      - {user: own, created_at: "2025-01-01T00:00:00Z"}
      - {user: amy, created_at: "2025-01-01T00:00:00Z"}
      - {user: bo, created_at: "2025-01-01T00:00:00Z"}
      - {user: cy, created_at: "2025-01-01T00:00:00Z"}
      - {user: di, created_at: "2025-01-01T00:00:00Z"}
    usage:
`)
	for _, e := range usageEvents {
		where := fmt.Sprintf("ide: %s, language: %s", e.ide, e.lang)
		if e.feature == "copilot_cli" {
			where = `cli_version: "1.0.8"`
		}
		fmt.Fprintf(&b, "      - {user: %s, at: %q, feature: %s, %s, code_generation_activity_count: %d, code_acceptance_activity_count: %d}\n",
			e.user, e.at, e.feature, where, e.gen, e.acc)
	}
	b.WriteString(`  - login: zorg
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow}
    members: [{login: zed, role: admin}, {login: amy}]
tokens:
  - {token: ghp_own, kind: classic, user: own, scopes: [read:org, manage_billing:copilot]}
  - {token: ghp_amy, kind: classic, user: amy, scopes: [read:org, manage_billing:copilot]}
  - {token: ghp_zed, kind: classic, user: zed, scopes: [read:org, manage_billing:copilot]}
`)
	return b.String()
}

// usageWant is what the page should show, summed here from usageEvents
// alone: each day's active users (who had an event that day, or in the 7
// days to it), the window's generations and acceptances, and the
// generations by feature, IDE and language.
type usageWant struct {
	daily, weekly      map[string]int
	dayGen, dayAcc     map[string]int
	monthly            int // on the last day: the 28 days to it
	gen, acc           int
	features, ides, ls map[string]int
}

func wantUsage(from, to string) usageWant {
	w := usageWant{daily: map[string]int{}, weekly: map[string]int{}, dayGen: map[string]int{}, dayAcc: map[string]int{}, features: map[string]int{}, ides: map[string]int{}, ls: map[string]int{}}
	first, _ := time.Parse(time.DateOnly, from)
	last, _ := time.Parse(time.DateOnly, to)
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		day := t.Format(time.DateOnly)
		weekFrom := t.AddDate(0, 0, -6).Format(time.DateOnly)
		d, wk := map[string]bool{}, map[string]bool{}
		for _, e := range usageEvents {
			if e.feature == "copilot_cli" {
				continue
			}
			if ed := e.at[:10]; ed == day {
				d[e.user] = true
			}
			if ed := e.at[:10]; ed >= weekFrom && ed <= day {
				wk[e.user] = true
			}
		}
		w.daily[day], w.weekly[day] = len(d), len(wk)
	}
	month := map[string]bool{}
	for _, e := range usageEvents {
		if ed := e.at[:10]; ed >= from && ed <= to && e.feature != "copilot_cli" {
			month[e.user] = true
			w.dayGen[ed] += e.gen
			w.dayAcc[ed] += e.acc
			w.gen += e.gen
			w.acc += e.acc
			w.features[e.feature] += e.gen
			w.ides[e.ide] += e.gen
			w.ls[e.lang] += e.gen
		}
	}
	w.monthly = len(month)
	return w
}

var (
	usageDayRow = regexp.MustCompile(`<th scope="row" data-label="Day">([0-9-]+)</th><td data-label="Daily active" class="num">([0-9,]+)</td><td data-label="Weekly active" class="num">([0-9,]+)</td><td data-label="Code generations" class="num">([0-9,]+)</td><td data-label="Acceptances" class="num">([0-9,]+)</td>`)
	usageCount  = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td class="num">([0-9,]+)</td></tr>`)
)

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// between is the part of s from the first from to the next to after it.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %q in the page", from)
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestUsagePage shows an org's owner the org's usage over the latest 28
// complete days, every figure the sum of the recorded events, and the
// seats idle 30 days by usage with their cost; others are refused.
func TestUsagePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, usageSeed())
		for _, c := range []struct {
			name, token, path string
			status            int
		}{
			{"owner", "ghp_own", "/ui/orgs/uso/usage", http.StatusOK},
			{"member, not owner", "ghp_amy", "/ui/orgs/uso/usage", http.StatusForbidden},
			{"owner of another org", "ghp_zed", "/ui/orgs/uso/usage", http.StatusForbidden},
			{"owner, org without usage", "ghp_zed", "/ui/orgs/zorg/usage", http.StatusOK},
			{"no such org", "ghp_own", "/ui/orgs/nope/usage", http.StatusNotFound},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := e.signedIn(c.token).get(c.path)
				if p.status != c.status {
					t.Fatalf("%d, want %d\n%s", p.status, c.status, excerpt(p.body))
				}
				if c.status == http.StatusForbidden {
					p.contains(t, "only its owners can")
				}
			})
		}

		b := e.signedIn("ghp_own")
		b.get("/ui/orgs/uso").contains(t, `href="/ui/orgs/uso/usage"`)
		p := b.get("/ui/orgs/uso/usage")
		const from, to = "2026-02-20", "2026-03-19"
		p.contains(t, `<time datetime="`+from+`">`, `<time datetime="`+to+`">`)
		w := wantUsage(from, to)

		days := usageDayRow.FindAllStringSubmatch(p.body, -1)
		if len(days) != 28 {
			t.Fatalf("%d days, want 28", len(days))
		}
		for _, m := range days {
			if got := atoi(t, m[2]); got != w.daily[m[1]] {
				t.Errorf("%s: %d daily active users, want %d", m[1], got, w.daily[m[1]])
			}
			if got := atoi(t, m[3]); got != w.weekly[m[1]] {
				t.Errorf("%s: %d weekly active users, want %d", m[1], got, w.weekly[m[1]])
			}
			if got := atoi(t, m[4]); got != w.dayGen[m[1]] {
				t.Errorf("%s: %d code generations, want %d", m[1], got, w.dayGen[m[1]])
			}
			if got := atoi(t, m[5]); got != w.dayAcc[m[1]] {
				t.Errorf("%s: %d acceptances, want %d", m[1], got, w.dayAcc[m[1]])
			}
		}
		rate := strconv.FormatFloat(float64(w.acc)*100/float64(w.gen), 'f', 1, 64) + "%"
		price := report.DefaultPrices.Of("business")
		for _, c := range []struct{ id, want string }{
			{"dau", strconv.Itoa(w.daily[to])},
			{"wau", strconv.Itoa(w.weekly[to])},
			{"mau", strconv.Itoa(w.monthly)},
			{"generated", strconv.Itoa(w.gen)},
			{"accepted", strconv.Itoa(w.acc)},
			{"rate", rate},
			{"idle", "2"}, // cy and di
			{"idle-cost", money(2 * price)},
		} {
			if got := between(t, p.body, `id="`+c.id+`">`, "<"); got != c.want {
				t.Errorf("#%s: %q, want %q", c.id, got, c.want)
			}
		}
		if got := between(t, p.body, `<ul id="idle-list">`, "</ul>"); got != "<li>cy</li><li>di</li>" {
			t.Errorf("idle list: %s", got)
		}
		for _, c := range []struct {
			id   string
			want map[string]int
		}{{"features", w.features}, {"ides", w.ides}, {"languages", w.ls}} {
			rows := usageCount.FindAllStringSubmatch(between(t, p.body, `id="`+c.id+`"`, "</table>"), -1)
			if len(rows) != len(c.want) {
				t.Errorf("%s: %d rows, want %d: %v", c.id, len(rows), len(c.want), rows)
			}
			prev := -1
			for _, m := range rows {
				n := atoi(t, m[2])
				if n != c.want[m[1]] {
					t.Errorf("%s %s: %d, want %d", c.id, m[1], n, c.want[m[1]])
				}
				if prev >= 0 && n > prev {
					t.Errorf("%s: %s (%d) after a smaller count", c.id, m[1], n)
				}
				prev = n
			}
		}
	})
}
