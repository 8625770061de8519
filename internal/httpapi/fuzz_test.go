package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// fuzzServer is one API over the manage scenario, shared by a fuzz run's
// inputs; writes that fuzzing manages to make only change seats, which no
// invariant below depends on.
var (
	fuzzOnce  sync.Once
	fuzzAPI   http.Handler
	fuzzStore *store.Store
)

func fuzzHandler(t testing.TB) http.Handler {
	fuzzOnce.Do(func() {
		st, err := store.Open(context.Background(), ":memory:", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock.Clock{}
		clk.Set(manageNow)
		doc, err := seed.Parse([]byte(manageScenario))
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Load(context.Background(), st, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := bootstrap.Admin(context.Background(), st, adminToken, clk.Now()); err != nil {
			t.Fatal(err)
		}
		fuzzStore = st
		fuzzAPI = newServer(serverConfig{Config: httpapi.Config{BaseURL: "http://seatkeeper.test", RateLimit: 1 << 30, RateLimitUnauthenticated: 1 << 30}}, st, clk)
	})
	return fuzzAPI
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
func serveFuzz(t *testing.T, req *http.Request, readOnly bool) *httptest.ResponseRecorder {
	t.Helper()
	h := fuzzHandler(t)
	before := storetest.Take(t, fuzzStore)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if readOnly || rec.Code >= 400 {
		storetest.Unchanged(t, fuzzStore, before, fmt.Sprintf("%s %s answered %d", req.Method, req.URL, rec.Code))
	}
	return rec
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
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		rt := writeRoutes[int(which)%len(writeRoutes)]
		req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+rt.token)
		checkAnswer(t, serveFuzz(t, req, false))
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
	} {
		f.Add(s.path, s.auth, s.version, s.inm)
	}
	f.Fuzz(func(t *testing.T, path, authz, version, inm string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") {
			return // not a request line a client could send
		}
		req, err := http.NewRequest("GET", "http://seatkeeper.test"+path, nil)
		if err != nil {
			return
		}
		for k, v := range map[string]string{"Authorization": authz, "X-GitHub-Api-Version": version, "If-None-Match": inm} {
			if v != "" && !strings.ContainsAny(v, "\r\n") {
				req.Header.Set(k, v)
			}
		}
		rec := serveFuzz(t, req, true)
		if strings.TrimPrefix(req.URL.Path, "/api/v3") == "/metrics" && rec.Code == http.StatusOK {
			return // Prometheus's text format, not JSON
		}
		checkAnswer(t, rec)
	})
}
