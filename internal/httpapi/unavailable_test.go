package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// seededDSN returns a new database of dialect d holding the manage
// scenario, written through a store closed again.
func seededDSN(t *testing.T, d store.Dialect) string {
	t.Helper()
	dsn := storetest.DSN(t, d)
	st, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc, err := seed.Parse([]byte(manageScenario))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Load(context.Background(), st, manageNow); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// TestAStoreThatCannotWrite: /readyz reports a database that cannot
// write, and a write it refuses is a 503 with Retry-After, never a 500
// (issue 16 #13: /readyz stayed at 200 while every write failed). The
// database is a SQLite file made immutable: even root cannot write it.
// (PostgreSQL's read-only transactions, 25006, map the same way; a store
// cannot open on one, as migrating creates its bookkeeping table.)
func TestAStoreThatCannotWrite(t *testing.T) {
	dsn := seededDSN(t, store.SQLite)
	if out, err := exec.Command("chattr", "+i", dsn).CombinedOutput(); err != nil {
		t.Skipf("chattr +i (needs root and a file system that has it): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dsn).Run() })
	e := newEnv(t, storetest.OpenOn(t, dsn, store.Options{}), manageNow, "")
	if r := e.do("GET", "/readyz", ""); r.status != 503 || !strings.Contains(string(r.body), "cannot write") {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_billing", "", 200) // reads still work
	r := e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", `{"selected_usernames": ["bob"]}`)
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("write: %d (Retry-After %q) %s", r.status, r.header.Get("Retry-After"), r.body)
	}
}

// TestPostgresDownIs503: with PostgreSQL unreachable, requests are 503
// with Retry-After, and /readyz says so (issue 16 #13: 500). The server
// reaches PostgreSQL through a loopback proxy the test then shuts.
func TestPostgresDownIs503(t *testing.T) {
	if os.Getenv(storetest.EnvURL) == "" {
		t.Skipf("PostgreSQL not configured: set %s", storetest.EnvURL)
	}
	dsn := seededDSN(t, store.Postgres)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr()
	e := newEnv(t, storetest.OpenOn(t, u.String(), store.Options{}), manageNow, "")
	e.want("GET", "/readyz", "", "", 200)
	e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_billing", "", 200)

	p.shut()
	for _, c := range []struct{ method, path, token, body string }{
		{"GET", "/readyz", "", ""},
		{"GET", "/orgs/acme/copilot/billing/seats", "ghp_readorg", ""}, // a token not yet cached
		{"POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", `{"selected_usernames": ["bob"]}`},
	} {
		r := e.doBody(c.method, c.path, c.token, c.body)
		if r.status != 503 || (c.path != "/readyz" && r.header.Get("Retry-After") == "") {
			t.Errorf("%s %s: %d (Retry-After %q) %s", c.method, c.path, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
}

// proxy forwards loopback connections to a target until shut.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	t.Cleanup(p.shut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

// shut stops accepting and drops every connection: the database is gone.
func (p *proxy) shut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
