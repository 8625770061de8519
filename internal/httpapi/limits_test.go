package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v84/github"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// limitedEnv starts the API over the manage scenario with cfg's limits.
func limitedEnv(t *testing.T, cfg httpapi.Config) (*env, *httpapi.Server) {
	t.Helper()
	st := storetest.Open(t, store.SQLite)
	clk := &clock.Clock{}
	clk.Set(manageNow)
	d, err := seed.Parse([]byte(manageScenario))
	if err != nil {
		t.Fatal(err)
	}
	d.AllowWeakTokens = true // tests give short literal tokens
	if err := d.Load(context.Background(), st, clk.Now()); err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.Logger = "http://seatkeeper.test", testLogger
	api := httpapi.New(cfg, st, clk)
	return startEnv(t, st, clk, api), api
}

func TestPrimaryRateLimit(t *testing.T) {
	e, _ := limitedEnv(t, httpapi.Config{RateLimit: 3, RateLimitUnauthenticated: 2})
	const path = "/orgs/acme/copilot/billing"
	for i := range 3 {
		r := e.do("GET", path, "ghp_readorg")
		if r.status != 200 || r.header.Get("X-RateLimit-Remaining") != []string{"2", "1", "0"}[i] {
			t.Fatalf("request %d: %d remaining %s", i+1, r.status, r.header.Get("X-RateLimit-Remaining"))
		}
	}
	r := e.do("GET", path, "ghp_readorg")
	var be basicError
	json.Unmarshal(r.body, &be)
	if r.status != 403 || r.header.Get("X-RateLimit-Remaining") != "0" ||
		!strings.HasPrefix(be.Message, "API rate limit exceeded for user ID ") ||
		be.DocumentationURL != "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" {
		t.Errorf("spent: %d %s", r.status, r.body)
	}
	// Another token has its own limit; go-github sees the spent one as a
	// RateLimitError.
	if r := e.do("GET", path, "ghp_billing"); r.status != 200 {
		t.Errorf("another token: %d", r.status)
	}
	_, _, err := e.client(t, "ghp_readorg", false).Copilot.GetCopilotBilling(context.Background(), "acme")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) {
		t.Errorf("go-github: %T %v, want *github.RateLimitError", err, err)
	}
	// Without a token, the limit is per client address.
	e.do("GET", "/users/ann", "")
	e.do("GET", "/users/ann", "")
	if r := e.do("GET", "/users/ann", ""); r.status != 403 || !strings.Contains(string(r.body), "API rate limit exceeded for 127.0.0.1.") {
		t.Errorf("unauthenticated spent: %d %s", r.status, r.body)
	}
}

func TestSecondaryRateLimit(t *testing.T) {
	e, api := limitedEnv(t, httpapi.Config{ConcurrentLimit: 1})
	entered, release := make(chan struct{}), make(chan struct{})
	api.HandleForTest("GET /test/block", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("GET", e.srv.URL+"/test/block", nil)
		req.Header.Set("Authorization", "Bearer ghp_readorg")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-entered
	r := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg")
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "secondary rate limit") {
		t.Errorf("second concurrent request: %d %v %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	_, _, err := e.client(t, "ghp_readorg", false).Copilot.GetCopilotBilling(context.Background(), "acme")
	var arl *github.AbuseRateLimitError
	if !errors.As(err, &arl) || arl.RetryAfter == nil || *arl.RetryAfter != 5*time.Second {
		t.Errorf("go-github: %T %v, want *github.AbuseRateLimitError with RetryAfter", err, err)
	}
	if r := e.do("GET", "/orgs/acme/copilot/billing", "ghp_billing"); r.status != 200 {
		t.Errorf("another token is not held back: %d", r.status)
	}
	close(release)
	if s := <-done; s != 204 {
		t.Errorf("blocked request: %d", s)
	}
	if r := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg"); r.status != 200 {
		t.Errorf("after the slot freed: %d", r.status)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e, _ := limitedEnv(t, httpapi.Config{})
	big := `{"selected_usernames":["` + strings.Repeat("a", 2<<20) + `"]}`
	r := e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", big)
	if r.status != 413 || !strings.Contains(string(r.body), `"status":"413"`) {
		t.Errorf("%d %.200s", r.status, r.body)
	}
	if got := e.logins("acme"); got != "" {
		t.Errorf("seats changed: %q", got)
	}
}

func TestPanicIsA500WithTheRequestID(t *testing.T) {
	e, api := limitedEnv(t, httpapi.Config{})
	api.HandleForTest("GET /test/panic", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	r := e.do("GET", "/test/panic", "ghp_readorg")
	var be basicError
	json.Unmarshal(r.body, &be)
	if rid := r.header.Get("X-GitHub-Request-Id"); r.status != 500 || rid == "" || !strings.Contains(be.Message, rid) || strings.Contains(be.Message, "boom") {
		t.Errorf("%d %s", r.status, r.body)
	}
	if r := e.do("GET", "/orgs/acme/copilot/billing", "ghp_readorg"); r.status != 200 {
		t.Errorf("after a panic: %d", r.status)
	}
}
