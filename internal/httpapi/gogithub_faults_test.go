package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v84/github"

	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// clientWith is e.client with the given http.Client settings (a timeout,
// a transport); responses are still checked against the spec.
func (e *env) clientWith(t *testing.T, token string, hc *http.Client) *github.Client {
	t.Helper()
	if hc.Transport == nil {
		hc.Transport = validating{t: t, spec: e.spec}
	}
	c := github.NewClient(hc).WithAuthToken(token)
	u, err := url.Parse(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

// awaitEntry polls the journal until an entry for method and path (a
// template) appears, and returns the newest.
func (e *env) awaitEntry(method, path string) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := e.requests("method=" + method + "&path=" + url.QueryEscape(path))
		if len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no journal entry for %s %s", method, path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGoGitHubMeetsEachFault: go-github v84 classifies every effect as it
// would GitHub's own answer.
func TestGoGitHubMeetsEachFault(t *testing.T) {
	ctx := context.Background()
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})

	t.Run("a 5xx is an ErrorResponse", func(t *testing.T) {
		e.t = t
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"status": 502}, "times": 1}`)
		_, resp, err := e.client(t, "ghp_billing", true).Copilot.GetCopilotBilling(ctx, "acme")
		var er *github.ErrorResponse
		if !errors.As(err, &er) || resp.StatusCode != 502 || er.Message != "Server Error" {
			t.Fatalf("err = %T %v", err, err)
		}
		var rle *github.RateLimitError
		var arl *github.AbuseRateLimitError
		if errors.As(err, &rle) || errors.As(err, &arl) {
			t.Errorf("a 502 is taken for a rate limit: %T", err)
		}
		if _, _, err := e.client(t, "ghp_billing", true).Copilot.GetCopilotBilling(ctx, "acme"); err != nil {
			t.Errorf("after: %v", err)
		}
	})

	t.Run("the primary limit is a RateLimitError", func(t *testing.T) {
		e.t = t
		e.fault(`{"match": {"token_prefix": "ghp_readorg"}, "effect": {"rate_limit": "primary", "retry_after": 30}, "times": 1}`)
		before := time.Now()
		_, resp, err := e.client(t, "ghp_readorg", false).Copilot.GetCopilotBilling(ctx, "acme")
		var rle *github.RateLimitError
		if !errors.As(err, &rle) {
			t.Fatalf("err = %T %v, want *github.RateLimitError", err, err)
		}
		if resp.StatusCode != 403 || rle.Rate.Remaining != 0 || rle.Rate.Limit != 5000 ||
			rle.Rate.Reset.Before(before.Add(28*time.Second)) || rle.Rate.Reset.After(before.Add(32*time.Second)) ||
			!strings.HasPrefix(rle.Message, "API rate limit exceeded for user ID ") || !strings.Contains(rle.Message, resp.Header.Get("X-GitHub-Request-Id")) {
			t.Errorf("%d %+v %s", resp.StatusCode, rle.Rate, rle.Message)
		}
		if h := resp.Header; h.Get("X-RateLimit-Used") != "5000" || h.Get("X-RateLimit-Resource") != "core" {
			t.Errorf("headers: %v", h)
		}
	})

	t.Run("the secondary limit is an AbuseRateLimitError", func(t *testing.T) {
		e.t = t
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"rate_limit": "secondary", "retry_after": 7}, "times": 1}`)
		_, resp, err := e.client(t, "ghp_billing", false).Copilot.GetCopilotBilling(ctx, "acme")
		var arl *github.AbuseRateLimitError
		if !errors.As(err, &arl) || arl.RetryAfter == nil || *arl.RetryAfter != 7*time.Second {
			t.Fatalf("err = %T %v, want *github.AbuseRateLimitError with RetryAfter 7s", err, err)
		}
		if resp.StatusCode != 429 || !strings.HasPrefix(arl.Message, "You have exceeded a secondary rate limit.") ||
			!strings.Contains(arl.Message, resp.Header.Get("X-GitHub-Request-Id")) {
			t.Errorf("%d %s", resp.StatusCode, arl.Message)
		}
		// The default: 60 seconds.
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"rate_limit": "secondary"}, "times": 1}`)
		_, _, err = e.client(t, "ghp_adminorg", false).Copilot.GetCopilotBilling(ctx, "acme")
		if !errors.As(err, &arl) || arl.RetryAfter == nil || *arl.RetryAfter != time.Minute {
			t.Errorf("default: %T %v", err, err)
		}
		// As a 403, which GitHub documents too: still an AbuseRateLimitError.
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"rate_limit": "secondary", "rate_limit_status": 403}, "times": 1}`)
		_, resp, err = e.client(t, "ghp_adminorg", false).Copilot.GetCopilotBilling(ctx, "acme")
		if !errors.As(err, &arl) || resp.StatusCode != 403 || arl.RetryAfter == nil || *arl.RetryAfter != time.Minute {
			t.Errorf("as 403: %T %v", err, err)
		}
	})

	t.Run("a delay is a client timeout, and the delayed write does not happen", func(t *testing.T) {
		e.t = t
		e.fault(`{"match": {"method": "POST", "path": "/orgs/{org}/copilot/billing/selected_users"}, "effect": {"delay_ms": 3000}, "times": 1}`)
		c := e.clientWith(t, "ghp_billing", &http.Client{Timeout: 200 * time.Millisecond})
		_, _, err := c.Copilot.AddCopilotUsers(ctx, "acme", []string{"bob"})
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("err = %T %v, want a timeout", err, err)
		}
		entry := e.awaitEntry("POST", "/orgs/{org}/copilot/billing/selected_users")
		if entry["status"] != nil || entry["fault"] == nil {
			t.Errorf("journal: %v", entry)
		}
		if got := e.logins("acme"); got != "" {
			t.Errorf("the abandoned write happened: %q", got)
		}
		// A delay the client waits out: the normal answer, late.
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"delay_ms": 300}, "times": 1}`)
		start := time.Now()
		if _, _, err := e.client(t, "ghp_billing", false).Copilot.GetCopilotBilling(ctx, "acme"); err != nil || time.Since(start) < 300*time.Millisecond {
			t.Errorf("waited out: %v after %v", err, time.Since(start))
		}
	})

	t.Run("a dropped connection is a transport error", func(t *testing.T) {
		e.t = t
		e.fault(`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"drop_connection": true}, "times": 2}`)
		// times 2: Go's transport resends an idempotent request once when a
		// reused connection closes without an answer.
		_, resp, err := e.client(t, "ghp_billing", false).Copilot.GetCopilotBilling(ctx, "acme")
		var ue *url.Error
		var er *github.ErrorResponse
		if err == nil || !errors.As(err, &ue) || errors.As(err, &er) {
			t.Fatalf("err = %T %v, resp %v: want a transport error", err, err, resp)
		}
		entry := e.awaitEntry("GET", "/orgs/{org}/copilot/billing")
		if entry["status"] != nil || entry["fault"] == nil {
			t.Errorf("journal: %v", entry)
		}
	})
}

// adminServer serves the manage scenario, with the bootstrap administrator,
// from srv (started by start).
func adminServer(t *testing.T, cfg serverConfig) http.Handler {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	clk := &clock.Clock{}
	clk.Set(manageNow)
	if _, err := bootstrap.Admin(context.Background(), st, adminToken, clk.Now()); err != nil {
		t.Fatal(err)
	}
	d, err := seed.Parse([]byte(manageScenario))
	if err != nil {
		t.Fatal(err)
	}
	d.AllowWeakTokens = true // tests give short literal tokens
	if err := d.Load(context.Background(), st, clk.Now()); err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.Logger = "http://seatkeeper.test", testLogger
	return newServer(cfg, st, clk)
}

// send makes a request with c and returns the status and body.
func send(t *testing.T, c *http.Client, method, u, token, body string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor == 2 {
		b = append([]byte("HTTP/2 "), b...)
	}
	return resp.StatusCode, string(b), nil
}

// TestFaultDropUnderHTTP2: a connection cannot be taken over under HTTP/2,
// so the stream is reset instead; the server goes on serving.
func TestFaultDropUnderHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(adminServer(t, serverConfig{}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := srv.Client()
	if status, body, err := send(t, c, "POST", srv.URL+"/_seatkeeper/faults", adminToken,
		`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"drop_connection": true}, "times": 1}`); status != 201 || !strings.HasPrefix(body, "HTTP/2 ") {
		t.Fatalf("create over HTTP/2: %d %v %.80s", status, err, body)
	}
	gh := github.NewClient(c).WithAuthToken("ghp_billing")
	gh.BaseURL, _ = url.Parse(srv.URL + "/")
	_, _, err := gh.Copilot.GetCopilotBilling(context.Background(), "acme")
	var er *github.ErrorResponse
	if err == nil || errors.As(err, &er) || !strings.Contains(err.Error(), "stream error") {
		t.Fatalf("err = %T %v, want a reset stream", err, err)
	}
	if status, body, err := send(t, c, "GET", srv.URL+"/orgs/acme/copilot/billing", "ghp_billing", ""); status != 200 {
		t.Errorf("after: %d %v %.80s", status, err, body)
	}
	status, body, _ := send(t, c, "GET", srv.URL+"/_seatkeeper/requests?path=/orgs/acme/copilot/billing", adminToken, "")
	if status != 200 || !strings.Contains(body, `"status":null`) || !strings.Contains(body, `"fault":1`) {
		t.Errorf("journal: %d %s", status, body)
	}
}

// TestFaultDelayOutlastsServerTimeouts: a delay longer than the server's
// read and write timeouts still ends in the normal answer (the deadlines
// are moved past the delay).
func TestFaultDelayOutlastsServerTimeouts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: adminServer(t, serverConfig{}), ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()
	c := &http.Client{}
	if status, body, err := send(t, c, "POST", base+"/_seatkeeper/faults", adminToken,
		`{"match": {"path": "/orgs/{org}/copilot/billing"}, "effect": {"delay_ms": 700}}`); status != 201 {
		t.Fatalf("create: %d %v %s", status, err, body)
	}
	// The fault fires every time, and the journal counts the requests: a
	// lost answer could not hide behind the transport's resending a GET.
	start := time.Now()
	status, body, err := send(t, c, "GET", base+"/orgs/acme/copilot/billing", "ghp_billing", "")
	if status != 200 || err != nil || time.Since(start) < 700*time.Millisecond {
		t.Errorf("delayed past the timeouts: %d %v after %v: %.80s", status, err, time.Since(start), body)
	}
	_, body, _ = send(t, c, "GET", base+"/_seatkeeper/requests?path=/orgs/acme/copilot/billing", adminToken, "")
	if n := strings.Count(body, `"request_id"`); n != 1 || !strings.Contains(body, `"status":200`) {
		t.Errorf("the server saw %d requests: %s", n, body)
	}
}
