package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// faultEnv is the manage scenario with the bootstrap administrator.
func faultEnv(t *testing.T, st *store.Store, cfg serverConfig) *env {
	t.Helper()
	return newControlEnv(t, st, manageNow, manageScenario, cfg)
}

// fault creates a fault and returns it.
func (e *env) fault(body string) map[string]any {
	e.t.Helper()
	return e.json("POST", "/_seatkeeper/faults", adminToken, body, 201)
}

// list GETs a JSON array.
func (e *env) list(path string) []map[string]any {
	e.t.Helper()
	body := e.want("GET", path, adminToken, "", 200)
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	return out
}

// statuses sends n requests and returns their statuses.
func (e *env) statuses(method, path, token, body string, n int) string {
	e.t.Helper()
	var out []string
	for range n {
		out = append(out, fmt.Sprint(e.doBody(method, path, token, body).status))
	}
	return strings.Join(out, " ")
}

const seatsPath = "/orgs/acme/copilot/billing/seats"

func TestFaultTimesOnATemplate(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	f := e.fault(`{"match": {"method": "GET", "path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 502}, "times": 2}`)
	if f["id"] == nil || f["fired"].(float64) != 0 || f["remaining"].(float64) != 2 || f["state"] != "active" {
		t.Fatalf("created: %v", f)
	}
	r := e.do("GET", seatsPath, "ghp_billing")
	var be basicError
	json.Unmarshal(r.body, &be)
	if r.status != 502 || be.Message != "Server Error" || be.Status != "502" || r.header.Get("X-GitHub-Request-Id") == "" {
		t.Fatalf("first: %d %s", r.status, r.body)
	}
	// The same template matches under /api/v3 and for any org.
	if got := e.statuses("GET", "/api/v3/orgs/everyone/copilot/billing/seats", "ghp_billing", "", 2); got != "502 200" {
		t.Errorf("then: %s, want 502 200", got)
	}
	list := e.list("/_seatkeeper/faults")
	if len(list) != 1 || list[0]["fired"].(float64) != 2 || list[0]["remaining"].(float64) != 0 || list[0]["state"] != "spent" {
		t.Errorf("listed: %v", list)
	}
	// Other routes were never faulted.
	if r := e.do("GET", "/orgs/acme/copilot/billing", "ghp_billing"); r.status != 200 {
		t.Errorf("another route: %d", r.status)
	}
}

func TestFaultMatching(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	type check struct {
		method, path, token string
		status              int
	}
	for _, c := range []struct {
		name   string
		fault  string
		checks []check
	}{
		{"a literal path", `{"match": {"path": "/orgs/acme/copilot/billing/seats"}, "effect": {"status": 503}}`, []check{
			{"GET", seatsPath, "ghp_billing", 503},
			{"GET", "/orgs/ACME/copilot/billing/seats", "ghp_billing", 503},
			{"GET", "/orgs/everyone/copilot/billing/seats", "ghp_billing", 200},
			{"GET", "/orgs/acme/copilot/billing", "ghp_billing", 200},
		}},
		{"a method", `{"match": {"method": "post"}, "effect": {"status": 500}}`, []check{
			{"GET", seatsPath, "ghp_billing", 200},
			{"POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", 500},
		}},
		{"a token prefix", `{"match": {"token_prefix": "github_pat_"}, "effect": {"status": 504}}`, []check{
			{"GET", seatsPath, "ghp_billing", 200},
			{"GET", seatsPath, "github_pat_read", 504},
			{"GET", "/users/ann", "", 200},
		}},
		{"an empty match", `{"effect": {"status": 503}}`, []check{
			{"GET", seatsPath, "ghp_billing", 503},
			{"GET", "/users/ann", "", 503},
			// Never the control API (so the fault can be removed), the
			// operations routes, unknown routes, or credentials that fail.
			{"GET", "/_seatkeeper/faults", adminToken, 200},
			{"GET", "/api/v3/_seatkeeper/clock", adminToken, 200},
			{"GET", "/healthz", "", 200},
			{"GET", "/metrics", adminToken, 200},
			{"GET", "/nope", "ghp_billing", 404},
			{"GET", seatsPath + "/", "ghp_billing", 404},
			{"GET", seatsPath, "ghp_unknown", 401},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			e.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
			e.fault(c.fault)
			for _, ch := range c.checks {
				body := ""
				if ch.method == "POST" {
					body = users("ann")
				}
				if r := e.doBody(ch.method, ch.path, ch.token, body); r.status != ch.status {
					t.Errorf("%s %s (%s): %d, want %d: %s", ch.method, ch.path, ch.token, r.status, ch.status, r.body)
				}
			}
		})
	}
	e.t = t
	// The oldest live fault that fires wins.
	e.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
	first := e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 502}, "times": 1}`)
	second := e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 503}, "times": 1}`)
	if got := e.statuses("GET", seatsPath, "ghp_billing", "", 3); got != "502 503 200" {
		t.Errorf("two faults: %s", got)
	}
	e.want("DELETE", fmt.Sprintf("/_seatkeeper/faults/%v", first["id"]), adminToken, "", 204)
	e.want("DELETE", fmt.Sprintf("/_seatkeeper/faults/%v", first["id"]), adminToken, "", 404)
	e.want("DELETE", "/_seatkeeper/faults/nope", adminToken, "", 404)
	if list := e.list("/_seatkeeper/faults"); len(list) != 1 || list[0]["id"] != second["id"] {
		t.Errorf("after deleting one: %v", list)
	}
}

func TestFaultedWriteChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := faultEnv(t, st, serverConfig{})
		const path = "/orgs/acme/copilot/billing/selected_users"
		e.fault(`{"match": {"method": "POST", "path": "/orgs/{org}/copilot/billing/selected_users"}, "effect": {"status": 500}, "times": 1}`)
		r := e.doBody("POST", path, "ghp_billing", users("ann", "dan"))
		var be basicError
		json.Unmarshal(r.body, &be)
		if rid := r.header.Get("X-GitHub-Request-Id"); r.status != 500 || !strings.Contains(be.Message, rid) {
			t.Fatalf("faulted: %d %s", r.status, r.body)
		}
		if got := e.logins("acme"); got != "" {
			t.Fatalf("a faulted write changed the seats: %q", got)
		}
		// A dropped connection changes nothing either.
		e.fault(`{"match": {"method": "POST"}, "effect": {"drop_connection": true}, "times": 1}`)
		req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(users("ann")))
		req.Header.Set("Authorization", "Bearer ghp_billing")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("dropped: got %d", resp.StatusCode)
		}
		if got := e.logins("acme"); got != "" {
			t.Fatalf("a dropped write changed the seats: %q", got)
		}
		// Spent: the same write goes through.
		if v := e.json("POST", path, "ghp_billing", users("ann", "dan"), 201); v["seats_created"].(float64) != 2 {
			t.Errorf("after: %v", v)
		}
		if got := e.logins("acme"); got != "ann dan" {
			t.Errorf("seats: %q", got)
		}
	})
}

// firingPattern sends n requests and marks each faulted (X) or not (.).
func (e *env) firingPattern(n int) string {
	e.t.Helper()
	var b strings.Builder
	for range n {
		switch r := e.do("GET", seatsPath, "ghp_billing"); r.status {
		case 503:
			b.WriteByte('X')
		case 200:
			b.WriteByte('.')
		default:
			e.t.Fatalf("status %d", r.status)
		}
	}
	return b.String()
}

