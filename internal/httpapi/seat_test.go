package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// scenario is the world the seat-details tests run in. The clock stands at
// 2026-06-10T12:00:00Z.
const scenario = `
users:
  - {login: octocat, id: 1, name: The Octocat, email: octocat@example.com}
  - {login: hubot}
  - {login: mona}
  - {login: lisa}
  - {login: nestor}
  - {login: eve}
  - {login: paula}
  - {login: pat}
  - {login: outsider}
  - {login: rival}
  - {login: both}
enterprises:
  - slug: acme
    name: Acme
    owners: [octocat]
    teams:
      - {name: Copilot Pioneers, slug: copilot-pioneers, members: [eve]}
organizations:
  - login: github
    id: 9919
    enterprise: acme
    description: How people build software.
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow,
              ide_chat: enabled, platform_chat: enabled, cli: enabled, billing_cycle_day: 1}
    members:
      - {login: octocat, role: admin}
      - {login: hubot}
      - {login: mona, state: pending}
      - {login: lisa}
      - {login: nestor}
      - {login: eve}
      - {login: paula}
      - {login: pat}
      - {login: both}
    teams:
      - {name: Justice League, slug: justice-league, description: A great team., privacy: closed, members: [hubot, both]}
      - {name: Juniors, slug: juniors, privacy: closed, parent: justice-league, members: [nestor]}
    seats:
      - {user: octocat, created_at: "2021-08-03T18:00:00-06:00"}
      - {team: justice-league, created_at: "2022-01-01T00:00:00Z"}
      - {enterprise_team: copilot-pioneers, created_at: "2023-01-01T00:00:00Z"}
      - {user: paula, created_at: "2024-01-01T00:00:00Z", pending_cancellation_date: "2026-07-01"}
      - {user: pat, created_at: "2024-01-01T00:00:00Z", pending_cancellation_date: "2026-06-01"}
      - {user: both, created_at: "2025-01-01T00:00:00Z", pending_cancellation_date: "2026-07-01"}
    activity:
      - {user: octocat, last_activity_at: "2021-10-14T00:53:32-06:00", last_activity_editor: vscode/1.77.3/copilot/1.86.82,
         last_authenticated_at: "2021-10-14T01:00:00-06:00"}
      - {user: paula, last_authenticated_at: "2026-05-02T08:00:00+02:00"}
  - login: nocopilot
    members: [{login: octocat, role: admin}]
  - login: rivalorg
    members: [{login: rival, role: admin}]
tokens:
  - {token: ghp_owner_readorg, kind: classic, user: octocat, scopes: [read:org]}
  - {token: ghp_owner_adminorg, kind: classic, user: octocat, scopes: [admin:org]}
  - {token: ghp_owner_writeorg, kind: classic, user: octocat, scopes: [write:org]}
  - {token: ghp_owner_copilot, kind: classic, user: octocat, scopes: [copilot]}
  - {token: ghp_owner_repo, kind: classic, user: octocat, scopes: [repo, user]}
  - {token: ghp_owner_expired, kind: classic, user: octocat, scopes: [read:org], expires_at: "2026-06-10T11:59:59Z"}
  - {token: ghp_owner_revoked, kind: classic, user: octocat, scopes: [read:org]}
  - {token: gho_owner_billing, kind: oauth, user: octocat, scopes: [manage_billing:copilot]}
  - {token: ghp_member_readorg, kind: classic, user: hubot, scopes: [read:org]}
  - {token: ghp_pending_readorg, kind: classic, user: mona, scopes: [read:org]}
  - {token: ghp_outsider_readorg, kind: classic, user: outsider, scopes: [read:org]}
  - {token: ghp_rival_readorg, kind: classic, user: rival, scopes: [read:org]}
  - {token: github_pat_owner_seats, kind: fine_grained, user: octocat, organization: github, permissions: {organization_copilot_seat_management: read}}
  - {token: github_pat_owner_admin, kind: fine_grained, user: octocat, organization: github, permissions: {organization_administration: write}}
  - {token: github_pat_owner_members, kind: fine_grained, user: octocat, organization: github, permissions: {members: read}}
  - {token: github_pat_owner_otherorg, kind: fine_grained, user: octocat, organization: nocopilot, permissions: {organization_copilot_seat_management: read}}
  - {token: github_pat_member_seats, kind: fine_grained, user: hubot, organization: github, permissions: {organization_copilot_seat_management: write}}
  - {token: ghs_github_seats, kind: installation, organization: github, permissions: {organization_copilot_seat_management: write}}
  - {token: ghs_github_members, kind: installation, organization: github, permissions: {members: write}}
  - {token: ghs_rival_seats, kind: installation, organization: rivalorg, permissions: {organization_copilot_seat_management: read}}
`

