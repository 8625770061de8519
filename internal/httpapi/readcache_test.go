package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// cacheScenario: acme's billing cycles start on the 15th and the clock at
// 2026-03-20T12:00:00Z, so a seat cancelled now ends on 2026-04-15.
const cacheScenario = `
users:
  - {login: owner}
  - {login: deputy}
  - {login: ann}
  - {login: bob}
organizations:
  - login: acme
    copilot: {seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 15}
    members:
      - {login: owner, role: admin}
      - {login: deputy, role: admin}
      - {login: ann}
      - {login: bob}
    seats:
      - {user: ann, created_at: "2026-01-05T10:00:00Z"}
      - {user: bob, created_at: "2026-01-06T10:00:00Z"}
tokens:
  - {token: ghp_cacheOwner, user: owner, scopes: [manage_billing:copilot, admin:org]}
  - {token: ghp_cacheDeputy, user: deputy, scopes: [manage_billing:copilot]}
`

var cacheNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

const (
	cacheOwner     = "ghp_cacheOwner"
	cacheDeputy    = "ghp_cacheDeputy"
	cacheCancelled = "2026-04-15" // the next cycle: where a seat cancelled at cacheNow ends
	msgNoSeat      = "No seat found for this user in this organization."
	msgNotMember   = "User does not exist in this organization."
)

// cacheConfigs are the servers the freshness story runs on: with the read
// cache (its default size) and without it.
var cacheConfigs = []struct {
	name    string
	entries int
}{
	{"cache on", 0},
	{"cache off", -1},
}

