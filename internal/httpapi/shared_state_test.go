package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// Replicas on one PostgreSQL database answer as one service: these tests
// start two servers, each with its own pool and its own memory, on one
// database, and check that what one is told the other knows. (On SQLite
// one process owns the file; the same state stays in its memory.)

// replicaPair starts two replicas of the manage scenario on one new
// PostgreSQL database; the scenario is loaded once, through a.
func replicaPair(t *testing.T, cfg serverConfig) (a, b *env) {
	t.Helper()
	dsn := storetest.DSN(t, store.Postgres) // skips without PostgreSQL
	a = newControlEnv(t, storetest.OpenOn(t, dsn, store.Options{}), manageNow, manageScenario, cfg)
	b = newControlEnv(t, storetest.OpenOn(t, dsn, store.Options{}), manageNow, "", cfg)
	return a, b
}

// TestReplicasShareFaults: a fault armed through one replica fires on the
// other, its times are spent once across both, a probability's draws
// follow one sequence whichever replica draws, and removing it through
// either ends it on both.
func TestReplicasShareFaults(t *testing.T) {
	a, b := replicaPair(t, serverConfig{})
	f := a.fault(`{"match": {"method": "GET", "path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 502}, "times": 3}`)
	var got []int
	for _, e := range []*env{b, a, b, a, b} {
		got = append(got, e.do("GET", seatsPath, "ghp_billing").status)
	}
	if want := []int{502, 502, 502, 200, 200}; !equalInts(got, want) {
		t.Errorf("a fault armed on A with times 3, requests alternating B, A, B, A, B: %v, want %v", got, want)
	}
	for _, e := range []*env{a, b} {
		list := e.list("/_seatkeeper/faults")
		if len(list) != 1 || list[0]["fired"].(float64) != 3 || list[0]["state"] != "spent" || list[0]["id"] != f["id"] {
			t.Errorf("faults as listed by a replica: %v", list)
		}
	}

	// The same probability and seed fire in one pattern, alternating
	// replicas or on one.
	const probable = `{"match": {"path": "/orgs/{org}/copilot/billing/seats"}, "effect": {"status": 503}, "probability": 0.4, "seed": 7}`
	b.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
	b.fault(probable)
	var alternating []byte
	for i := range 20 {
		alternating = append(alternating, []*env{a, b}[i%2].firingPattern(1)...)
	}
	for _, e := range []*env{a, b} {
		if n := len(e.list("/_seatkeeper/faults")); n != 1 {
			t.Fatalf("%d faults listed, want 1", n)
		}
	}
	b.want("DELETE", "/_seatkeeper/faults", adminToken, "", 204)
	a.fault(probable)
	if one := a.firingPattern(20); string(alternating) != one {
		t.Errorf("firing pattern alternating replicas %s, on one %s", alternating, one)
	}
	id := a.list("/_seatkeeper/faults")[0]["id"].(float64)
	b.want("DELETE", "/_seatkeeper/faults/"+jsonNumber(id), adminToken, "", 204)
	if r := a.do("GET", seatsPath, "ghp_billing"); r.status != 200 {
		t.Errorf("after B removed the fault, A answers %d", r.status)
	}
}

// TestReplicasShareTheClock: the clock set through one replica is every
// replica's, and released through either, both follow the system clock.
func TestReplicasShareTheClock(t *testing.T) {
	a, b := replicaPair(t, serverConfig{AllowClockControl: true})
	at := "2027-01-31T23:59:59Z"
	a.want("PUT", "/_seatkeeper/clock", adminToken, `{"now": "`+at+`"}`, 200)
	for name, e := range map[string]*env{"A": a, "B": b} {
		var c struct {
			Now    string `json:"now"`
			Frozen bool   `json:"frozen"`
		}
		json.Unmarshal(e.want("GET", "/_seatkeeper/clock", adminToken, "", 200), &c)
		if c.Now != at || !c.Frozen {
			t.Errorf("replica %s after A set the clock: %+v", name, c)
		}
	}
	b.want("DELETE", "/_seatkeeper/clock", adminToken, "", 200)
	for name, e := range map[string]*env{"A": a, "B": b} {
		var c struct {
			Now    time.Time `json:"now"`
			Frozen bool      `json:"frozen"`
		}
		json.Unmarshal(e.want("GET", "/_seatkeeper/clock", adminToken, "", 200), &c)
		if c.Frozen || time.Since(c.Now) > time.Hour {
			t.Errorf("replica %s after B released the clock: %+v", name, c)
		}
	}
}