var scenarioNow = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

func newScenario(t *testing.T, st *store.Store) *env {
	e := newEnv(t, st, scenarioNow, scenario)
	tok, err := st.TokenByHash(context.Background(), auth.Hash("ghp_owner_revoked"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(context.Background(), tok.ID, scenarioNow.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	return e
}

type basicError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

const owner = "ghp_owner_readorg"

// seatContract is every row of the seat-details endpoint's contract, in
// the order GitHub checks them; the HTTP and the go-github tests share it.
var seatContract = []struct {
	name, token, org, user string
	status                 int
	message                string
}{
	{"no credentials", "", "github", "octocat", 401, "Requires authentication"},
	{"unknown token", "ghp_nope", "github", "octocat", 401, "Bad credentials"},
	{"expired token", "ghp_owner_expired", "github", "octocat", 401, "Bad credentials"},
	{"revoked token", "ghp_owner_revoked", "github", "octocat", 401, "Bad credentials"},
	{"unknown org", owner, "nope", "octocat", 404, "Not Found"},
	{"classic token without a fitting scope", "ghp_owner_repo", "github", "octocat", 404, "Not Found"},
	{"fine-grained PAT for another org", "github_pat_owner_otherorg", "github", "octocat", 403, "Resource not accessible by personal access token"},
	{"fine-grained PAT without the permission", "github_pat_owner_members", "github", "octocat", 403, "Resource not accessible by personal access token"},
	{"installation for another org", "ghs_rival_seats", "github", "octocat", 403, "Resource not accessible by integration"},
	{"installation without the permission", "ghs_github_members", "github", "octocat", 403, "Resource not accessible by integration"},
	{"member, not owner", "ghp_member_readorg", "github", "octocat", 404, "Not Found"},
	{"pending invitee", "ghp_pending_readorg", "github", "octocat", 404, "Not Found"},
	{"outsider", "ghp_outsider_readorg", "github", "octocat", 404, "Not Found"},
	{"owner of another org", "ghp_rival_readorg", "github", "octocat", 404, "Not Found"},
	{"fine-grained PAT of a member", "github_pat_member_seats", "github", "octocat", 404, "Not Found"},
	{"copilot not enabled", owner, "nocopilot", "octocat", 422, "Copilot Business is not enabled for this organization."},
	{"no such user", owner, "github", "ghost", 404, "Not Found"},
	{"pending invitation", owner, "github", "mona", 422, "User has a pending organization invitation."},
	{"not a member", owner, "github", "outsider", 404, "User does not exist in this organization."},
	{"member without a seat", owner, "github", "lisa", 404, "No seat found for this user in this organization."},
	{"seat whose cancellation date has come", owner, "github", "pat", 404, "No seat found for this user in this organization."},
	{"direct seat", owner, "github", "octocat", 200, ""},
	{"case-insensitive org and user", owner, "GitHub", "OctoCat", 200, ""},
	{"admin:org implies read:org", "ghp_owner_adminorg", "github", "octocat", 200, ""},
	{"write:org implies read:org", "ghp_owner_writeorg", "github", "octocat", 200, ""},
	{"copilot implies manage_billing:copilot", "ghp_owner_copilot", "github", "octocat", 200, ""},
	{"oauth with manage_billing:copilot", "gho_owner_billing", "github", "octocat", 200, ""},
	{"fine-grained PAT with seat management", "github_pat_owner_seats", "github", "octocat", 200, ""},
	{"fine-grained PAT with administration", "github_pat_owner_admin", "github", "octocat", 200, ""},
	{"installation token", "ghs_github_seats", "github", "octocat", 200, ""},
	{"seat through a team", owner, "github", "hubot", 200, ""},
	{"seat through a child team", owner, "github", "nestor", 200, ""},
	{"seat through an enterprise team", owner, "github", "eve", 200, ""},
	{"seat pending cancellation", owner, "github", "paula", 200, ""},
}

// TestSeatDetailsContract walks every row of the endpoint's contract, in
// the order GitHub checks them.
func TestSeatDetailsContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newScenario(t, st)
		for _, tt := range seatContract {
			t.Run(tt.name, func(t *testing.T) {
				e.t = t
				r := e.do("GET", "/orgs/"+tt.org+"/members/"+tt.user+"/copilot", tt.token)
				if r.status != tt.status {
					t.Fatalf("status = %d, want %d; body %s", r.status, tt.status, r.body)
				}
				if tt.status == 200 {
					e.spec.ValidateSchema(t, "copilot-seat-details", r.body)
					return
				}
				var be basicError
				if err := json.Unmarshal(r.body, &be); err != nil {
					t.Fatal(err)
				}
				if be.Message != tt.message {
					t.Errorf("message = %q, want %q", be.Message, tt.message)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type = %q", ct)
				}
			})
		}
	})
}

