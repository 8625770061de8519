package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/journal"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestJournalEntries(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	r := e.do("GET", "/api/v3"+seatsPath+"?per_page=1&access_token=hunter2", "ghp_billing")
	e.do("GET", "/healthz", "")                      // not journaled: operations
	e.do("GET", "/_seatkeeper/requests", adminToken) // not journaled: the journal itself
	e.do("GET", seatsPath, "ghp_unknown")            // 401, before routing
	e.do("GET", "/nope", "")                         // unknown route
	e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann"))

	got := e.requests("")
	if len(got) != 4 {
		t.Fatalf("%d entries: %v", len(got), got)
	}
	post, unknown, unauth, seats := got[0], got[1], got[2], got[3]
	for k, want := range map[string]any{
		"method": "GET", "path": "/api/v3" + seatsPath, "query": "per_page=1&access_token=[REDACTED]", "status": 200.0,
		"request_id": r.header.Get("X-GitHub-Request-Id"), "token_kind": "classic", "actor": "owner",
		"route": "GET /orgs/{org}/copilot/billing/seats", "body": nil, "body_truncated": false, "fault": nil,
	} {
		if seats[k] != want {
			t.Errorf("seats entry %s = %v, want %v", k, seats[k], want)
		}
	}
	if d, ok := seats["duration_ms"].(float64); !ok || d <= 0 {
		t.Errorf("duration_ms: %v", seats["duration_ms"])
	}
	if unauth["status"] != 401.0 || unauth["token_kind"] != nil || unauth["actor"] != nil || unauth["route"] != "GET /orgs/{org}/copilot/billing/seats" {
		t.Errorf("401 entry: %v", unauth)
	}
	if unknown["status"] != 404.0 || unknown["route"] != nil {
		t.Errorf("404 entry: %v", unknown)
	}
	if post["status"] != 201.0 || post["body"] != `{"selected_usernames":["ann"]}` {
		t.Errorf("write entry: %v", post)
	}
	// Ids number entries oldest first.
	for i := 0; i+1 < len(got); i++ {
		if got[i]["id"].(float64) <= got[i+1]["id"].(float64) {
			t.Errorf("not newest first: %v then %v", got[i]["id"], got[i+1]["id"])
		}
	}
	// The Authorization header is never kept.
	body := string(e.want("GET", "/_seatkeeper/requests", adminToken, "", 200))
	for _, secret := range []string{"ghp_billing", "ghp_unknown", adminToken, "Bearer", "hunter2"} {
		if strings.Contains(body, secret) {
			t.Errorf("the journal shows %q", secret)
		}
	}
	e.want("DELETE", "/_seatkeeper/requests", adminToken, "", 204)
	// Empty: the DELETE went to the journal itself, not journaled either.
	if got := e.requests(""); len(got) != 0 {
		t.Errorf("after clearing: %v", got)
	}
}

func TestJournalFilters(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{Config: httpapi.Config{JournalSize: 8}})
	e.fault(`{"match": {"path": "/orgs/acme/copilot/billing"}, "effect": {"status": 503}, "times": 1}`)
	e.do("GET", "/orgs/acme/copilot/billing", "ghp_billing")                                     // 503
	e.do("GET", "/orgs/acme/copilot/billing", "ghp_billing")                                     // 200
	e.do("GET", "/orgs/everyone/copilot/billing", "ghp_billing")                                 // 200
	e.do("GET", "/api/v3/orgs/acme/copilot/billing", "ghp_billing")                              // 200
	e.doBody("DELETE", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann")) // 200
	e.do("GET", "/users/ann", "")                                                                // 200

	count := func(q string) int { return len(e.requests(q)) }
	for q, want := range map[string]int{
		"":              7, // the POST that made the fault too
		"method=get":    5,
		"method=DELETE": 1,
		"status=503":    1,
		"status=200":    5,
		"path=" + url.QueryEscape("/orgs/{org}/copilot/billing"):        4,
		"path=" + url.QueryEscape("/api/v3/orgs/{org}/copilot/billing"): 4,
		"path=/orgs/acme/copilot/billing":                               3,
		"path=/orgs/acme/copilot/billing&status=200":                    2,
		"path=" + url.QueryEscape("/orgs/{org}/copilot/billing/{x}"):    1,
		"path=" + url.QueryEscape("/_seatkeeper/faults"):                1,
		"limit=2":    2,
		"limit=1000": 7,
	} {
		if got := count(q); got != want {
			t.Errorf("?%s: %d entries, want %d", q, got, want)
		}
	}
	newest := e.requests("limit=1")
	if newest[0]["path"] != "/users/ann" {
		t.Errorf("newest: %v", newest[0])
	}
	faulted := e.requests("status=503")
	if faulted[0]["fault"] != 1.0 {
		t.Errorf("the faulted entry: %v", faulted[0])
	}
	// The ring keeps the last 8.
	for range 10 {
		e.do("GET", "/users/ann", "")
	}
	if got := e.requests("limit=1000"); len(got) != 8 || got[7]["path"] != "/users/ann" {
		t.Errorf("a full ring: %d entries", len(got))
	}
	for q, want := range map[string]string{
		"limit=0":    `limit: "0" is not a positive integer`,
		"limit=x":    `limit: "x" is not a positive integer`,
		"status=abc": `status: "abc" is not an HTTP status`,
		"path=orgs":  `path: "orgs" must start with /`,
		"sort=asc":   `unknown parameter "sort": this route takes limit, method, path, status`,
	} {
		if m := message(t, e.want("GET", "/_seatkeeper/requests?"+q, adminToken, "", 422)); m != want {
			t.Errorf("?%s: %q, want %q", q, m, want)
		}
	}
	e.want("GET", "/_seatkeeper/requests", "ghp_billing", "", 403)
	e.want("DELETE", "/_seatkeeper/requests", "", "", 401)
}

