package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// fuzzTarget is one API over the manage scenario and its store.
type fuzzTarget struct {
	api   http.Handler
	store *store.Store
}

// fuzzTargets returns a fuzzTarget for each store: SQLite, and PostgreSQL
// when storetest.EnvURL names a server (PostgreSQL refuses text SQLite
// keeps: a NUL byte, invalid UTF-8). A fuzz run's inputs share them;
// writes that fuzzing manages to make only change seats, which no
// invariant below depends on.
func fuzzTargets(f *testing.F) []fuzzTarget {
	dialects := []store.Dialect{store.SQLite}
	if os.Getenv(storetest.EnvURL) != "" {
		dialects = append(dialects, store.Postgres)
	}
	var out []fuzzTarget
	for _, d := range dialects {
		st := storetest.Open(f, d)
		clk := &clock.Clock{}
		clk.Set(manageNow)
		doc, err := seed.Parse([]byte(manageScenario))
		if err != nil {
			f.Fatal(err)
		}
		doc.AllowWeakTokens = true // tests give short literal tokens
		if err := doc.Load(context.Background(), st, clk.Now()); err != nil {
			f.Fatal(err)
		}
		if _, err := bootstrap.Admin(context.Background(), st, adminToken, clk.Now()); err != nil {
			f.Fatal(err)
		}
		api := newServer(serverConfig{Config: httpapi.Config{BaseURL: "http://seatkeeper.test", RateLimit: 1 << 30, RateLimitUnauthenticated: 1 << 30}}, st, clk)
		out = append(out, fuzzTarget{api, st})
	}
	return out
}

// checkAnswer asserts what must hold for any input: no 5xx; errors are
// basic-errors with GitHub's content type; JSON successes are valid JSON.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if rec.Code == http.StatusNotModified || rec.Body.Len() == 0 {
		return
	}
	ct := rec.Header().Get("Content-Type")
	if rec.Code < 400 {
		// Successes are JSON, except an export asked for as YAML.
		if ct == "application/json; charset=utf-8" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("body is not JSON: %q", rec.Body)
		}
		return
	}
	if ct != "application/json; charset=utf-8" {
		t.Fatalf("error with Content-Type %q", ct)
	}
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v["message"] == nil || v["status"] == nil {
		t.Fatalf("error is not a basic-error: %q", rec.Body)
	}
}

