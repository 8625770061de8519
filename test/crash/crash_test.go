// Package crash checks that seatkeeper never loses an acknowledged write
// and never shows a half-applied one when its process is killed with
// SIGKILL at random moments under concurrent writes.
package crash

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

const childEnv = "SEATKEEPER_CRASH_CHILD_DB"

// TestMain turns the test binary into the server when childEnv names a
// database: the parent runs itself as the process it kills.
func TestMain(m *testing.M) {
	if db := os.Getenv(childEnv); db != "" {
		if err := serveChild(db); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	os.Exit(m.Run())
}

func serveChild(db string) error {
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	return http.Serve(ln, httpapi.New(httpapi.Config{RateLimit: 1 << 30}, st, &clock.Clock{}))
}

const (
	rounds          = 20
	pairsPerRound   = 60
	writersPerRound = 4
)

func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server 20 times")
	}
	db := t.TempDir() + "/crash.db"
	users := rounds * pairsPerRound * 2
	var b strings.Builder
	b.WriteString("users:\n  - {login: owner}\n")
	for i := range users {
		fmt.Fprintf(&b, "  - {login: u%d}\n", i)
	}
	b.WriteString("organizations:\n  - login: acme\n    copilot: {public_code_suggestions: allow}\n    members:\n      - {login: owner, role: admin}\n")
	for i := range users {
		fmt.Fprintf(&b, "      - {login: u%d}\n", i)
	}
	b.WriteString("tokens:\n  - {token: ghp_crash, kind: classic, user: owner, scopes: [manage_billing:copilot]}\n")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := seed.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	doc.AllowWeakTokens = true // tests give short literal tokens
	if err := doc.Load(context.Background(), st, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	acked := map[int]bool{}     // pair index -> acknowledged
	attempted := map[int]bool{} // pair index -> sent
	next := 0
	for round := range rounds {
		addr, child := startChild(t, db)
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		firstAck := make(chan struct{}) // closed by the round's first acknowledgment
		var once sync.Once
		for range writersPerRound {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for {
					mu.Lock()
					if next >= (round+1)*pairsPerRound {
						mu.Unlock()
						return
					}
					p := next
					next++
					attempted[p] = true
					mu.Unlock()
					select {
					case <-stop:
						return
					default:
					}
					body := fmt.Sprintf(`{"selected_usernames":["u%d","u%d"]}`, 2*p, 2*p+1)
					req, _ := http.NewRequest("POST", "http://"+addr+"/orgs/acme/copilot/billing/selected_users", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer ghp_crash")
					resp, err := client.Do(req)
					if err != nil {
						return // the server died under us: not acknowledged
					}
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						mu.Lock()
						acked[p] = true
						mu.Unlock()
						once.Do(func() { close(firstAck) })
					}
				}
			}()
		}
		// Kill at a random moment while writes are in flight: after the
		// round's first acknowledgment (so a slow, loaded machine still
		// tests something), or after 10 s if none comes.
		select {
		case <-firstAck:
		case <-time.After(10 * time.Second):
		}
		time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()
		close(stop)
		wg.Wait()
		next = (round + 1) * pairsPerRound
		verify(t, db, acked, attempted, round)
	}
	if len(acked) == 0 {
		t.Fatal("no write was ever acknowledged: the test proved nothing")
	}
	t.Logf("%d rounds, %d pairs sent, %d acknowledged", rounds, len(attempted), len(acked))
}

func startChild(t *testing.T, db string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+db)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("child did not start: %v", err)
	}
	return strings.TrimSpace(line), cmd
}

// verify opens the database as a restarted server would and checks it:
// integrity, every acknowledged pair present, no pair half-applied.
func verify(t *testing.T, db string, acked, attempted map[int]bool, round int) {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatalf("round %d: reopen: %v", round, err)
	}
	defer st.Close()
	var check string
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("round %d: integrity_check = %q, %v", round, check, err)
	}
	org, err := st.OrgByLogin(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	grants, err := st.Grants(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for _, g := range grants {
		u, err := st.UserByID(context.Background(), g.UserID)
		if err != nil {
			t.Fatal(err)
		}
		granted[u.Login] = true
	}
	for p := range attempted {
		a, b := granted[fmt.Sprintf("u%d", 2*p)], granted[fmt.Sprintf("u%d", 2*p+1)]
		if a != b {
			t.Fatalf("round %d: pair %d half-applied", round, p)
		}
		if acked[p] && !a {
			t.Fatalf("round %d: acknowledged pair %d lost", round, p)
		}
	}
	for login := range granted {
		var i int
		fmt.Sscanf(login, "u%d", &i)
		if !attempted[i/2] {
			t.Fatalf("round %d: %s granted but never sent", round, login)
		}
	}
}
