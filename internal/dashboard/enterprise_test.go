package dashboard

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// enterpriseSeed: globex grants seats itself (Copilot Business) to dir
// directly and to tea through its team Data; its org gx (Copilot
// Enterprise) seats both, who is seated at the enterprise too. own owns
// globex, bil manages its billing, out is neither.
const enterpriseSeed = `
users: [{login: own}, {login: bil}, {login: out}, {login: dir}, {login: tea}, {login: both}]
enterprises:
  - slug: globex
    name: Globex
    owners: [own]
    billing_managers: [bil]
    members: [dir, tea]
    teams: [{name: Data, members: [tea]}]
    copilot: {public_code_suggestions: allow, billing_cycle_day: 5}
    seats:
      - {user: dir, created_at: "2026-01-01T00:00:00Z"}
      - {user: both, created_at: "2026-01-02T00:00:00Z", pending_cancellation_date: "2026-04-05"}
      - {enterprise_team: data, created_at: "2026-01-03T00:00:00Z"}
    activity: [{user: dir, last_activity_at: "2026-03-19T00:00:00Z"}]
organizations:
  - login: gx
    enterprise: globex
    copilot: {plan_type: enterprise, public_code_suggestions: allow}
    members: [{login: own, role: admin}, {login: both}]
    seats: [{user: both, created_at: "2025-12-01T00:00:00Z"}]
tokens:
  - {token: ghp_own, kind: classic, user: own, scopes: [manage_billing:copilot]}
  - {token: ghp_ownEnterprise, kind: classic, user: own, scopes: [read:enterprise]}
  - {token: ghp_ownOrg, kind: classic, user: own, scopes: [read:org]}
  - {token: ghp_bil, kind: classic, user: bil, scopes: [manage_billing:copilot]}
  - {token: ghp_out, kind: classic, user: out, scopes: [manage_billing:copilot]}
  - {token: github_pat_own, kind: fine_grained, user: own, organization: gx, permissions: {organization_copilot_seat_management: read}}
`

var enterpriseRow = regexp.MustCompile(`<th scope="row" data-label="User">([^<]+)</th>\s*<td data-label="Held in">(?:<strong>)?(?:<a href="[^"]*">)?([^<]+)<`)

// TestEnterprisePage shows an enterprise's seats to its owners and billing
// managers: each seat with its org or "enterprise", each holder billed
// once at their dearest plan; everyone else is refused.
func TestEnterprisePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, enterpriseSeed)
		for _, c := range []struct {
			token  string
			status int
			linked bool // the orgs page links the enterprise
		}{
			{"ghp_own", http.StatusOK, true},
			{"ghp_ownEnterprise", http.StatusOK, true},
			{"ghp_bil", http.StatusOK, true},
			{"ghp_ownOrg", http.StatusForbidden, false},
			{"ghp_out", http.StatusForbidden, false},
			{"github_pat_own", http.StatusForbidden, false},
		} {
			b := e.signedIn(c.token)
			p := b.get("/ui/enterprises/globex")
			if p.status != c.status {
				t.Fatalf("%s: %d, want %d\n%s", c.token, p.status, c.status, excerpt(p.body))
			}
			if linked := regexp.MustCompile(`href="/ui/enterprises/globex"`).MatchString(b.get("/ui/").body); linked != c.linked {
				t.Errorf("%s: the orgs page links the enterprise: %v, want %v", c.token, linked, c.linked)
			}
			if c.status != http.StatusOK {
				p.contains(t, "only its owners and billing managers can")
				continue
			}
			var rows []string
			for _, m := range enterpriseRow.FindAllStringSubmatch(p.body, -1) {
				rows = append(rows, m[1]+"@"+m[2])
			}
			slices.Sort(rows)
			if want := []string{"both@enterprise", "both@gx", "dir@enterprise", "tea@enterprise"}; !slices.Equal(rows, want) {
				t.Errorf("%s: rows %v, want %v", c.token, rows, want)
			}
			// dir 19 + tea 19 + both once at Copilot Enterprise's 39.
			p.contains(t, `id="holders">3<`, `id="cost">77 USD<`, "through data", "2026-04-05")
		}
		if p := e.signedIn("ghp_own").get("/ui/enterprises/nope"); p.status != http.StatusNotFound {
			t.Errorf("unknown enterprise: %d", p.status)
		}
	})
}
