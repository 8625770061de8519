package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// TestPrimaryLimitHoldsUnderConcurrency: the check and the count are one
// step, so a burst of concurrent requests gets exactly the limit's worth
// through (issue 16 #12: 20 allowed, 22 used).
func TestPrimaryLimitHoldsUnderConcurrency(t *testing.T) {
	e, _ := limitedEnv(t, httpapi.Config{RateLimit: 20, ConcurrentLimit: 1000})
	const n = 80
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", e.srv.URL+"/orgs/acme/copilot/billing/seats", nil)
			req.Header.Set("Authorization", "Bearer ghp_billing")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	allowed := 0
	for _, s := range statuses {
		if s != http.StatusForbidden {
			allowed++
		}
	}
	if allowed != 20 {
		t.Errorf("%d of %d concurrent requests allowed, limit 20", allowed, n)
	}
	if r := e.do("GET", "/rate_limit", "ghp_billing"); r.header.Get("X-RateLimit-Used") != "20" {
		t.Errorf("after the burst: used %s", r.header.Get("X-RateLimit-Used"))
	}
}

// TestIfNoneMatchAnyIsCounted: a 304 for If-None-Match: * names no
// representation the client holds, and costs the whole answer: it counts
// against the primary limit; a 304 for an ETag the client holds stays free.
func TestIfNoneMatchAnyIsCounted(t *testing.T) {
	e, _ := limitedEnv(t, httpapi.Config{RateLimit: 10})
	const path = "/orgs/acme/copilot/billing/seats"
	first := e.do("GET", path, "ghp_billing")
	if r := e.do("GET", path, "ghp_billing", "If-None-Match: "+first.header.Get("ETag")); r.status != 304 || r.header.Get("X-RateLimit-Used") != "1" {
		t.Errorf("304 for a held ETag: %d, used %s (want free: 1)", r.status, r.header.Get("X-RateLimit-Used"))
	}
	if r := e.do("GET", path, "ghp_billing", "If-None-Match: *"); r.status != 304 || r.header.Get("X-RateLimit-Used") != "2" {
		t.Errorf("304 for *: %d, used %s (want counted: 2)", r.status, r.header.Get("X-RateLimit-Used"))
	}
}

// TestBadCredentialsCountAgainstTheAddress: a 401 counts against the
// client address's unauthenticated limit, with X-RateLimit headers; once
// it is spent, bad tokens get GitHub's unauthenticated 403 (issue 16 #6:
// 2,000 guesses in 3.9 s, none limited).
func TestBadCredentialsCountAgainstTheAddress(t *testing.T) {
	e, _ := limitedEnv(t, httpapi.Config{RateLimitUnauthenticated: 3})
	const path = "/orgs/acme/copilot/billing/seats"
	for i := range 3 {
		r := e.do("GET", path, fmt.Sprintf("ghp_guess%d", i))
		if r.status != 401 || r.header.Get("X-RateLimit-Remaining") != fmt.Sprint(2-i) || r.header.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("guess %d: %d, remaining %q", i, r.status, r.header.Get("X-RateLimit-Remaining"))
		}
	}
	r := e.do("GET", path, "ghp_guess3")
	if r.status != 403 || !strings.Contains(string(r.body), "API rate limit exceeded for 127.0.0.1.") {
		t.Errorf("spent: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/users/ann", ""); r.status != 403 {
		t.Errorf("without a token, the same address's budget: %d", r.status)
	}
	if r := e.do("GET", path, "ghp_billing"); r.status != 200 {
		t.Errorf("a good token has its own budget: %d", r.status)
	}
}