func equalInts(a, b []int) bool {
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

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// TestReplicasShareTheRateLimit: a token's primary budget, and the budget
// of bad credentials from one address, are each one budget across
// replicas: requests alternating between them are counted in one
// sequence, every response's X-RateLimit headers agree with it, and
// both replicas refuse once it is spent.
func TestReplicasShareTheRateLimit(t *testing.T) {
	const limit, anonLimit = 10, 6
	a, b := replicaPair(t, serverConfig{Config: httpapi.Config{RateLimit: limit, RateLimitUnauthenticated: anonLimit}})
	for _, c := range []struct {
		name, token string
		limit, ok   int // the budget, and the status of a request within it
	}{
		{"a token's primary limit", "ghp_billing", limit, 200},
		{"bad credentials from one address", "ghp_notAToken", anonLimit, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			var reset string
			for i := range c.limit + 4 {
				r := []*env{a, b}[i%2].do("GET", seatsPath, c.token)
				h := r.header
				want, used := c.ok, i+1
				if i >= c.limit {
					want, used = 403, c.limit
				}
				if r.status != want {
					t.Fatalf("request %d (replica %s): %d, want %d: %s", i+1, "AB"[i%2:i%2+1], r.status, want, r.body)
				}
				if c.ok == 200 && used == c.limit/2 {
					for name, e := range map[string]*env{"A": a, "B": b} {
						var rl struct {
							Resources map[string]struct{ Limit, Used, Remaining int } `json:"resources"`
						}
						json.Unmarshal(e.want("GET", "/rate_limit", c.token, "", 200), &rl)
						if core := rl.Resources["core"]; core.Used != used || core.Remaining != c.limit-used {
							t.Errorf("replica %s's /rate_limit after %d requests: %+v", name, used, core)
						}
					}
				}
				if h.Get("X-RateLimit-Used") != fmt.Sprint(used) || h.Get("X-RateLimit-Remaining") != fmt.Sprint(c.limit-used) ||
					h.Get("X-RateLimit-Limit") != fmt.Sprint(c.limit) {
					t.Errorf("request %d: used %s, remaining %s, limit %s; want %d, %d, %d", i+1,
						h.Get("X-RateLimit-Used"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Limit"), used, c.limit-used, c.limit)
				}
				if reset == "" {
					reset = h.Get("X-RateLimit-Reset")
				} else if h.Get("X-RateLimit-Reset") != reset {
					t.Errorf("request %d: reset %s, the first said %s", i+1, h.Get("X-RateLimit-Reset"), reset)
				}
			}
		})
	}
}

// TestReplicasSpendABudgetExactly: a budget large enough that replicas
// claim it in leases of several requests, spent by concurrent clients
// spread over both replicas, answers exactly its size, no more, and the
// last requests of both replicas say it is spent.
func TestReplicasSpendABudgetExactly(t *testing.T) {
	const limit, clients, each = 100, 8, 20
	a, b := replicaPair(t, serverConfig{Config: httpapi.Config{RateLimit: limit}})
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := []*env{a, b}[(c+i)%2].do("GET", seatsPath, "ghp_billing")
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if statuses[200] != limit || statuses[403] != clients*each-limit {
		t.Errorf("%d requests over two replicas with a budget of %d: %v", clients*each, limit, statuses)
	}
	for name, e := range map[string]*env{"A": a, "B": b} {
		if r := e.do("GET", seatsPath, "ghp_billing"); r.status != 403 || r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("replica %s after the budget: %d, remaining %s", name, r.status, r.header.Get("X-RateLimit-Remaining"))
		}
	}
}

// TestReplicasShareTheJournal: the journal lists requests from every
// replica, each replica's own at once and another's once written (within
// journal.FlushDelay), redacted as in memory, and bounded in the
// database to the journal's size; emptied through one, it is empty on
// both.
func TestReplicasShareTheJournal(t *testing.T) {
	const size = 6
	a, b := replicaPair(t, serverConfig{Config: httpapi.Config{JournalSize: size}})
	const secret = "s3cr3t-value-never-kept"
	a.doBody("POST", "/_seatkeeper/tokens", adminToken, `{"user": "nobody", "token": "`+secret+`"}`)
	b.do("GET", "/orgs/acme/members/s1/copilot", "ghp_billing")
	for name, e := range map[string]*env{"A": a, "B": b} {
		e.awaitEntry("GET", "/orgs/acme/members/s1/copilot")
		e.awaitEntry("POST", "/_seatkeeper/tokens")
		if r := e.do("GET", "/_seatkeeper/requests", adminToken); strings.Contains(string(r.body), secret) {
			t.Errorf("replica %s lists the token in clear: %s", name, r.body)
		}
	}
	var inClear int
	if err := a.st.DB().QueryRow(`SELECT COUNT(*) FROM request_journal WHERE entry LIKE '%' || $1 || '%'`, secret).Scan(&inClear); err != nil || inClear != 0 {
		t.Errorf("%d stored entries hold the token in clear (%v)", inClear, err)
	}

	for i := range 2 * size {
		[]*env{a, b}[i%2].do("GET", fmt.Sprintf("/orgs/acme/members/w%d/copilot", i), "ghp_billing")
	}
	b.awaitEntry("GET", fmt.Sprintf("/orgs/acme/members/w%d/copilot", 2*size-2)) // A's last
	if got := len(b.requests("")); got != size {
		t.Errorf("replica B lists %d entries, want the journal's size %d", got, size)
	}
	var stored int
	if err := a.st.DB().QueryRow(`SELECT COUNT(*) FROM request_journal`).Scan(&stored); err != nil || stored > size {
		t.Errorf("%d entries stored, want at most %d (%v)", stored, size, err)
	}
	a.want("DELETE", "/_seatkeeper/requests", adminToken, "", 204)
	if got := b.requests(""); len(got) != 0 {
		t.Errorf("replica B after A emptied the journal: %v", got)
	}
}

// TestReplicasShareTheSecondaryLimit: a token's requests in progress
// across two replicas never exceed the limit on concurrent requests,
// however they are spread, and the slots of a replica that stops (cut off
// from the database with requests in progress) return to the other once
// its lease expires.
func TestReplicasShareTheSecondaryLimit(t *testing.T) {
	const limit = 3
	dsn := storetest.DSN(t, store.Postgres) // skips without PostgreSQL
	cfg := serverConfig{Config: httpapi.Config{ConcurrentLimit: limit}}
	release := make(chan struct{})
	entered := make(chan struct{}, 2*limit)
	var held sync.WaitGroup
	start := func(doc string) (*env, *httpapi.Server) {
		st := storetest.OpenOn(t, dsn, store.Options{})
		api, clk := newControlServer(t, st, manageNow, doc, cfg)
		api.SetSlotTTLForTest(time.Second)
		api.HandleForTest("GET /test/block", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			entered <- struct{}{}
			<-release
			w.WriteHeader(http.StatusNoContent)
		}))
		return startEnv(t, st, clk, api), api
	}
	a, _ := start(manageScenario)
	b, _ := start("")
	t.Cleanup(func() { close(release); held.Wait() }) // before the servers close: they wait for their requests
	// hold sends a request that stays in progress if it is let in, and
	// returns its status: 0 while it is in progress.
	hold := func(e *env) int {
		status := make(chan int, 1)
		held.Add(1)
		go func() {
			defer held.Done()
			req, _ := http.NewRequest("GET", e.srv.URL+"/test/block", nil)
			req.Header.Set("Authorization", "Bearer ghp_billing")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				status <- -1
				return
			}
			resp.Body.Close()
			status <- resp.StatusCode
		}()
		select {
		case <-entered:
			return 0
		case s := <-status:
			return s
		}
	}

	var got []int
	for _, e := range []*env{a, a, b, b, a, b} {
		got = append(got, hold(e))
	}
	if want := []int{0, 0, 0, 429, 429, 429}; !equalInts(got, want) {
		t.Fatalf("requests held in progress on A, A, B, B, A, B with a limit of %d: %v, want %v (0: in progress)", limit, got, want)
	}
	for name, e := range map[string]*env{"A": a, "B": b} {
		if r := e.do("GET", seatsPath, "ghp_billing"); r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Errorf("replica %s, %d requests in progress across both: %d, Retry-After %q", name, limit, r.status, r.header.Get("Retry-After"))
		}
	}

	// A is cut off from the database with its two requests in progress: it
	// can no longer renew its lease, and once the lease expires B may use
	// its slots.
	a.st.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := b.do("GET", seatsPath, "ghp_billing")
		if r.status == 200 {
			break
		}
		if r.status != 429 || time.Now().After(deadline) {
			t.Fatalf("replica B after A stopped: %d, want 429 until A's lease expires, then 200", r.status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got = got[:0]
	for range limit {
		got = append(got, hold(b))
	}
	if want := []int{0, 0, 429}; !equalInts(got, want) {
		t.Errorf("requests held on B after A's lease expired, with one of B's in progress: %v, want %v", got, want)
	}
}
