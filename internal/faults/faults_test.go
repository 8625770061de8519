package faults

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, body string) Spec {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatal(err)
	}
	spec, err := Parse(obj)
	if err != nil {
		t.Fatalf("Parse(%s): %v", body, err)
	}
	return spec
}

func TestMatchPath(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/orgs/{org}/copilot/billing/seats", "/orgs/acme/copilot/billing/seats", true},
		{"/orgs/{org}/copilot/billing/seats", "/api/v3/orgs/acme/copilot/billing/seats", true},
		{"/api/v3/orgs/{org}/copilot/billing/seats", "/orgs/acme/copilot/billing/seats", true},
		{"/orgs/acme/copilot/billing/seats", "/orgs/acme/copilot/billing/seats", true},
		{"/orgs/acme/copilot/billing/seats", "/orgs/ACME/copilot/billing/seats", true},
		{"/orgs/acme/copilot/billing/seats", "/orgs/other/copilot/billing/seats", false},
		{"/orgs/{org}/copilot/billing/seats", "/orgs/acme/copilot/billing", false},
		{"/orgs/{org}/copilot/billing", "/orgs/acme/copilot/billing/seats", false},
		{"/orgs/{org}/copilot/billing/seats", "/orgs//copilot/billing/seats", false},
		{"/orgs/{org}/members/{username}/copilot", "/orgs/acme/members/ann/copilot", true},
		{"/orgs/{org}/copilot/billing/seats", "/organizations/7/copilot/billing/seats", false},
		{"/", "/", true},
	} {
		if got := MatchPath(c.pattern, c.path); got != c.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	req := Request{Method: "GET", Path: "/orgs/acme/copilot/billing/seats", Token: "ghp_abc123", Now: now}
	for _, c := range []struct {
		m    Match
		want bool
	}{
		{Match{}, true},
		{Match{Method: "GET"}, true},
		{Match{Method: "POST"}, false},
		{Match{TokenPrefix: "ghp_"}, true},
		{Match{TokenPrefix: "ghp_abc"}, true},
		{Match{TokenPrefix: "github_pat_"}, false},
		{Match{Path: "/orgs/{org}/copilot/billing/seats", Method: "GET", TokenPrefix: "ghp_"}, true},
		{Match{Path: "/orgs/other/copilot/billing/seats"}, false},
	} {
		if got := c.m.Matches(req); got != c.want {
			t.Errorf("%+v.Matches = %v, want %v", c.m, got, c.want)
		}
	}
	if (Match{TokenPrefix: "ghp_"}).Matches(Request{Method: "GET", Path: "/user"}) {
		t.Error("a token prefix matched a request without a token")
	}
}

func TestExcludedPathsNeverFire(t *testing.T) {
	s := NewSet()
	s.Add(parse(t, `{"effect": {"status": 502}}`), now)
	for _, p := range []string{"/_seatkeeper/faults", "/_seatkeeper", "/healthz", "/readyz", "/metrics"} {
		if _, ok := s.Fire(Request{Method: "DELETE", Path: p, Now: now}); ok {
			t.Errorf("fired on %s", p)
		}
	}
	if _, ok := s.Fire(Request{Method: "GET", Path: "/user", Now: now}); !ok {
		t.Error("an empty match did not fire on /user")
	}
}

func TestTimesAndOrder(t *testing.T) {
	s := NewSet()
	first := s.Add(parse(t, `{"match": {"path": "/user"}, "effect": {"status": 502}, "times": 2}`), now)
	second := s.Add(parse(t, `{"match": {"path": "/user"}, "effect": {"status": 503}}`), now)
	req := Request{Method: "GET", Path: "/user", Now: now}
	var got []int64
	for range 4 {
		f, ok := s.Fire(req)
		if !ok {
			t.Fatal("nothing fired")
		}
		got = append(got, f.ID)
	}
	if want := []int64{first.ID, first.ID, second.ID, second.ID}; !equal(got, want) {
		t.Errorf("fired %v, want %v: the oldest live fault first, then the next", got, want)
	}
	list := s.List(now)
	if list[0].State != StateSpent || *list[0].Remaining != 0 || list[0].Fired != 2 || list[1].Fired != 2 || list[1].State != StateActive {
		t.Errorf("list: %+v", list)
	}
	if !s.Remove(second.ID) || s.Remove(second.ID) {
		t.Error("Remove")
	}
	if _, ok := s.Fire(req); ok {
		t.Error("a spent fault fired")
	}
	s.Clear()
	if !s.Empty() || len(s.List(now)) != 0 {
		t.Error("Clear")
	}
	if f := s.Add(parse(t, `{"effect": {"delay_ms": 1}}`), now); f.ID != 3 {
		t.Errorf("ids are reused: %d", f.ID)
	}
}