func TestJournalRedactsSecrets(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	const seedDoc = `
users: [{login: zed}]
tokens:
  - {token: ghp_seedLiteralTokenForJournal01, user: zed, scopes: [read:org]}
  - token: a-plain-literal-nobody-could-guess
    kind: classic
    user: zed
    scopes: [read:org]
`
	e.want("POST", "/_seatkeeper/seed", adminToken, seedDoc, 201)
	e.want("POST", "/_seatkeeper/seed", adminToken,
		`{"users": [{"login": "yan"}], "tokens": [{"token": "json-literal-secret", "kind": "classic", "user": "yan", "scopes": ["read:org"]}]}`, 201)
	e.want("POST", "/_seatkeeper/tokens", adminToken, `{"kind": "classic", "user": "zed", "scopes": ["read:org"], "note": "uses ghp_inANote00000001"}`, 201)
	got := e.requests("path=/_seatkeeper/seed")
	if len(got) != 2 {
		t.Fatalf("%d entries", len(got))
	}
	body := string(e.want("GET", "/_seatkeeper/requests", adminToken, "", 200))
	for _, secret := range []string{"ghp_seedLiteralTokenForJournal01", "a-plain-literal-nobody-could-guess", "json-literal-secret", "ghp_inANote00000001", adminToken} {
		if strings.Contains(body, secret) {
			t.Errorf("the journal shows %q", secret)
		}
	}
	yaml, json := got[1]["body"].(string), got[0]["body"].(string)
	if strings.Count(yaml, "[REDACTED]") != 2 || !strings.Contains(yaml, "login: zed") {
		t.Errorf("the YAML seed: %s", yaml)
	}
	if json != `{"users":[{"login":"yan"}],"tokens":[{"token":"[REDACTED]","kind":"classic","user":"yan","scopes":["read:org"]}]}` {
		t.Errorf("the JSON seed: %s", json)
	}
	// A body past 64 KiB is cut, and redacted all the same.
	big := `{"selected_usernames": ["ann"], "token": "` + strings.Repeat("s", 70<<10) + `"}`
	e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", big)
	entry := e.requests("method=POST&limit=1")[0]
	if entry["body_truncated"] != true || len(entry["body"].(string)) > 64<<10 || strings.Contains(entry["body"].(string), "sss") {
		t.Errorf("a big body: truncated %v, %d bytes", entry["body_truncated"], len(entry["body"].(string)))
	}
}

func TestJournalOff(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{Config: httpapi.Config{JournalSize: -1}})
	e.do("GET", "/users/ann", "")
	if got := e.requests(""); len(got) != 0 {
		t.Errorf("a journal that is off: %v", got)
	}
	e.want("DELETE", "/_seatkeeper/requests", adminToken, "", 204)
	// Faults work without it.
	e.fault(`{"effect": {"status": 502}, "times": 1}`)
	if got := e.statuses("GET", "/users/ann", "", "", 2); got != fmt.Sprint("502 200") {
		t.Errorf("faults without a journal: %s", got)
	}
}

// TestJournalCutsLongRequests: a request with a long path and query, even
// with a made-up token, is kept cut at journal.MaxField (issue 16: 1 MB
// queries held in full took the server to 1.95 GB).
func TestJournalCutsLongRequests(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	long := strings.Repeat("a", 100<<10)
	e.do("GET", "/orgs/"+long+"?q="+long, "ghp_madeUp")
	got := e.requests("")
	if len(got) != 1 {
		t.Fatalf("%d entries", len(got))
	}
	path, query := got[0]["path"].(string), got[0]["query"].(string)
	if len(path) > journal.MaxField || len(query) > journal.MaxField || !strings.HasPrefix(path, "/orgs/aaa") || !strings.HasPrefix(query, "q=aaa") {
		t.Errorf("kept a path of %d bytes and a query of %d bytes, at most %d each", len(path), len(query), journal.MaxField)
	}
}