func TestFaultProbabilityWithASeed(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	const fault = `{"match": {"path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 503}, "probability": 0.4, "seed": %d}`
	e.fault(fmt.Sprintf(fault, 2026))
	a := e.firingPattern(50)
	e.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
	e.fault(fmt.Sprintf(fault, 2026))
	b := e.firingPattern(50)
	if a != b {
		t.Errorf("the same seed fired differently:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "X"); n < 8 || n > 32 {
		t.Errorf("p=0.4 fired %d of 50: %s", n, a)
	}
	list := e.list("/_seatkeeper/faults")
	if list[0]["fired"].(float64) != float64(strings.Count(b, "X")) || list[0]["seed"].(float64) != 2026 || list[0]["probability"].(float64) != 0.4 {
		t.Errorf("listed: %v", list[0])
	}
	e.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
	e.fault(fmt.Sprintf(fault, 7))
	if c := e.firingPattern(50); c == a {
		t.Errorf("seeds 2026 and 7 fired alike: %s", c)
	}
	// Without a seed, one is chosen and shown, to repeat the run.
	f := e.fault(`{"effect": {"status": 503}, "probability": 0.5}`)
	if _, ok := f["seed"].(float64); !ok {
		t.Errorf("no seed shown: %v", f)
	}
}

func TestFaultExpiresOnTheServiceClock(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	f := e.fault(`{"effect": {"status": 503}, "expires_at": "2026-03-20T13:00:00+01:00"}`) // manageNow + 0
	if f["expires_at"] != "2026-03-20T12:00:00Z" {
		t.Errorf("expires_at: %v", f["expires_at"])
	}
	if r := e.do("GET", seatsPath, "ghp_billing"); r.status != 200 {
		t.Errorf("at its expiry: %d", r.status)
	}
	e.clock.Set(manageNow.Add(-time.Minute))
	if r := e.do("GET", seatsPath, "ghp_billing"); r.status != 503 {
		t.Errorf("before its expiry: %d", r.status)
	}
	e.clock.Set(manageNow.Add(time.Hour))
	if r := e.do("GET", seatsPath, "ghp_billing"); r.status != 200 {
		t.Errorf("after its expiry: %d", r.status)
	}
	if list := e.list("/_seatkeeper/faults"); list[0]["state"] != "expired" || list[0]["fired"].(float64) != 1 {
		t.Errorf("listed: %v", list[0])
	}
}

func TestFaultBodiesAndHeaders(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	e.fault(`{"match": {"path": "/users/{username}"}, "effect": {"status": 503, "body": {"message": "Down for maintenance", "status": "503"},
		"headers": {"Retry-After": "2", "X-Custom": "yes"}}, "times": 1}`)
	r := e.do("GET", "/users/ann", "")
	if r.status != 503 || r.header.Get("Retry-After") != "2" || r.header.Get("X-Custom") != "yes" ||
		strings.TrimSpace(string(r.body)) != `{"message":"Down for maintenance","status":"503"}` {
		t.Errorf("custom: %d %v %s", r.status, r.header, r.body)
	}
	// The default body of each status, as GitHub words it.
	for status, message := range map[int]string{
		500: "Internal Server Error. If you reach out for help, please include the request ID ",
		502: "Server Error", 503: "Service Unavailable", 504: "We couldn't respond to your request in time.",
		404: "Not Found", 418: "I'm a teapot",
	} {
		e.fault(fmt.Sprintf(`{"match": {"path": "/users/{username}"}, "effect": {"status": %d}, "times": 1}`, status))
		r := e.do("GET", "/users/ann", "")
		var be basicError
		json.Unmarshal(r.body, &be)
		if r.status != status || !strings.HasPrefix(be.Message, message) || be.Status != fmt.Sprint(status) ||
			r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%d: %d %s", status, r.status, r.body)
		}
	}
	// A 2xx without a body (GitHub's "is a member" answer, here to
	// anyone); a HEAD without one.
	e.fault(`{"match": {"path": "/orgs/{org}/members/{username}"}, "effect": {"status": 204}, "times": 1}`)
	if r := e.do("GET", "/orgs/acme/members/ann", ""); r.status != 204 || len(r.body) != 0 {
		t.Errorf("204: %d %q", r.status, r.body)
	}
	e.fault(`{"match": {"path": "/users/{username}"}, "effect": {"status": 502}, "times": 1}`)
	if r := e.do("HEAD", "/users/ann", ""); r.status != 502 || len(r.body) != 0 {
		t.Errorf("HEAD: %d %q", r.status, r.body)
	}
	// An HTML error page, as GitHub's load balancers send: a string body
	// under a non-JSON type goes out as text. (Not a GitHub JSON error,
	// so not through the spec check.)
	e.fault(`{"match": {"path": "/users/{username}"}, "effect": {"status": 502, "body": "<html>Unicorn!</html>",
		"headers": {"Content-Type": "text/html; charset=utf-8"}}, "times": 1}`)
	resp, err := http.Get(e.srv.URL + "/users/ann")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || string(html) != "<html>Unicorn!</html>" || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("html: %d %q %s", resp.StatusCode, html, resp.Header.Get("Content-Type"))
	}
	// A faulted answer does not count against the caller's rate limit.
	before := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg").header.Get("X-RateLimit-Used")
	e.fault(`{"match": {"token_prefix": "ghp_readorg"}, "effect": {"status": 502}, "times": 1}`)
	if faulted := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg").header; faulted.Get("X-RateLimit-Used") != "1" ||
		faulted.Get("X-RateLimit-Remaining") == "" || faulted.Get("X-RateLimit-Resource") != "core" {
		t.Errorf("faulted answer's rate headers: used %q remaining %q resource %q, want the state before it (used 1)",
			faulted.Get("X-RateLimit-Used"), faulted.Get("X-RateLimit-Remaining"), faulted.Get("X-RateLimit-Resource"))
	}
	// A fault's own rate-limit headers win over the real ones.
	e.fault(`{"match": {"token_prefix": "ghp_readorg"}, "effect": {"status": 503, "headers": {"X-RateLimit-Remaining": "7"}}, "times": 1}`)
	if got := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg").header.Get("X-RateLimit-Remaining"); got != "7" {
		t.Errorf("a fault's X-RateLimit-Remaining: got %q, want 7", got)
	}
	if after := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg").header.Get("X-RateLimit-Used"); before != "1" || after != "2" {
		t.Errorf("used before %s, after a faulted and a real request %s, want 1 and 2", before, after)
	}
}