func TestExpiry(t *testing.T) {
	s := NewSet()
	s.Add(parse(t, `{"effect": {"status": 500}, "expires_at": "2026-03-20T13:00:00+01:00"}`), now)
	if f, ok := s.Fire(Request{Method: "GET", Path: "/user", Now: now.Add(-time.Second)}); !ok || f.State != StateActive {
		t.Error("did not fire before expiry")
	}
	if _, ok := s.Fire(Request{Method: "GET", Path: "/user", Now: now}); ok {
		t.Error("fired at its expiry")
	}
	if st := s.List(now)[0].State; st != StateExpired {
		t.Errorf("state %s", st)
	}
	if st := s.List(now.Add(-time.Hour))[0].State; st != StateActive {
		t.Errorf("a clock set back: state %s", st)
	}
}

// pattern fires a fault with probability p and seed on n requests.
func pattern(t *testing.T, seed string, n int) string {
	s := NewSet()
	s.Add(parse(t, `{"effect": {"status": 502}, "probability": 0.3, "seed": `+seed+`}`), now)
	var b strings.Builder
	for range n {
		if _, ok := s.Fire(Request{Method: "GET", Path: "/user", Now: now}); ok {
			b.WriteByte('X')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestProbabilityWithASeedRepeats(t *testing.T) {
	a, b, c := pattern(t, "42", 50), pattern(t, "42", 50), pattern(t, "43", 50)
	if a != b {
		t.Errorf("the same seed fired differently:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43 fired alike: %s", a)
	}
	if n := strings.Count(a, "X"); n < 5 || n > 30 {
		t.Errorf("p=0.3 fired %d times in 50: %s", n, a)
	}
	s := NewSet()
	f := s.Add(parse(t, `{"effect": {"status": 502}, "probability": 0.5}`), now)
	if f.Seed == nil || *f.Seed < 0 || *f.Seed >= 1<<53 {
		t.Errorf("no seed chosen: %v", f.Seed)
	}
	for _, p := range []string{"0", "1"} {
		s := NewSet()
		s.Add(parse(t, `{"effect": {"status": 502}, "probability": `+p+`}`), now)
		fired := 0
		for range 20 {
			if _, ok := s.Fire(Request{Method: "GET", Path: "/user", Now: now}); ok {
				fired++
			}
		}
		if (p == "0" && fired != 0) || (p == "1" && fired != 20) {
			t.Errorf("probability %s fired %d of 20", p, fired)
		}
	}
}

func TestParse(t *testing.T) {
	spec := parse(t, `{"match": {"method": "post", "path": "/api/v3/orgs/{org}/copilot/billing/selected_users", "token_prefix": "ghp_"},
		"effect": {"status": 503, "body": {"message": "down"}, "headers": {"Retry-After": "3"}}, "times": 2}`)
	if spec.Match.Method != "POST" || spec.Match.Path != "/orgs/{org}/copilot/billing/selected_users" || spec.Effect.Kind != KindStatus ||
		string(spec.Effect.Body) != `{"message":"down"}` || spec.Effect.Headers["Retry-After"] != "3" || *spec.Times != 2 {
		t.Errorf("%+v", spec)
	}
	if e := parse(t, `{"effect": {"rate_limit": "secondary"}}`).Effect; e.RetryAfter != DefaultRetryAfter || e.Status != 429 {
		t.Errorf("default retry_after and status: %+v", e)
	}
	if e := parse(t, `{"effect": {"rate_limit": "primary"}}`).Effect; e.Status != 403 {
		t.Errorf("default status of the primary limit: %+v", e)
	}
	if e := parse(t, `{"effect": {"rate_limit": "secondary", "rate_limit_status": 403}}`).Effect; e.Status != 403 {
		t.Errorf("rate_limit_status: %+v", e)
	}
	if e := parse(t, `{"effect": {"delay_ms": 1500}}`).Effect; e.Delay != 1500*time.Millisecond {
		t.Errorf("delay: %+v", e)
	}
	for body, want := range map[string]string{
		`{}`:             "effect: required",
		`{"effect": {}}`: "effect: must have exactly one of",
		`{"effect": {"status": 502, "delay_ms": 5}}`:                            "effect: must have exactly one of",
		`{"effect": {"status": 99}}`:                                            "effect.status: must be from 200 to 599",
		`{"effect": {"status": 600}}`:                                           "effect.status: must be from 200 to 599",
		`{"effect": {"status": "502"}}`:                                         "effect.status: must be an integer",
		`{"effect": {"status": 204, "body": {}}}`:                               "effect.body: a 204 answer has no body",
		`{"effect": {"delay_ms": 120001}}`:                                      "effect.delay_ms: must be from 0 to 120000",
		`{"effect": {"delay_ms": -1}}`:                                          "effect.delay_ms: must be from 0",
		`{"effect": {"rate_limit": "tertiary"}}`:                                `effect.rate_limit: "tertiary" is not one of primary, secondary`,
		`{"effect": {"delay_ms": 5, "retry_after": 3}}`:                         "effect.retry_after: only with rate_limit",
		`{"effect": {"delay_ms": 5, "rate_limit_status": 429}}`:                 "effect.rate_limit_status: only with rate_limit",
		`{"effect": {"rate_limit": "secondary", "rate_limit_status": 503}}`:     "effect.rate_limit_status: must be 403 or 429",
		`{"effect": {"delay_ms": 5, "body": {}}}`:                               "effect.body: only with status",
		`{"effect": {"drop_connection": false}}`:                                "effect.drop_connection: must be true",
		`{"effect": {"status": 502, "headers": {"Content-Length": "3"}}}`:       "effect.headers: Content-Length is set by the server",
		`{"effect": {"status": 502, "headers": {"X-A": "a\nb"}}}`:               "line break",
		`{"effect": {"status": 502}, "times": 1, "probability": 0.5}`:           "times: a fault has times or probability, not both",
		`{"effect": {"status": 502}, "times": 0}`:                               "times: must be at least 1",
		`{"effect": {"status": 502}, "probability": 1.5}`:                       "probability: must be a number from 0 to 1",
		`{"effect": {"status": 502}, "seed": 1}`:                                "seed: only with probability",
		`{"effect": {"status": 502}, "expires_at": "tomorrow"}`:                 `expires_at: "tomorrow" is not an RFC 3339 time`,
		`{"effect": {"status": 502}, "nope": 1}`:                                `unknown field "nope": this body takes effect, expires_at, match, probability, seed, times`,
		`{"effect": {"status": 502}, "match": {"route": "/x"}}`:                 `match: unknown field "route": match takes method, path, token_prefix`,
		`{"effect": {"status": 502}, "match": {"path": "orgs"}}`:                `match.path: "orgs" must start with /`,
		`{"effect": {"status": 502}, "match": {"path": "/orgs/a{org}"}}`:        "a {name} wildcard must be a whole segment",
		`{"effect": {"status": 502}, "match": {"path": "/user?x=1"}}`:           "without a query",
		`{"effect": {"status": 502}, "match": {"path": "/_seatkeeper/faults"}}`: "faults never fire on /_seatkeeper routes",
		`{"effect": {"status": 502}, "match": {"path": "/api/v3/healthz"}}`:     "faults never fire on",
		`{"effect": {"status": 502}, "match": {"method": "GE T"}}`:              `match.method: "GE T" is not an HTTP method`,
		`{"effect": {"status": 502}, "match": []}`:                              "match: must be an object",
	} {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			t.Fatal(err)
		}
		_, err := Parse(obj)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want %q", body, err, want)
		}
		if _, ok := err.(*Error); err != nil && !ok {
			t.Errorf("Parse(%s): %T, want *Error", body, err)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