// seat is the decoded seat-details body.
type seat struct {
	CreatedAt               string          `json:"created_at"`
	UpdatedAt               string          `json:"updated_at"`
	PendingCancellationDate *string         `json:"pending_cancellation_date"`
	LastActivityAt          *string         `json:"last_activity_at"`
	LastActivityEditor      *string         `json:"last_activity_editor"`
	LastAuthenticatedAt     *string         `json:"last_authenticated_at"`
	PlanType                string          `json:"plan_type"`
	Assignee                map[string]any  `json:"assignee"`
	Organization            map[string]any  `json:"organization"`
	AssigningTeam           json.RawMessage `json:"assigning_team"`
}

// topLevelKeys lists a JSON object's keys in the order they come.
func topLevelKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", body)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func getSeat(t *testing.T, e *env, org, user string) seat {
	t.Helper()
	r := e.do("GET", "/orgs/"+org+"/members/"+user+"/copilot", "ghp_owner_readorg")
	if r.status != 200 {
		t.Fatalf("GET seat of %s: %d %s", user, r.status, r.body)
	}
	e.spec.ValidateSchema(t, "copilot-seat-details", r.body)
	var s seat
	if err := json.Unmarshal(r.body, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeatDetailsBody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newScenario(t, st)

		t.Run("direct seat with activity", func(t *testing.T) {
			s := getSeat(t, e, "github", "octocat")
			if s.CreatedAt != "2021-08-04T00:00:00Z" {
				t.Errorf("created_at = %s (timestamps are UTC)", s.CreatedAt)
			}
			if s.LastActivityAt == nil || *s.LastActivityAt != "2021-10-14T06:53:32Z" {
				t.Errorf("last_activity_at = %v", s.LastActivityAt)
			}
			if s.LastActivityEditor == nil || *s.LastActivityEditor != "vscode/1.77.3/copilot/1.86.82" {
				t.Errorf("last_activity_editor = %v", s.LastActivityEditor)
			}
			if s.PendingCancellationDate != nil {
				t.Errorf("pending_cancellation_date = %v", *s.PendingCancellationDate)
			}
			if s.AssigningTeam != nil {
				t.Errorf("direct seat has assigning_team %s", s.AssigningTeam)
			}
			if s.Assignee["login"] != "octocat" || s.Assignee["type"] != "User" || s.Assignee["id"] != 1.0 ||
				s.Assignee["url"] != "http://seatkeeper.test/users/octocat" || s.Assignee["node_id"] != "MDQ6VXNlcjE=" {
				t.Errorf("assignee = %v", s.Assignee)
			}
			if s.Organization["login"] != "github" || s.Organization["id"] != 9919.0 {
				t.Errorf("organization = %v", s.Organization)
			}
			if s.LastAuthenticatedAt == nil || *s.LastAuthenticatedAt != "2021-10-14T07:00:00Z" || s.PlanType != "business" {
				t.Errorf("last_authenticated_at = %v, plan_type = %q", s.LastAuthenticatedAt, s.PlanType)
			}
		})

		t.Run("GitHub's field order", func(t *testing.T) {
			r := e.do("GET", "/orgs/github/members/octocat/copilot", "ghp_owner_readorg")
			want := []string{"created_at", "updated_at", "pending_cancellation_date", "last_activity_at", "last_activity_editor",
				"last_authenticated_at", "plan_type", "assignee", "organization"}
			if got := topLevelKeys(t, r.body); !slices.Equal(got, want) {
				t.Errorf("seat fields %v, want %v", got, want)
			}
			var s struct{ Assignee json.RawMessage }
			json.Unmarshal(r.body, &s)
			keys := topLevelKeys(t, s.Assignee)
			if i := slices.Index(keys, "user_view_type"); i < 0 || keys[i-1] != "type" || keys[i+1] != "site_admin" {
				t.Errorf("assignee fields %v: want type, user_view_type, site_admin", keys)
			}
		})

		t.Run("a sign-in without use", func(t *testing.T) {
			s := getSeat(t, e, "github", "paula")
			if s.LastAuthenticatedAt == nil || *s.LastAuthenticatedAt != "2026-05-02T06:00:00Z" || s.LastActivityAt != nil || s.LastActivityEditor != nil {
				t.Errorf("last_authenticated_at = %v, last_activity_at = %v, editor = %v", s.LastAuthenticatedAt, s.LastActivityAt, s.LastActivityEditor)
			}
		})

		t.Run("child team reports the granting parent team", func(t *testing.T) {
			s := getSeat(t, e, "github", "nestor")
			var team map[string]any
			json.Unmarshal(s.AssigningTeam, &team)
			if team["slug"] != "justice-league" || team["name"] != "Justice League" || team["type"] != "organization" {
				t.Errorf("assigning_team = %v", team)
			}
			if s.LastActivityAt != nil || s.LastActivityEditor != nil {
				t.Errorf("no activity expected, got %v %v", s.LastActivityAt, s.LastActivityEditor)
			}
			// Nestor joined when the seed was loaded, after the grant.
			if s.CreatedAt != "2026-06-10T12:00:00Z" {
				t.Errorf("created_at = %s, want the joining time", s.CreatedAt)
			}
		})

		t.Run("enterprise team", func(t *testing.T) {
			s := getSeat(t, e, "github", "eve")
			var team map[string]any
			json.Unmarshal(s.AssigningTeam, &team)
			if team["slug"] != "copilot-pioneers" || team["group_id"] != nil || team["created_at"] == nil ||
				team["members_url"] != team["url"].(string)+"/members{/member}" {
				t.Errorf("assigning_team = %v", team)
			}
			e.spec.ValidateSchema(t, "enterprise-team", s.AssigningTeam)
		})

		t.Run("pending cancellation", func(t *testing.T) {
			s := getSeat(t, e, "github", "paula")
			if s.PendingCancellationDate == nil || *s.PendingCancellationDate != "2026-07-01" {
				t.Errorf("pending_cancellation_date = %v", s.PendingCancellationDate)
			}
		})

		t.Run("a firm team grant outweighs a cancelled direct one", func(t *testing.T) {
			s := getSeat(t, e, "github", "both")
			if s.PendingCancellationDate != nil {
				t.Errorf("pending_cancellation_date = %v, want null: the team grant remains", *s.PendingCancellationDate)
			}
			var team map[string]any
			json.Unmarshal(s.AssigningTeam, &team)
			if team["slug"] != "justice-league" {
				t.Errorf("assigning_team = %v", team)
			}
		})
	})
}