func TestFaultRequestValidation(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	for body, want := range map[string]string{
		`{"effect": {"status": 502, "delay_ms": 1}}`:                            "effect: must have exactly one of status, delay_ms, rate_limit, drop_connection (it has 2)",
		`{"effect": {"status": 700}}`:                                           "effect.status: must be from 200 to 599 (a 1xx is not a final answer)",
		`{"effect": {"status": 502}, "times": 2, "probability": 1}`:             "times: a fault has times or probability, not both",
		`{"effect": {"delay_ms": 999999}}`:                                      "effect.delay_ms: must be from 0 to 120000",
		`{"effect": {"status": 502}, "match": {"path": "/_seatkeeper/faults"}}`: `match.path: "/_seatkeeper/faults": faults never fire on /_seatkeeper routes, /healthz, /readyz or /metrics`,
	} {
		if m := message(t, e.want("POST", "/_seatkeeper/faults", adminToken, body, 422)); m != want {
			t.Errorf("%s: %q, want %q", body, m, want)
		}
	}
	if m := message(t, e.want("POST", "/_seatkeeper/faults", adminToken, `[1]`, 400)); m != "Body should be a JSON object" {
		t.Errorf("an array: %q", m)
	}
	for _, tok := range []string{"ghp_billing", "github_pat_write"} {
		e.want("POST", "/_seatkeeper/faults", tok, `{"effect": {"status": 502}}`, 403)
		e.want("GET", "/_seatkeeper/faults", tok, "", 403)
	}
	e.want("DELETE", "/_seatkeeper/faults", "", "", 401)
	if list := e.list("/_seatkeeper/faults"); len(list) != 0 {
		t.Errorf("refused requests made faults: %v", list)
	}
}

// requests reads the journal with the query q.
func (e *env) requests(q string) []map[string]any {
	e.t.Helper()
	return e.list("/_seatkeeper/requests?" + q)
}

// journalStatuses lists the journal's statuses (null as -), newest first.
func journalStatuses(entries []map[string]any) string {
	var out []string
	for _, en := range entries {
		if s, ok := en["status"].(float64); ok {
			out = append(out, fmt.Sprint(s))
		} else {
			out = append(out, "-")
		}
	}
	return strings.Join(out, " ")
}

// TestFaultRecipe is the README's recipe: make the seat list fail twice,
// then succeed, and assert the tool retried.
func TestFaultRecipe(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	f := e.fault(`{"match": {"method": "GET", "path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 502}, "times": 2}`)
	// The tool under test: retries a 5xx up to three times.
	for range 3 {
		if r := e.do("GET", "/api/v3"+seatsPath, "ghp_billing"); r.status == 200 {
			break
		}
	}
	got := e.requests("path=" + url.QueryEscape("/orgs/{org}/copilot/billing/seats"))
	if s := journalStatuses(got); s != "200 502 502" {
		t.Fatalf("journal: %s, want 200 502 502 (newest first)", s)
	}
	if got[0]["fault"] != nil || got[1]["fault"] != f["id"] || got[2]["fault"] != f["id"] {
		t.Errorf("fault ids: %v %v %v", got[0]["fault"], got[1]["fault"], got[2]["fault"])
	}
	if got[1]["route"] != "GET /orgs/{org}/copilot/billing/seats" || got[1]["path"] != "/api/v3"+seatsPath {
		t.Errorf("entry: %v", got[1])
	}
}