// writeRoutes are the routes that read a request body, each with a token
// that may call it, so fuzzed bodies reach the decoding and validation.
var writeRoutes = []struct{ method, path, token string }{
	{"POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing"},
	{"DELETE", "/orgs/acme/copilot/billing/selected_users", "ghp_billing"},
	{"POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing"},
	{"DELETE", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing"},
	{"PUT", "/orgs/acme/memberships/ann", "ghp_adminorg"},
	{"POST", "/orgs/acme/teams", "ghp_adminorg"},
	{"PATCH", "/orgs/acme/teams/platform", "ghp_adminorg"},
	{"PUT", "/orgs/acme/teams/platform/memberships/ann", "ghp_adminorg"},
	{"POST", "/admin/users", adminToken},
	{"POST", "/admin/organizations", adminToken},
	{"POST", "/admin/users/ann/authorizations", adminToken},
	{"PUT", "/_seatkeeper/orgs/acme/copilot", adminToken},
	{"PUT", "/_seatkeeper/orgs/acme/memberships/dan", adminToken},
	{"POST", "/_seatkeeper/orgs/acme/members/ann/copilot/activity", adminToken},
	{"POST", "/_seatkeeper/tokens", adminToken},
	{"POST", "/_seatkeeper/seed", adminToken},
}

// serveFuzz serves req and checks the answer (checkAnswer), and that the
// stored state is unchanged after a refused request, or after any request
// when readOnly: no partial write.
func serveFuzz(t *testing.T, ft fuzzTarget, req *http.Request, readOnly bool) *httptest.ResponseRecorder {
	t.Helper()
	before := storetest.Take(t, ft.store)
	rec := httptest.NewRecorder()
	ft.api.ServeHTTP(rec, req)
	if readOnly || rec.Code >= 400 {
		storetest.Unchanged(t, ft.store, before, fmt.Sprintf("%s %s answered %d on %s", req.Method, req.URL, rec.Code, ft.store.Dialect()))
	}
	return rec
}

// nulBodies holds, for routes of writeRoutes, a body naming something
// with a NUL byte.
var nulBodies = map[string]string{
	"/orgs/acme/copilot/billing/selected_users":           `{"selected_usernames":["ann\u0000"]}`,
	"/orgs/acme/copilot/billing/selected_teams":           `{"selected_teams":["plat\u0000form"]}`,
	"/orgs/acme/memberships/ann":                          `{"role":"member\u0000"}`,
	"/orgs/acme/teams":                                    `{"name":"new\u0000team"}`,
	"/orgs/acme/teams/platform":                           `{"name":"re\u0000named","description":"\u0000"}`,
	"/orgs/acme/teams/platform/memberships/ann":           `{"role":"maintainer\u0000"}`,
	"/admin/users":                                        `{"login":"nul\u0000user","email":"a\u0000@b"}`,
	"/admin/organizations":                                `{"login":"nul\u0000org","admin":"ann","profile_name":"\u0000"}`,
	"/admin/users/ann/authorizations":                     `{"scopes":["read:org\u0000"]}`,
	"/_seatkeeper/orgs/acme/copilot":                      `{"plan_type":"business","seat_management_setting":"assign_selected\u0000"}`,
	"/_seatkeeper/orgs/acme/memberships/dan":              `{"role":"member","state":"active\u0000"}`,
	"/_seatkeeper/orgs/acme/members/ann/copilot/activity": `{"editor":"vscode\u0000/1.0"}`,
	"/_seatkeeper/tokens":                                 `{"kind":"classic","user":"ann","scopes":["read:org"],"note":"n\u0000te"}`,
	"/_seatkeeper/seed":                                   "users: [{login: \"nul\\0user\"}]\n",
}

// FuzzWriteBody sends arbitrary bodies to every route that reads one. The
// corpus in testdata/fuzz/FuzzWriteBody starts it with a valid body for
// each. (Faults are left out: a fuzzed fault may rightly answer 5xx later.)
// A refused body leaves the stored state as it was.
func FuzzWriteBody(f *testing.F) {
	for _, s := range []string{
		`{"selected_usernames":["ann"]}`, `{"selected_teams":["platform"]}`, `{"selected_usernames":[]}`,
		`{"selected_usernames":[1,null,{}]}`, `[]`, `null`, `"x"`, `{`, ``, `{"selected_usernames":"ann"}`,
		`{"selected_usernames":["` + strings.Repeat("a", 300) + `"]}`, "\x00\xff",
	} {
		f.Add(s, uint8(0))
	}
	// A late item that fails, on each Copilot write (routes 0-3).
	f.Add(`{"selected_usernames":["ann","stranger"]}`, uint8(0))
	f.Add(`{"selected_usernames":["ann","stranger"]}`, uint8(1))
	f.Add(`{"selected_teams":["platform","Empty Team"]}`, uint8(2))
	f.Add(`{"selected_teams":["platform","nope"]}`, uint8(3))
	// Text PostgreSQL cannot hold (issue 16): a NUL byte in a name, a
	// note, an editor, a seed.
	for i, rt := range writeRoutes {
		f.Add(nulBodies[rt.path], uint8(i))
	}
	targets := fuzzTargets(f)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		rt := writeRoutes[int(which)%len(writeRoutes)]
		for _, ft := range targets {
			req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+rt.token)
			checkAnswer(t, serveFuzz(t, ft, req, false))
		}
	})
}

// FuzzRequestLine sends arbitrary paths, queries and headers to GET, which
// never changes the stored state.
func FuzzRequestLine(f *testing.F) {
	for _, s := range []struct{ path, auth, version, inm string }{
		{"/orgs/acme/members/ann/copilot", "Bearer ghp_billing", "", ""},
		{"/orgs/acme/copilot/billing/seats?page=2&per_page=1", "token ghp_readorg", "2026-03-10", "*"},
		{"/organizations/-1/copilot/billing/seats?page=99999999999999999999", "Basic Z2hwX2JpbGxpbmc6", "1999-01-01", `W/"x"`},
		{"/api/v3/enterprises/%00/copilot/billing/seats", "Bearer", "", ""},
		{"/orgs/../../etc/passwd", "Digest x", "x", ""},
		{"/orgs/a%00", "", "", ""}, {"/users/a%00b", "", "", ""}, {"/orgs/acme/members/a%00/copilot", "Bearer ghp_billing", "", ""},
		{"/orgs/acme/teams/%FF", "Bearer ghp_adminorg", "", ""}, {"/enterprises/%00", "", "", ""},
	} {
		f.Add(s.path, s.auth, s.version, s.inm)
	}
	targets := fuzzTargets(f)
	f.Fuzz(func(t *testing.T, path, authz, version, inm string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return // not a request line a client could send
		}
		for _, ft := range targets {
			req, err := http.NewRequest("GET", "http://seatkeeper.test"+path, nil)
			if err != nil {
				return
			}
			for k, v := range map[string]string{"Authorization": authz, "X-GitHub-Api-Version": version, "If-None-Match": inm} {
				if v != "" && !strings.ContainsAny(v, "\r\n") {
					req.Header.Set(k, v)
				}
			}
			rec := serveFuzz(t, ft, req, true)
			if strings.TrimPrefix(req.URL.Path, "/api/v3") == "/metrics" && rec.Code == http.StatusOK {
				continue // Prometheus's text format, not JSON
			}
			checkAnswer(t, rec)
		}
	})
}