// cacheHits reads the read cache's hit count from /metrics.
func (e *env) cacheHits() int {
	e.t.Helper()
	body := e.scrape()
	m := regexp.MustCompile(`(?m)^seatkeeper_read_cache_lookups_total\{result="hit"\} (\d+)$`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no read cache hits in /metrics:\n%s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// transcript records what a story's requests answered, so that the same
// story on a server without the cache can be compared answer for answer.
type transcript struct {
	e     *env
	lines []string
}

func (tr *transcript) send(method, path, token, body string, headers ...string) response {
	tr.e.t.Helper()
	r := tr.e.doBody(method, path, token, body, headers...)
	tr.lines = append(tr.lines, fmt.Sprintf("%s %s %s -> %d %s", method, path, body, r.status, strings.TrimSpace(string(r.body))))
	return r
}

// seat reads user's seat in acme as token and checks it: 200 with the
// pending cancellation date given ("" for none), or the status and
// message given.
func (tr *transcript) seat(token, user string, status int, want string, headers ...string) response {
	tr.e.t.Helper()
	r := tr.send("GET", "/orgs/acme/members/"+user+"/copilot", token, "", headers...)
	if r.status != status {
		tr.e.t.Fatalf("seat of %s as %s: %d %s, want %d %q", user, token, r.status, r.body, status, want)
	}
	switch status {
	case 200:
		var v struct {
			Pending  *string `json:"pending_cancellation_date"`
			Assignee struct{ Login string }
		}
		if err := json.Unmarshal(r.body, &v); err != nil {
			tr.e.t.Fatal(err)
		}
		got := ""
		if v.Pending != nil {
			got = *v.Pending
		}
		if got != want || !strings.EqualFold(v.Assignee.Login, user) {
			tr.e.t.Errorf("seat of %s: assignee %s, pending_cancellation_date %q, want %q", user, v.Assignee.Login, got, want)
		}
	case 304:
	default:
		if m := message(tr.e.t, r.body); m != want {
			tr.e.t.Errorf("seat of %s as %s: %d %q, want %q", user, token, r.status, m, want)
		}
	}
	return r
}

func (tr *transcript) wantStatus(method, path, token, body string, status int) response {
	tr.e.t.Helper()
	r := tr.send(method, path, token, body)
	if r.status != status {
		tr.e.t.Fatalf("%s %s %s: %d %s, want %d", method, path, body, r.status, r.body, status)
	}
	return r
}

// freshnessStory reads seats, changes what they depend on through the API,
// and checks that the very next read shows each change.
func freshnessStory(t *testing.T, e *env, cached bool) []string {
	tr := &transcript{e: e}

	// (a) A seat read twice (the second from the cache), cancelled, read
	// pending at once, then assigned again.
	hits := e.cacheHits()
	first := tr.seat(cacheOwner, "ann", 200, "")
	afterFirst := e.cacheHits()
	tr.seat(cacheOwner, "ann", 200, "")
	afterSecond := e.cacheHits()
	if !cached && afterSecond != hits {
		t.Errorf("cache off, yet /metrics counts %d hits", afterSecond-hits)
	}
	if cached && e.st.Dialect() == store.SQLite {
		// Token, org, membership and the seat itself. (On PostgreSQL
		// the data version names the whole cluster, which other test
		// packages write to meanwhile, so a hit is likely, not certain.)
		if got := afterSecond - afterFirst; got < 4 {
			t.Errorf("the second read hit the cache %d times, want at least 4", got)
		}
	}
	tr.wantStatus("DELETE", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("ann"), 200)
	pending := tr.seat(cacheOwner, "ann", 200, cacheCancelled)
	// The old ETag is no longer current; the new one is.
	tr.seat(cacheOwner, "ann", 200, cacheCancelled, "If-None-Match: "+first.header.Get("ETag"))
	tr.seat(cacheOwner, "ann", 304, "", "If-None-Match: "+pending.header.Get("ETag"))
	tr.seat(cacheDeputy, "ANN", 200, cacheCancelled) // another token, another spelling
	tr.wantStatus("POST", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("ann"), 201)
	tr.seat(cacheOwner, "ann", 200, "")
	tr.seat(cacheDeputy, "ANN", 200, "")

	// (b) A token minted, used, revoked: the next request is refused.
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	if err := json.Unmarshal(e.want("POST", "/_seatkeeper/tokens", adminToken,
		`{"kind": "classic", "user": "owner", "scopes": ["read:org"]}`, 201), &tok); err != nil {
		t.Fatal(err)
	}
	tr.seat(tok.Token, "ann", 200, "")
	tr.seat(tok.Token, "ann", 200, "")
	tr.wantStatus("DELETE", "/_seatkeeper/tokens/"+strconv.FormatInt(tok.ID, 10), adminToken, "", 204)
	tr.seat(tok.Token, "ann", 401, "Bad credentials")
	tr.seat(tok.Token, "ann", 401, "Bad credentials")

	// (c) A member removed from the org: GitHub's 404 at once. And an
	// owner removed: their token no longer reaches the org's seats.
	tr.seat(cacheOwner, "bob", 200, "")
	tr.wantStatus("DELETE", "/orgs/acme/members/bob", cacheOwner, "", 204)
	tr.seat(cacheOwner, "bob", 404, msgNotMember)
	tr.seat(cacheDeputy, "ann", 200, "")
	tr.seat(cacheDeputy, "ann", 200, "")
	tr.wantStatus("DELETE", "/orgs/acme/memberships/deputy", cacheOwner, "", 204)
	tr.seat(cacheDeputy, "ann", 404, "Not Found")

	// (e) The clock: a pending seat ends at 00:00 UTC of its date, and
	// comes back when the clock is set back. First through the control
	// API (which records each move in the audit log) ...
	tr.wantStatus("DELETE", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("ann"), 200)
	tr.seat(cacheOwner, "ann", 200, cacheCancelled)
	tr.seat(cacheOwner, "ann", 200, cacheCancelled)
	tr.wantStatus("PUT", "/_seatkeeper/clock", adminToken, `{"now": "2026-04-15T00:00:00Z"}`, 200)
	tr.seat(cacheOwner, "ann", 404, msgNoSeat)
	tr.wantStatus("PUT", "/_seatkeeper/clock", adminToken, `{"now": "2026-04-14T23:59:59Z"}`, 200)
	tr.seat(cacheOwner, "ann", 200, cacheCancelled)
	// ... then by setting it directly, which writes nothing: only the
	// time tells the answers apart.
	for _, c := range []struct {
		now     time.Time
		status  int
		message string
	}{
		{time.Date(2026, 4, 14, 0, 0, 0, 0, time.UTC), 200, cacheCancelled},
		{time.Date(2026, 4, 14, 23, 59, 59, 999e6, time.UTC), 200, cacheCancelled},
		{time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC), 404, msgNoSeat},
		{time.Date(2026, 4, 14, 18, 0, 0, 0, time.UTC), 200, cacheCancelled},
		{time.Date(2026, 4, 15, 9, 30, 0, 0, time.UTC), 404, msgNoSeat},
		{time.Date(2026, 4, 16, 0, 0, 0, 0, time.UTC), 404, msgNoSeat},
		{time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), 200, cacheCancelled},
	} {
		e.clock.Set(c.now)
		for range 2 {
			tr.seat(cacheOwner, "ann", c.status, c.message)
		}
	}
	return tr.lines
}

// TestReadCacheFreshness tells one story of changes through the API, with
// the read cache on and off: every change shows in the very next answer,
// and both servers answer alike, byte for byte.
func TestReadCacheFreshness(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			var transcripts [][]string
			for _, c := range cacheConfigs {
				t.Run(c.name, func(t *testing.T) {
					e := newControlEnv(t, storetest.Open(t, d), cacheNow, cacheScenario,
						serverConfig{AllowClockControl: true, Config: httpapi.Config{ReadCacheEntries: c.entries}})
					transcripts = append(transcripts, freshnessStory(t, e, c.entries >= 0))
				})
			}
			if len(transcripts) != 2 {
				return // a server skipped or failed
			}
			on, off := transcripts[0], transcripts[1]
			if len(on) != len(off) {
				t.Fatalf("%d answers with the cache, %d without", len(on), len(off))
			}
			for i := range on {
				if on[i] != off[i] {
					t.Errorf("answer %d differs:\n  cache on:  %s\n  cache off: %s", i, on[i], off[i])
				}
			}
		})
	}
}

