package journal

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestRingKeepsTheNewestFirst(t *testing.T) {
	r := New(3)
	for i := 1; i <= 5; i++ {
		r.Add(Entry{Path: fmt.Sprint("/", i), Status: 200 + i%2})
	}
	paths := func(es []Entry) string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s#%d", e.Path, e.Seq))
		}
		return strings.Join(out, " ")
	}
	if got := paths(r.Recent(10, nil)); got != "/5#5 /4#4 /3#3" {
		t.Errorf("Recent = %s", got)
	}
	if got := paths(r.Recent(2, nil)); got != "/5#5 /4#4" {
		t.Errorf("Recent(2) = %s", got)
	}
	if got := paths(r.Recent(10, func(e *Entry) bool { return e.Status == 201 })); got != "/5#5 /3#3" {
		t.Errorf("filtered = %s", got)
	}
	r.Clear()
	if got := r.Recent(10, nil); len(got) != 0 {
		t.Errorf("after Clear: %v", got)
	}
	r.Add(Entry{Path: "/6"})
	if got := paths(r.Recent(10, nil)); got != "/6#6" {
		t.Errorf("after Clear and Add: %s (sequence numbers go on)", got)
	}
	if New(0).Cap() != 1 {
		t.Error("a ring holds at least one entry")
	}
}

func TestRedactBody(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       string
		hidden     []string
	}{
		{"json fields by name, in order", `{"b": 1, "token": "hunter2", "nested": {"client_secret": "s3", "password": 7, "x": [{"refresh_token": "r"}]}, "note": "ok"}`,
			`{"b":1,"token":"[REDACTED]","nested":{"client_secret":"[REDACTED]","password":7,"x":[{"refresh_token":"[REDACTED]"}]},"note":"ok"}`,
			[]string{"hunter2", "s3"}},
		{"json token literals anywhere", `{"note": "use ghp_abcdefABCDEF0123456789 please", "list": ["github_pat_11AAAA_bbbb"]}`,
			`{"note":"use [REDACTED] please","list":["[REDACTED]"]}`, []string{"ghp_abc", "github_pat_11"}},
		{"json array", `[{"token":"x"},"gho_zzz"]`, `[{"token":"[REDACTED]"},"[REDACTED]"]`, nil},
		{"token_sha256 is not a secret name", `{"token_sha256": "abc"}`, `{"token_sha256":"abc"}`, nil},
		{"yaml seed", "users: [{login: octocat}]\ntokens:\n  - {token: my-literal-secret, user: octocat, scopes: [read:org]}\n  - token: ghs_installationToken01\n    kind: installation\n# ghp_commentedOutToken1\n",
			"", []string{"my-literal-secret", "ghs_installationToken01", "ghp_commentedOutToken1"}},
		{"not structured", "token=hunter2&x=ghu_abcdef", "token=hunter2&x=[REDACTED]", nil},
	} {
		got, truncated := RedactBody([]byte(c.body))
		if truncated {
			t.Errorf("%s: truncated", c.name)
		}
		if c.want != "" && got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		for _, h := range c.hidden {
			if strings.Contains(got, h) {
				t.Errorf("%s: %q shows in %s", c.name, h, got)
			}
		}
		if c.name == "yaml seed" && (!strings.Contains(got, "login: octocat") || !strings.Contains(got, Redacted)) {
			t.Errorf("yaml: %s", got)
		}
	}
}

func TestRedactBodyTruncated(t *testing.T) {
	// A JSON body cut short cannot be parsed: pairs are redacted as text.
	body := `{"token": "hunter2", "password": "p4ss, word", "items": [` + strings.Repeat(`"é",`, MaxBody) + `"x"]}`
	got, truncated := RedactBody([]byte(body))
	if !truncated || len(got) > MaxBody+64 || strings.Contains(got, "hunter2") || strings.Contains(got, "p4ss") {
		t.Errorf("truncated %v, %d bytes: %.120s", truncated, len(got), got)
	}
	if strings.ContainsRune(got, '\uFFFD') {
		t.Error("a character was cut in two")
	}
	yaml := "tokens:\n  - token: not a token literal, but secret\n    user: ann\n" + strings.Repeat("# padding\n", MaxBody/10+1)
	got, _ = RedactBody([]byte(yaml))
	if strings.Contains(got, "literal") || !strings.Contains(got, "user: ann") {
		t.Errorf("yaml cut: %.120s", got)
	}
}

