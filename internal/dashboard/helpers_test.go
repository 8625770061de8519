package dashboard

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/metrics"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// testNow is the service clock in the handler tests: billing cycles start
// on the 1st, so the current one is 2026-03-01 to 2026-04-01.
var testNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

// testSeed: acme (Copilot Business, owned by ann) with a seat of every
// kind, idle for various times; other (owned by zed); nocopilot (owned by
// ann, no Copilot); and tokens of every kind and power.
//
//	ann  owner, direct seat, active yesterday             idle 1
//	bob  direct seat, last active 2025-12-01               idle 109
//	cid  seat through the team Web Team, active 03-01      idle 19
//	dee  direct seat granted 2025-11-15, never active      idle 125
//	eve  direct seat pending cancellation on 2026-04-01    idle 69
//	fay  member without a seat
//	gus  invitee with a seat (pending invitation)
//	hal  member whose seat ended on 2025-09-01
const testSeed = `
users:
  - {login: ann}
  - {login: bob}
  - {login: cid}
  - {login: dee, name: Dee Dowling}
  - {login: eve}
  - {login: fay, name: Fay Fisher}
  - {login: gus}
  - {login: hal}
  - {login: zed}
  - {login: root, site_admin: true}
organizations:
  - login: acme
    name: Acme Corp
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members:
      - {login: ann, role: admin}
      - {login: bob}
      - {login: cid}
      - {login: dee}
      - {login: eve}
      - {login: fay}
      - {login: gus, state: pending}
      - {login: hal}
    teams:
      - {name: Web Team, members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}]}
    seats:
      - {user: ann, created_at: "2025-01-10T09:00:00Z"}
      - {user: bob, created_at: "2025-06-01T09:00:00Z"}
      - {team: web-team, created_at: "2025-02-01T00:00:00Z"}
      - {user: dee, created_at: "2025-11-15T12:00:00Z"}
      - {user: eve, created_at: "2025-03-01T09:00:00Z", pending_cancellation_date: "2026-04-01"}
      - {user: gus, created_at: "2026-03-10T09:00:00Z"}
      - {user: hal, created_at: "2025-04-01T09:00:00Z", pending_cancellation_date: "2025-09-01"}
    activity:
      - {user: ann, last_activity_at: "2026-03-19T12:00:00Z", last_activity_editor: vscode/1.99.3/copilot-chat/0.26.7}
      - {user: bob, last_activity_at: "2025-12-01T08:00:00Z", last_activity_editor: JetBrains-IC/2024.1/copilot-intellij/1.5.0}
      - {user: cid, last_activity_at: "2026-03-01T10:00:00Z", last_activity_editor: vim/9.1/copilot.vim/1.40.0}
      - {user: eve, last_activity_at: "2026-01-10T11:00:00Z", last_activity_editor: vscode/1.99.3/copilot-chat/0.26.7}
  - login: other
    copilot: {plan_type: enterprise, seat_management_setting: assign_selected, public_code_suggestions: block, billing_cycle_day: 15}
    members:
      - {login: zed, role: admin}
      - {login: bob}
    seats:
      - {user: bob, created_at: "2025-08-01T00:00:00Z"}
  - login: nocopilot
    members:
      - {login: ann, role: admin}
tokens:
  - {token: ghp_annWrite, kind: classic, user: ann, scopes: [read:org, manage_billing:copilot]}
  - {token: ghp_annRead, kind: classic, user: ann, scopes: [read:org]}
  - {token: ghp_annRepo, kind: classic, user: ann, scopes: [repo]}
  - {token: ghp_annExpired, kind: classic, user: ann, scopes: [manage_billing:copilot], expires_at: "2026-01-01T00:00:00Z"}
  - {token: ghp_annRevocable, kind: classic, user: ann, scopes: [admin:org]}
  - {token: ghp_bobRead, kind: classic, user: bob, scopes: [read:org]}
  - {token: ghp_rootRead, kind: classic, user: root, scopes: [read:org, manage_billing:copilot]}
  - {token: ghp_rootAdmin, kind: classic, user: root, scopes: [read:org, manage_billing:copilot, site_admin]}
  - {token: github_pat_annSeatsRead, kind: fine_grained, user: ann, organization: acme, permissions: {organization_copilot_seat_management: read}}
  - {token: github_pat_annMembersOnly, kind: fine_grained, user: ann, organization: acme, permissions: {members: read}}
  - {token: ghs_acmeApp, kind: installation, organization: acme, permissions: {organization_copilot_seat_management: write}}
`