// TestPendingCancellationBoundary checks the second before and at the
// cancellation date.
func TestPendingCancellationBoundary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newScenario(t, st)
		cut := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			at     time.Time
			status int
		}{{cut.Add(-time.Second), 200}, {cut, 404}, {cut.Add(time.Second), 404}} {
			e.clock.Set(c.at)
			r := e.do("GET", "/orgs/github/members/paula/copilot", "ghp_owner_readorg")
			if r.status != c.status {
				t.Errorf("at %s: status %d, want %d", c.at, r.status, c.status)
			}
		}
	})
}

func TestConventions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newScenario(t, st)
		const path = "/orgs/github/members/octocat/copilot"

		t.Run("authorization schemes", func(t *testing.T) {
			for _, h := range []string{
				"Authorization: token " + owner,
				"Authorization: Bearer " + owner,
				"Authorization: bearer " + owner,
				"Authorization: Basic " + basic("octocat", owner),
				"Authorization: Basic " + basic(owner, ""),
			} {
				if r := e.do("GET", path, "", h); r.status != 200 {
					t.Errorf("%s: %d", h, r.status)
				}
			}
			if r := e.do("GET", path, "", "Authorization: Digest abc"); r.status != 401 {
				t.Errorf("unknown scheme: %d", r.status)
			}
		})

		t.Run("GHES prefix", func(t *testing.T) {
			if r := e.do("GET", "/api/v3"+path, owner); r.status != 200 {
				t.Errorf("status %d", r.status)
			}
		})

		t.Run("api versions", func(t *testing.T) {
			r := e.do("GET", path, owner)
			if got := r.header.Get("X-GitHub-Api-Version-Selected"); got != "2022-11-28" {
				t.Errorf("default version %q", got)
			}
			r = e.do("GET", path, owner, "X-GitHub-Api-Version: 2026-03-10")
			if got := r.header.Get("X-GitHub-Api-Version-Selected"); r.status != 200 || got != "2026-03-10" {
				t.Errorf("2026-03-10: %d %q", r.status, got)
			}
			r = e.do("GET", "/no/such/route", "", "X-GitHub-Api-Version: 1999-01-01")
			if r.status != 400 || !strings.Contains(string(r.body), `\"1999-01-01\", is not a supported version`) {
				t.Errorf("unsupported version without a token: %d %s", r.status, r.body)
			}
			if r.header.Get("X-GitHub-Api-Version-Selected") != "" {
				t.Error("400 names a selected version")
			}
			r = e.do("GET", path, "ghp_nope", "X-GitHub-Api-Version: 1999-01-01")
			if r.status != 401 {
				t.Errorf("unsupported version with a bad token: %d, want 401", r.status)
			}
		})

		t.Run("headers", func(t *testing.T) {
			r := e.do("GET", path, owner)
			for k, want := range map[string]string{
				"X-OAuth-Scopes":                "read:org",
				"X-Accepted-OAuth-Scopes":       "manage_billing:copilot, read:org",
				"X-Accepted-GitHub-Permissions": "", // only to fine-grained and installation tokens
				"X-GitHub-Media-Type":           "github.v3; format=json",
				"Cache-Control":                 "private, max-age=60, s-maxage=60",
				"X-RateLimit-Limit":             "5000",
				"X-RateLimit-Resource":          "core",
			} {
				if got := r.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if id := r.header.Get("X-GitHub-Request-Id"); strings.Count(id, ":") != 4 {
				t.Errorf("request id %q", id)
			}
			if r.header.Get("X-GitHub-Request-Id") == e.do("GET", path, owner).header.Get("X-GitHub-Request-Id") {
				t.Error("request ids repeat")
			}
			if r := e.do("GET", path, "ghp_owner_repo"); r.header.Get("X-Accepted-OAuth-Scopes") != "manage_billing:copilot, read:org" {
				t.Errorf("404 for a missing scope names no accepted scopes: %v", r.header)
			}
			if r := e.do("GET", path, "github_pat_owner_seats"); r.header.Get("X-Accepted-GitHub-Permissions") !=
				"organization_copilot_seat_management=read; organization_administration=read" {
				t.Errorf("a fine-grained token is not told the accepted permissions: %v", r.header)
			}
		})

		t.Run("rate limit counts per token", func(t *testing.T) {
			first := e.do("GET", path, "gho_owner_billing")
			second := e.do("GET", path, "gho_owner_billing")
			a, b := first.header.Get("X-RateLimit-Remaining"), second.header.Get("X-RateLimit-Remaining")
			if a == "" || a == b || first.header.Get("X-RateLimit-Used") != "1" || second.header.Get("X-RateLimit-Used") != "2" {
				t.Errorf("remaining %s then %s, used %s then %s", a, b, first.header.Get("X-RateLimit-Used"), second.header.Get("X-RateLimit-Used"))
			}
		})

		t.Run("conditional requests", func(t *testing.T) {
			r := e.do("GET", path, "ghp_owner_copilot")
			etag := r.header.Get("ETag")
			if !strings.HasPrefix(etag, `W/"`) {
				t.Fatalf("ETag %q", etag)
			}
			used := r.header.Get("X-RateLimit-Used")
			nm := e.do("GET", path, "ghp_owner_copilot", "If-None-Match: "+etag)
			if nm.status != http.StatusNotModified || len(nm.body) != 0 || nm.header.Get("ETag") != etag {
				t.Errorf("If-None-Match: %d %q", nm.status, nm.body)
			}
			if nm.header.Get("X-RateLimit-Used") != used {
				t.Errorf("a 304 counted against the rate limit: used %s then %s", used, nm.header.Get("X-RateLimit-Used"))
			}
			if r := e.do("GET", path, "ghp_owner_copilot", `If-None-Match: W/"other"`); r.status != 200 {
				t.Errorf("stale ETag: %d", r.status)
			}
		})

		t.Run("unknown routes answer GitHub's JSON 404", func(t *testing.T) {
			for _, c := range []struct{ method, path string }{
				{"GET", "/nope"},
				{"GET", path + "/"},
				{"POST", path},
				{"DELETE", path},
				{"PUT", "/orgs/github/members/octocat"},
			} {
				r := e.do(c.method, c.path, owner)
				var be basicError
				json.Unmarshal(r.body, &be)
				if r.status != 404 || be.Message != "Not Found" || be.Status != "404" || be.DocumentationURL != "https://docs.github.com/rest" {
					t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
				}
			}
		})

		t.Run("HEAD", func(t *testing.T) {
			if r := e.do("HEAD", path, owner); r.status != 200 || len(r.body) != 0 {
				t.Errorf("HEAD: %d %q", r.status, r.body)
			}
		})
	})
}

func basic(user, pass string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// TestInternalError checks that a failure inside the service answers a
// basic-error 500 carrying the request id, and nothing more.
func TestInternalError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, scenarioNow, scenario)
		st.Close()
		r := e.do("GET", "/orgs/github/members/octocat/copilot", "ghp_owner_readorg")
		be := decodeAs[basicError](t, r)
		rid := r.header.Get("X-GitHub-Request-Id")
		if r.status != 500 || be.Status != "500" || rid == "" || !strings.Contains(be.Message, rid) || strings.Contains(be.Message, "sql") {
			t.Errorf("%d %s (request id %s)", r.status, r.body, rid)
		}
	})
}
