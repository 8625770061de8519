// Package seatkeepertest runs seatkeeper inside a Go test, so that code
// which calls GitHub's Copilot seat API (a seat clean-up job, a billing
// report, a provisioning tool) can be tested against a real server with
// GitHub's rules, statuses and error bodies, without a network or a
// GitHub organization:
//
//	srv := seatkeepertest.New(t, seatkeepertest.Seed(`
//	users: [{login: owner}, {login: ann}]
//	organizations:
//	  - login: acme
//	    copilot: {plan_type: business, public_code_suggestions: allow}
//	    members: [{login: owner, role: admin}, {login: ann}]
//	    seats: [{user: ann}]
//	tokens:
//	  - {token: ghp_owner_token, user: owner, scopes: [manage_billing:copilot]}
//	`))
//	client := github.NewClient(nil).WithAuthToken("ghp_owner_token")
//	client.BaseURL, _ = url.Parse(srv.URL + "/")
//
// Each server listens on its own loopback port with its own in-memory
// database, and stops when the test ends.
package seatkeepertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/control"
	"github.com/seatkeeper/seatkeeper/internal/dashboard"
	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Server is a running seatkeeper.
type Server struct {
	// URL is the API's base URL, http://127.0.0.1:PORT, without a slash at
	// the end: GitHub's routes are under it (URL+"/orgs/..."), and under
	// URL+"/api/v3" as on GitHub Enterprise Server; the dashboard is at
	// URL+"/ui/".
	URL string
	// AdminToken is a site administrator's token, for the control API
	// under /_seatkeeper (mint tokens, set memberships, record activity,
	// load seeds) and GitHub Enterprise Server's /admin API.
	AdminToken string
	// Tokens are the tokens the seed documents gave literally, in order.
	Tokens []Token

	t     testing.TB
	clock *clock.Clock
	store *store.Store
}

// Token is a token a seed document gave: the secret and whose it is.
type Token struct {
	Token        string
	Kind         string // classic, oauth, fine_grained or installation
	User         string // "" for an installation token
	Organization string // the org of a fine-grained or installation token
}

type config struct {
	docs []*seed.Document
	at   *time.Time
	log  io.Writer
}

// Option configures New.
type Option func(*config) error

// Seed loads a seed document (YAML or JSON; see the README's "Seed
// documents") at start. Several are loaded in order. Its literal tokens
// may be short or made up (ghp_billing): a test's server needs no
// hard-to-guess tokens, so the seed loads as with --allow-weak-tokens.
func Seed(doc string) Option {
	return func(c *config) error {
		d, err := seed.Parse([]byte(doc))
		if err != nil {
			return err
		}
		d.AllowWeakTokens = true // a test's server: its tokens need not be hard to guess
		c.docs = append(c.docs, d)
		return nil
	}
}

// Demo loads the demo data set of "seatkeeper serve --demo" (the README
// lists its tokens), dated relative to the server's clock.
func Demo() Option {
	return func(c *config) error {
		c.docs = append(c.docs, nil) // built at the clock's time, in New
		return nil
	}
}

// At sets the service clock to t, where it stays (see SetClock), so that
// days idle and billing cycles are the same on every run.
func At(t time.Time) Option {
	return func(c *config) error {
		c.at = &t
		return nil
	}
}

// Log sends the server's log (a line per request) to w, such as
// os.Stderr; by default it is dropped.
func Log(w io.Writer) Option {
	return func(c *config) error {
		c.log = w
		return nil
	}
}

// New starts a server for the test t and stops it when the test ends. It
// fails the test if a seed document is invalid.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{log: io.Discard}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			t.Fatalf("seatkeepertest: %v", err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, ":memory:", store.Options{})
	if err != nil {
		t.Fatalf("seatkeepertest: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	srv := &Server{t: t, clock: &clock.Clock{}, store: st}
	if cfg.at != nil {
		srv.clock.Set(*cfg.at)
	}
	for _, d := range cfg.docs {
		if d == nil {
			d = demo.Document(srv.clock.Now())
		}
		if err := d.Load(ctx, st, srv.clock.Now()); err != nil {
			t.Fatalf("seatkeepertest: seed: %v", err)
		}
		for _, tok := range d.Tokens {
			if tok.Token == "" {
				continue
			}
			kind := tok.Kind
			if k, ok := auth.KindOf(tok.Token); kind == "" && ok {
				kind = string(k)
			}
			srv.Tokens = append(srv.Tokens, Token{Token: tok.Token, Kind: kind, User: tok.User, Organization: tok.Organization})
		}
	}
	admin, err := auth.Generate(seatkeeper.TokenClassic)
	if err != nil {
		t.Fatalf("seatkeepertest: %v", err)
	}
	if _, err := bootstrap.Admin(ctx, st, admin, srv.clock.Now()); err != nil {
		t.Fatalf("seatkeepertest: %v", err)
	}
	srv.AdminToken = admin

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("seatkeepertest: %v", err)
	}
	srv.URL = "http://" + ln.Addr().String()
	logger := slog.New(slog.NewTextHandler(cfg.log, nil))
	api := httpapi.New(httpapi.Config{BaseURL: srv.URL, Logger: logger}, st, srv.clock)
	control.Register(api, control.Config{AllowClockControl: true}, st, srv.clock)
	hs := &http.Server{Handler: dashboard.New(dashboard.Config{Logger: logger}, st, srv.clock).Wrap(api), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	})
	return srv
}

// TokenOf returns the first token the seed gave the user (or, for an
// installation token, the organization) login, and fails the test when
// there is none.
func (s *Server) TokenOf(login string) string {
	s.t.Helper()
	for _, tok := range s.Tokens {
		if tok.User == login || (tok.User == "" && tok.Organization == login) {
			return tok.Token
		}
	}
	s.t.Fatalf("seatkeepertest: the seed gave no token to %q", login)
	return ""
}

// Now is the service clock's time.
func (s *Server) Now() time.Time { return s.clock.Now() }

// SetClock sets the service clock to t: seats pending cancellation end at
// their date, days idle grow, billing cycles turn.
func (s *Server) SetClock(t time.Time) { s.clock.Set(t) }

// Advance moves the service clock on by d (from now, if it was not set).
func (s *Server) Advance(d time.Duration) { s.clock.Advance(d) }
