package httpapi_test

import (
	"net/http"
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
