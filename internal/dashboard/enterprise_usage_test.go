package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// entUsageEvents: the usage of globex's org gx (both), of the seat
// globex grants dir itself, and of an org outside globex (solo's out),
// which the enterprise's page leaves out. testNow is 2026-03-20 12:00 UTC:
// the window is 2026-02-20 to 2026-03-19.
var entUsageEvents = []struct {
	scope, user, at string
	gen, acc        int
}{
	{"gx", "both", "2026-03-19T09:00:00Z", 10, 4},
	{"gx", "both", "2026-03-15T09:00:00Z", 5, 5},
	{"globex", "dir", "2026-03-19T10:00:00Z", 7, 1},
	{"globex", "dir", "2026-02-19T10:00:00Z", 50, 50}, // before the window
	{"solo", "out", "2026-03-19T10:00:00Z", 100, 100},
}

func entUsageSeed() string {
	events := func(scope string) string {
		var b strings.Builder
		b.WriteString("    usage:\n")
		for _, e := range entUsageEvents {
			if e.scope == scope {
				fmt.Fprintf(&b, "      - {user: %s, at: %q, feature: code_completion, ide: vscode, language: go, code_generation_activity_count: %d, code_acceptance_activity_count: %d}\n",
					e.user, e.at, e.gen, e.acc)
			}
		}
		return b.String()
	}
	doc := strings.Replace(enterpriseSeed, "    activity: [{user: dir, last_activity_at: \"2026-03-19T00:00:00Z\"}]\n",
		"    activity: [{user: dir, last_activity_at: \"2026-03-19T00:00:00Z\"}]\n"+events("globex"), 1)
	doc = strings.Replace(doc, "    seats: [{user: both, created_at: \"2025-12-01T00:00:00Z\"}]\n",
		"    seats: [{user: both, created_at: \"2025-12-01T00:00:00Z\"}]\n"+events("gx")+`  - login: solo
    copilot: {public_code_suggestions: allow}
    members: [{login: out, role: admin}]
    seats: [{user: out, created_at: "2025-12-01T00:00:00Z"}]
`+events("solo"), 1)
	return doc
}

// TestEnterpriseUsagePage shows an enterprise's owners and billing
// managers the usage of its orgs and of the seats it grants itself, every
// figure the sum of those recorded events in the window; others are
// refused.
func TestEnterpriseUsagePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, entUsageSeed())
		for _, c := range []struct {
			name, token, path string
			status            int
		}{
			{"owner", "ghp_own", "/ui/enterprises/globex/usage", http.StatusOK},
			{"owner, read:enterprise", "ghp_ownEnterprise", "/ui/enterprises/globex/usage", http.StatusOK},
			{"billing manager", "ghp_bil", "/ui/enterprises/globex/usage", http.StatusOK},
			{"owner, read:org only", "ghp_ownOrg", "/ui/enterprises/globex/usage", http.StatusForbidden},
			{"neither", "ghp_out", "/ui/enterprises/globex/usage", http.StatusForbidden},
			{"no such enterprise", "ghp_own", "/ui/enterprises/nope/usage", http.StatusNotFound},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := e.signedIn(c.token).get(c.path)
				if p.status != c.status {
					t.Fatalf("%d, want %d\n%s", p.status, c.status, excerpt(p.body))
				}
				if c.status == http.StatusForbidden {
					p.contains(t, "only its owners and billing managers can")
				}
			})
		}

		b := e.signedIn("ghp_bil")
		b.get("/ui/enterprises/globex").contains(t, `href="/ui/enterprises/globex/usage"`)
		p := b.get("/ui/enterprises/globex/usage")
		const from, to = "2026-02-20", "2026-03-19"
		p.contains(t, `<time datetime="`+from+`">`, `<time datetime="`+to+`">`, `<a href="/ui/orgs/gx/usage">gx</a>`)
		var gen, acc int
		daily, monthly := map[string]bool{}, map[string]bool{}
		for _, ev := range entUsageEvents {
			if ev.scope == "solo" || ev.at[:10] < from || ev.at[:10] > to {
				continue
			}
			gen, acc = gen+ev.gen, acc+ev.acc
			monthly[ev.user] = true
			if ev.at[:10] == to {
				daily[ev.user] = true
			}
		}
		for _, c := range []struct{ id, want string }{
			{"dau", strconv.Itoa(len(daily))},
			{"mau", strconv.Itoa(len(monthly))},
			{"generated", strconv.Itoa(gen)},
			{"accepted", strconv.Itoa(acc)},
			{"rate", strconv.FormatFloat(float64(acc)*100/float64(gen), 'f', 1, 64) + "%"},
		} {
			if got := between(t, p.body, `id="`+c.id+`">`, "<"); got != c.want {
				t.Errorf("#%s: %q, want %q", c.id, got, c.want)
			}
		}
		if strings.Contains(p.body, `id="idle"`) || strings.Contains(p.body, "solo") {
			t.Errorf("the enterprise's page shows an org's idle seats or another org:\n%s", excerpt(p.body))
		}
		days := usageDayRow.FindAllStringSubmatch(p.body, -1)
		if len(days) != 28 || atoi(t, days[27][4]) != 17 || atoi(t, days[23][4]) != 5 {
			t.Errorf("days: %v", days)
		}
	})
}
