package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestReplicasAgreeWithSerialReplay sends concurrent seat writes to two
// replicas (two servers, each with its own pool, on one database) and
// checks that every answer and the final state equal a serial replay of
// the acknowledged requests on a fresh database.
//
// Each worker owns its users, so its own requests' answers do not depend
// on how workers interleave; all workers also race to grant one shared
// team, which exactly one of them may count.
func TestReplicasAgreeWithSerialReplay(t *testing.T) {
	const workers, usersPerWorker, steps = 6, 4, 12
	var b strings.Builder
	b.WriteString("users:\n  - {login: owner}\n  - {login: s1}\n  - {login: s2}\n  - {login: s3}\n")
	for w := range workers {
		for u := range usersPerWorker {
			fmt.Fprintf(&b, "  - {login: w%du%d}\n", w, u)
		}
	}
	b.WriteString("organizations:\n  - login: acme\n    copilot: {public_code_suggestions: allow, billing_cycle_day: 15}\n    members:\n      - {login: owner, role: admin}\n      - {login: s1}\n      - {login: s2}\n      - {login: s3}\n")
	for w := range workers {
		for u := range usersPerWorker {
			fmt.Fprintf(&b, "      - {login: w%du%d}\n", w, u)
		}
	}
	b.WriteString("    teams:\n      - {name: Shared, slug: shared, members: [s1, s2, s3]}\n")
	b.WriteString("tokens:\n  - {token: ghp_billing, kind: classic, user: owner, scopes: [manage_billing:copilot]}\n")
	doc := b.String()

	type request struct {
		method, path, body string
	}
	// Each worker's plan, fixed up front so the replay sends the same.
	rng := rand.New(rand.NewPCG(1, 2))
	plans := make([][]request, workers)
	for w := range workers {
		for i := range steps {
			if i == steps/2 {
				plans[w] = append(plans[w], request{"POST", "/orgs/acme/copilot/billing/selected_teams", teams("shared")})
				continue
			}
			var names []string
			for u := range usersPerWorker {
				if rng.IntN(2) == 0 {
					names = append(names, fmt.Sprintf("w%du%d", w, u))
				}
			}
			if len(names) == 0 {
				names = []string{fmt.Sprintf("w%du0", w)}
			}
			method := "POST"
			if rng.IntN(2) == 0 {
				method = "DELETE"
			}
			plans[w] = append(plans[w], request{method, "/orgs/acme/copilot/billing/selected_users", users(names...)})
		}
	}

	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			open := func() *store.Store { return storetest.OpenOn(t, dsn, store.Options{MaxRetries: 5}) }
			a := newEnv(t, open(), manageNow, doc)
			b := newEnv(t, open(), manageNow, "")
			replicas := []*env{a, b}

			answers := make([][]string, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i, req := range plans[w] {
						r := replicas[(w+i)%2].doBody(req.method, req.path, "ghp_billing", req.body)
						answers[w] = append(answers[w], fmt.Sprintf("%d %s", r.status, strings.TrimSpace(string(r.body))))
					}
				}()
			}
			wg.Wait()

			// Serial replay on a fresh database.
			replay := newEnv(t, storetest.Open(t, d), manageNow, doc)
			sharedCounted := 0
			for w := range workers {
				for i, req := range plans[w] {
					got := answers[w][i]
					if !strings.HasPrefix(got, "20") {
						t.Fatalf("worker %d step %d not acknowledged: %s", w, i, got)
					}
					if strings.Contains(req.path, "selected_teams") {
						// Only the first grant of the shared team counts its members.
						if got != `201 {"seats_created":0}` {
							sharedCounted++
							if got != `201 {"seats_created":3}` {
								t.Errorf("shared team grant answered %s", got)
							}
						}
						continue
					}
					r := replay.doBody(req.method, req.path, "ghp_billing", req.body)
					if want := fmt.Sprintf("%d %s", r.status, strings.TrimSpace(string(r.body))); got != want {
						t.Errorf("worker %d step %d %s %s: replica answered %s, serial replay %s", w, i, req.method, req.body, got, want)
					}
				}
			}
			if sharedCounted != 1 {
				t.Errorf("%d workers counted the shared team's seats, want exactly 1", sharedCounted)
			}
			replay.doBody("POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing", teams("shared"))

			for _, r := range replicas {
				if got, want := r.logins("acme"), replay.logins("acme"); got != want {
					t.Errorf("seats %q, serial replay %q", got, want)
				}
				got := r.json("GET", "/orgs/acme/copilot/billing", "ghp_billing", "", 200)["seat_breakdown"]
				want := replay.json("GET", "/orgs/acme/copilot/billing", "ghp_billing", "", 200)["seat_breakdown"]
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					t.Errorf("seat_breakdown %s, serial replay %s", gj, wj)
				}
			}
		})
	}
}