func TestRedactQuery(t *testing.T) {
	for q, want := range map[string]string{
		"":                         "",
		"per_page=10&page=2":       "per_page=10&page=2",
		"access_token=abc&page=2":  "access_token=[REDACTED]&page=2",
		"q=ghp_abcdef123&Token=x":  "q=[REDACTED]&Token=[REDACTED]",
		"client%5Fsecret=shh":      "client%5Fsecret=[REDACTED]",
		"x=1&password":             "x=1&password",
		"expires=1&signature=ab12": "expires=1&signature=[REDACTED]",
	} {
		if got := RedactQuery(q); got != want {
			t.Errorf("RedactQuery(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestRedactPairsKeepsTheRestOfTheLine(t *testing.T) {
	got, _ := RedactBody([]byte("{\n  \"token\": \"abc\",\n  \"kind\": \"classic\"\n")) // cut short: not JSON
	if want := "{\n  \"token\": \"[REDACTED]\",\n  \"kind\": \"classic\"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRequestKeepsABoundedCopy(t *testing.T) {
	big := strings.Repeat("é", MaxField) // two bytes a character: cut in one
	e := Request(time.Time{}, "GET", "/orgs/"+big, "access_token=s3cret&q="+big)
	// Redaction may lengthen what was cut: "s3cret" became "[REDACTED]".
	if len(e.Path) > MaxField || len(e.Query) > MaxField+len(Redacted) || !utf8.ValidString(e.Path) || !utf8.ValidString(e.Query) {
		t.Errorf("path %d bytes, query %d bytes, valid %v %v", len(e.Path), len(e.Query), utf8.ValidString(e.Path), utf8.ValidString(e.Query))
	}
	if !strings.HasPrefix(e.Query, "access_token=[REDACTED]&q=é") {
		t.Errorf("query %.60s", e.Query)
	}
	cutToken := Request(time.Time{}, "GET", "/", strings.Repeat("x", MaxField-10)+"&q=ghp_abcdefghijklmnop")
	if strings.Contains(cutToken.Query, "ghp_") {
		t.Errorf("a token cut at the limit shows: %s", cutToken.Query[MaxField-20:])
	}
}

// TestRingIsBoundedInBytes is issue 16's reproduction in miniature: entries
// made from requests with 1 MB paths and queries must not keep those
// megabytes alive, and the ring drops its oldest entries to stay within
// its byte budget.
func TestRingIsBoundedInBytes(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	r := New(1000)
	before := heap()
	for i := range 200 {
		q := fmt.Sprintf("q=%s%d", strings.Repeat("a", 1<<20), i) // one parameter: nothing to rejoin
		r.Add(Request(time.Now(), "GET", "/orgs/"+q, q))
	}
	if grown := int64(heap()) - int64(before); grown > 8<<20 {
		t.Errorf("200 entries from 1 MB requests keep %d MB alive", grown>>20)
	}
	body := strings.Repeat("b", MaxBody)
	for range 1000 {
		r.Add(Entry{Path: "/", Body: &body})
	}
	if r.Bytes() > DefaultMaxBytes {
		t.Errorf("the ring holds %d bytes, more than its budget %d", r.Bytes(), DefaultMaxBytes)
	}
	if n := len(r.Recent(1000, nil)); n == 0 || n*MaxBody > DefaultMaxBytes {
		t.Errorf("%d entries of %d bytes kept", n, MaxBody)
	}
	small := NewBytes(10, 1)
	small.Add(Entry{Path: "/a"})
	small.Add(Entry{Path: "/b"})
	if got := small.Recent(10, nil); len(got) != 1 || got[0].Path != "/b" {
		t.Errorf("over budget, the newest entry alone is kept: %v", got)
	}
}

// TestRedactByValue: a secret is redacted by its value once the body is
// parsed, wherever it appears — behind a YAML anchor defined under another
// key, quoted in a note — and prefixed names are secret names (issue 16 #9).
func TestRedactByValue(t *testing.T) {
	for name, body := range map[string]string{
		"yaml anchor defined elsewhere": "defaults: &shared s3cret-literal-1\ntokens:\n  - {token: *shared, user: ann}\n",
		"yaml anchor on the secret":     "tokens:\n  - {token: &t s3cret-literal-1, user: ann}\n  - {token: *t, user: bob}\nnote: *t\n",
		"yaml merge key":                "base: &b {api-token: s3cret-literal-1}\nuser: {<<: *b, login: ann}\n",
		"json quoted in a note":         `{"token": "s3cret-literal-1", "note": "rotated s3cret-literal-1 today"}`,
		"json camel case":               `{"apiToken": "s3cret-literal-1", "clientSecret": "s3cret-literal-1"}`,
		"json dotted":                   `{"client.secret": "s3cret-literal-1"}`,
		"text with a hyphenated key":    "x-api-token: s3cret-literal-1\nnot: [closed",
		"text camel case":               `{"apiToken": "s3cret-literal-1", `,
	} {
		got, _ := RedactBody([]byte(body))
		if strings.Contains(got, "s3cret") {
			t.Errorf("%s: the secret shows in %q", name, got)
		}
	}
	for _, name := range []string{"token_sha256", "tokens", "note", "login", "notoken"} {
		if SecretName(name) {
			t.Errorf("%q is not a secret name", name)
		}
	}
}