// env is the dashboard in front of the API on a real store, served over
// real HTTP, with a clock the test may move.
type env struct {
	t     *testing.T
	st    *store.Store
	clock *clock.Clock
	dash  *Dashboard
	srv   *httptest.Server
}

func newEnv(t *testing.T, st *store.Store, doc string) *env {
	t.Helper()
	clk := &clock.Clock{}
	clk.Set(testNow)
	if doc != "" {
		d, err := seed.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("parse seed: %v", err)
		}
		d.AllowWeakTokens = true // tests give short literal tokens
		if err := d.Load(context.Background(), st, clk.Now()); err != nil {
			t.Fatalf("load seed: %v", err)
		}
	}
	reg := metrics.New() // shared, as "seatkeeper serve" shares it
	api := httpapi.New(httpapi.Config{BaseURL: "http://seatkeeper.test", RateLimitUnauthenticated: 10000, Metrics: reg}, st, clk)
	dash := New(Config{Metrics: reg}, st, clk)
	srv := httptest.NewServer(dash.Wrap(api))
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, clock: clk, dash: dash, srv: srv}
}

// browser is a client with its own cookies that does not follow
// redirects, so tests see each response.
type browser struct {
	e    *env
	c    *http.Client
	csrf string // the last CSRF token a page carried
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	status int
	header http.Header
	body   string
}

// location is the redirect target, relative to the server.
func (p response) location() string { return p.header.Get("Location") }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) response {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string, headers ...string) response {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.e.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	return b.do(req)
}

// post sends a form. The CSRF token of the last page is added unless the
// form has one (an empty "csrf" sends none).
func (b *browser) post(path string, form url.Values, headers ...string) response {
	b.e.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	} else if form.Get("csrf") == "" {
		form.Del("csrf")
	}
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	return b.do(req)
}

// signIn signs in with token through the form and expects to land on
// the orgs page.
func (b *browser) signIn(token string) {
	b.e.t.Helper()
	if p := b.get("/ui/signin"); p.status != http.StatusOK {
		b.e.t.Fatalf("sign-in form: %d", p.status)
	}
	p := b.post("/ui/signin", url.Values{"token": {token}, "next": {"/ui/"}})
	if p.status != http.StatusSeeOther || p.location() != "/ui/" {
		b.e.t.Fatalf("sign in with %s: %d %s %s", auth.Hint(token), p.status, p.location(), p.body)
	}
	b.get("/ui/") // picks up the session's CSRF token
}

// signedIn returns a browser signed in with token.
func (e *env) signedIn(token string) *browser {
	e.t.Helper()
	b := e.browser()
	b.signIn(token)
	return b
}

// contains fails the test unless the body has every one of wants.
func (p response) contains(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("page (%d) lacks %q:\n%s", p.status, w, excerpt(p.body))
		}
	}
}

// lacks fails the test if the body has any of unwanted.
func (p response) lacks(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page (%d) has %q", p.status, w)
		}
	}
}

func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

var rowLogin = regexp.MustCompile(`<th scope="row" data-label="Login">([^<\s]+)`)

// logins lists the seats table's rows, in order.
func (p response) logins() []string {
	var out []string
	for _, m := range rowLogin.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

var confirmField = regexp.MustCompile(`name="confirm" value="([0-9a-f]+)"`)

// confirmKey is the key the confirmation page's button carries, or "".
func (p response) confirmKey() string {
	if m := confirmField.FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return ""
}

// confirmed posts an action's form, then presses its confirmation's
// button: the form again with the key the page carries. It returns both
// pages.
func (b *browser) confirmed(path string, form url.Values) (confirmation, done response) {
	b.e.t.Helper()
	confirmation = b.post(path, form)
	key := confirmation.confirmKey()
	if key == "" {
		b.e.t.Fatalf("%s %v: no confirmation button (%d):\n%s", path, form, confirmation.status, excerpt(confirmation.body))
	}
	again := url.Values{}
	for k, v := range form {
		again[k] = v
	}
	again.Del("csrf")
	again.Set("confirm", key)
	return confirmation, b.post(path, again)
}
