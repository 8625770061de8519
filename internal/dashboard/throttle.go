package dashboard

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// DefaultSignInFailures is how many failed sign-ins one client address
// may make in signInWindow when Config.SignInFailures is 0.
const DefaultSignInFailures = 10

// signInWindow is the span failed sign-ins are counted in, from the first.
const signInWindow = 10 * time.Minute

// throttle counts failed sign-ins per client address in fixed windows,
// by real time (moving the service clock must not lift it), so that
// guessing tokens through the sign-in form is as slow as through the API.
type throttle struct {
	mu    sync.Mutex
	max   int
	fails map[string]*failures
	now   func() time.Time
}

type failures struct {
	n   int
	end time.Time
}

func newThrottle(max int) *throttle {
	return &throttle{max: max, fails: map[string]*failures{}, now: time.Now}
}

// wait is how long addr must wait before its next attempt; 0 when it may
// try now.
func (t *throttle) wait(addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.fails[addr]
	if !ok || f.n < t.max {
		return 0
	}
	if d := f.end.Sub(t.now()); d > 0 {
		return d
	}
	delete(t.fails, addr)
	return 0
}

// failed counts a failed sign-in from addr.
func (t *throttle) failed(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f, ok := t.fails[addr]
	if !ok || !now.Before(f.end) {
		if len(t.fails) >= 10000 { // sweep ended windows
			for k, old := range t.fails {
				if !now.Before(old.end) {
					delete(t.fails, k)
				}
			}
		}
		f = &failures{end: now.Add(signInWindow)}
		t.fails[addr] = f
	}
	f.n++
}

// clientAddr is the request's remote host, without the port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
