package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// seededDSN returns a new database of dialect d holding the manage
// scenario, written through a store closed again.
func seededDSN(t *testing.T, d store.Dialect) string {
	t.Helper()
	return seededDSNAt(t, storetest.DSN(t, d))
}

// seededDSNAt is seededDSN at dsn.
func seededDSNAt(t *testing.T, dsn string) string {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc, err := seed.Parse([]byte(manageScenario))
	if err != nil {
		t.Fatal(err)
	}
	doc.AllowWeakTokens = true // tests give short literal tokens
	if err := doc.Load(context.Background(), st, manageNow); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// TestAStoreThatCannotWrite: /readyz reports a database that cannot
// write, and a write it refuses is a 503 with Retry-After, never a 500
// (issue 16 #13: /readyz stayed at 200 while every write failed): a SQLite
// file made immutable (even root cannot write it), a SQLite file on a
// full disk (a small tmpfs, filled), and PostgreSQL whose sessions are
// read-only (default_transaction_read_only, on the test's connections
// only). Each needs what the machine may lack (root, chattr, mount, the
// PostgreSQL URL) and is skipped without it.
func TestAStoreThatCannotWrite(t *testing.T) {
	for _, c := range []struct {
		name string
		// open returns the database, and breakIt, when set, breaks it
		// once the server is up and returns what mends it.
		open   func(t *testing.T) (dsn string, breakIt func() (mend func()))
		readyz string
	}{
		{"immutable SQLite file", func(t *testing.T) (string, func() func()) {
			dsn := seededDSN(t, store.SQLite)
			if out, err := exec.Command("chattr", "+i", dsn).CombinedOutput(); err != nil {
				t.Skipf("chattr +i (needs root and a file system that has it): %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", dsn).Run() })
			return dsn, nil
		}, "The database cannot write."},
		{"SQLite on a full disk", func(t *testing.T) (string, func() func()) {
			dir := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
				t.Skipf("mount a tmpfs (needs root): %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
			fill := func() func() {
				filler := filepath.Join(dir, "filler")
				f, err := os.Create(filler)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				for chunk := make([]byte, 4096); ; {
					if _, err := f.Write(chunk); err != nil {
						if !errors.Is(err, syscall.ENOSPC) {
							t.Fatal(err)
						}
						break
					}
				}
				return func() { os.Remove(filler) }
			}
			return seededDSNAt(t, filepath.Join(dir, "seatkeeper.db")), fill
		}, "The database cannot write: its disk is full."},
		{"PostgreSQL read-only", func(t *testing.T) (string, func() func()) {
			if os.Getenv(storetest.EnvURL) == "" {
				t.Skipf("PostgreSQL not configured: set %s", storetest.EnvURL)
			}
			u, err := url.Parse(seededDSN(t, store.Postgres))
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("default_transaction_read_only", "on")
			u.RawQuery = q.Encode()
			return u.String(), nil
		}, "The database cannot write."},
	} {
		t.Run(c.name, func(t *testing.T) {
			dsn, breakIt := c.open(t)
			e := newEnv(t, storetest.OpenOn(t, dsn, store.Options{}), manageNow, "")
			var mend func()
			if breakIt != nil {
				e.want("GET", "/readyz", "", "", 200)
				mend = breakIt()
			}
			if r := e.do("GET", "/readyz", ""); r.status != 503 || message(t, r.body) != c.readyz {
				t.Errorf("readyz: %d %s", r.status, r.body)
			}
			e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_billing", "", 200) // reads still work
			r := e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", `{"selected_usernames": ["bob"]}`)
			if r.status != 503 || r.header.Get("Retry-After") == "" {
				t.Errorf("write: %d (Retry-After %q) %s", r.status, r.header.Get("Retry-After"), r.body)
			}
			if mend != nil { // mended: ready, and the write goes through
				mend()
				e.want("GET", "/readyz", "", "", 200)
				e.doBody("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", `{"selected_usernames": ["bob"]}`)
			}
		})
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
