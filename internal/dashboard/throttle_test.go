package dashboard

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSignInIsThrottled: after DefaultSignInFailures failed sign-ins from
// one address, the form answers 429 with Retry-After, even to a good
// token (issue 16 #6: 3,000 guesses in 2.7 s).
func TestSignInIsThrottled(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), testSeed)
	b := e.browser()
	b.get("/ui/signin")
	for i := range DefaultSignInFailures {
		if p := b.post("/ui/signin", url.Values{"token": {"ghp_guess"}, "next": {"/ui/"}}); p.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, p.status)
		}
	}
	for _, tok := range []string{"ghp_guess", "ghp_annWrite"} {
		p := b.post("/ui/signin", url.Values{"token": {tok}, "next": {"/ui/"}})
		if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
			t.Errorf("%s after %d failures: %d (Retry-After %q)", tok, DefaultSignInFailures, p.status, p.header.Get("Retry-After"))
		}
		p.contains(t, "Too many failed sign-ins")
	}
}