// TestReadCacheAcrossReplicas: two servers on one database. Server A's
// cache is warm; changes made through server B show in A's very next
// answer, on both dialects.
func TestReadCacheAcrossReplicas(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			sa, sb := storetest.Pair(t, d)
			a := newControlEnv(t, sa, cacheNow, cacheScenario, serverConfig{})
			b := newControlEnv(t, sb, cacheNow, "", serverConfig{})
			ta, tb := &transcript{e: a}, &transcript{e: b}

			warm := func(token, user string, status int, want string) {
				t.Helper()
				for range 3 {
					ta.seat(token, user, status, want)
				}
			}

			// Seats.
			warm(cacheOwner, "ann", 200, "")
			tb.wantStatus("DELETE", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("ann"), 200)
			ta.seat(cacheOwner, "ann", 200, cacheCancelled)
			warm(cacheOwner, "ann", 200, cacheCancelled)
			tb.wantStatus("POST", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("ann"), 201)
			ta.seat(cacheOwner, "ann", 200, "")

			// A "No seat" answer cached on A, then a seat assigned on B.
			tb.wantStatus("DELETE", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("bob"), 200)
			a.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
			b.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
			warm(cacheOwner, "bob", 404, msgNoSeat)
			tb.wantStatus("POST", "/orgs/acme/copilot/billing/selected_users", cacheOwner, users("bob"), 201)
			ta.seat(cacheOwner, "bob", 200, "")

			// Tokens: minted on A, warm on A, revoked on B.
			var tok struct {
				ID    int64  `json:"id"`
				Token string `json:"token"`
			}
			if err := json.Unmarshal(a.want("POST", "/_seatkeeper/tokens", adminToken,
				`{"kind": "classic", "user": "owner", "scopes": ["read:org"]}`, 201), &tok); err != nil {
				t.Fatal(err)
			}
			warm(tok.Token, "ann", 200, "")
			tb.wantStatus("DELETE", "/_seatkeeper/tokens/"+strconv.FormatInt(tok.ID, 10), adminToken, "", 204)
			ta.seat(tok.Token, "ann", 401, "Bad credentials")

			// Memberships: a member and an owner removed on B.
			warm(cacheOwner, "bob", 200, "")
			tb.wantStatus("DELETE", "/orgs/acme/members/bob", cacheOwner, "", 204)
			ta.seat(cacheOwner, "bob", 404, msgNotMember)
			warm(cacheDeputy, "ann", 200, "")
			tb.wantStatus("DELETE", "/orgs/acme/memberships/deputy", cacheOwner, "", 204)
			ta.seat(cacheDeputy, "ann", 404, "Not Found")
		})
	}
}

// TestReadCacheKeepsNoUnknownTokens: made-up tokens are answered 401 each
// time without filling the read cache, which keeps its room for answers.
func TestReadCacheKeepsNoUnknownTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), "")
		e.do("GET", "/user", "ghp_madeUpFirst")
		// What every request reads (on PostgreSQL, the shared clock's
		// setting and the faults), cached by the first.
		before := cacheEntries(t, e.scrape())
		for i := range 50 {
			if r := e.do("GET", "/user", fmt.Sprintf("ghp_madeUp%036d", i)); r.status != http.StatusUnauthorized {
				t.Fatalf("made-up token %d: %d, want 401", i, r.status)
			}
		}
		if after := cacheEntries(t, e.scrape()); after != before {
			t.Errorf("the read cache kept answers for made-up tokens: %d entries, %d before them", after, before)
		}
	})
}

// cacheEntries reads seatkeeper_read_cache_entries from a scrape.
func cacheEntries(t *testing.T, scrape string) int {
	t.Helper()
	for line := range strings.SplitSeq(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, "seatkeeper_read_cache_entries "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no seatkeeper_read_cache_entries in the scrape")
	return 0
}

// TestReadCacheKeepsNoLongNames: seat details of users, and orgs, named
// longer than any login are answered 404 each time without filling the
// read cache, so that what clients send cannot grow its memory.
func TestReadCacheKeepsNoLongNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, cacheNow, cacheScenario)
		e.want("GET", "/orgs/acme/members/ann/copilot", cacheOwner, "", 200)
		before := cacheEntries(t, e.scrape())
		for i := range 20 {
			long := fmt.Sprintf("u%0200d", i)
			if r := e.do("GET", "/orgs/acme/members/"+long+"/copilot", cacheOwner); r.status != http.StatusNotFound {
				t.Fatalf("user %d: %d, want 404", i, r.status)
			}
			if r := e.do("GET", "/orgs/"+long+"/members/ann/copilot", cacheOwner); r.status != http.StatusNotFound {
				t.Fatalf("org %d: %d, want 404", i, r.status)
			}
		}
		if after := cacheEntries(t, e.scrape()); after != before {
			t.Errorf("the read cache kept answers for long names: %d entries, then %d", before, after)
		}
	})
}
