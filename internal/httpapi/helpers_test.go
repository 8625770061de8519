package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/control"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// env is a running API over a real store, with a clock tests may set.
type env struct {
	t     *testing.T
	st    *store.Store
	clock *clock.Clock
	srv   *httptest.Server
	spec  *spectest.Spec
	// metrics serves GET /metrics without a credential, as serve
	// --metrics-addr does, so that scraping adds no request to the API's.
	metrics *httptest.Server
}

// startEnv serves api, and its metrics on an address of their own.
func startEnv(t *testing.T, st *store.Store, clk *clock.Clock, api *httpapi.Server) *env {
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	metrics := httptest.NewServer(api.MetricsHandler())
	t.Cleanup(metrics.Close)
	return &env{t: t, st: st, clock: clk, srv: srv, spec: spectest.GitHub(t), metrics: metrics}
}

// scrape reads GET /metrics from the metrics address.
func (e *env) scrape() string {
	e.t.Helper()
	resp, err := http.Get(e.metrics.URL + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

// newEnv starts the API on st after loading the seed document doc (YAML)
// at the clock's time, which starts at now.
func newEnv(t *testing.T, st *store.Store, now time.Time, doc string) *env {
	t.Helper()
	clk := &clock.Clock{}
	clk.Set(now)
	if doc != "" {
		loadSeed(t, st, clk.Now(), doc)
	}
	api := newServer(serverConfig{Config: httpapi.Config{BaseURL: "http://seatkeeper.test", RateLimitUnauthenticated: 10000, Logger: testLogger}}, st, clk)
	return startEnv(t, st, clk, api)
}

// loadSeed loads the seed document doc (YAML) into st at now.
func loadSeed(t *testing.T, st *store.Store, now time.Time, doc string) {
	t.Helper()
	d, err := seed.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse seed: %v", err)
	}
	d.AllowWeakTokens = true // tests give short literal tokens
	if err := d.Load(context.Background(), st, now); err != nil {
		t.Fatalf("load seed: %v", err)
	}
}

// serverConfig configures a test server: the API and the control API.
type serverConfig struct {
	httpapi.Config
	AllowClockControl bool
	// RefuseWeakTokens makes POST /_seatkeeper/seed refuse guessable
	// literal tokens, as serve does without --allow-weak-tokens; the
	// tests' documents use short ones.
	RefuseWeakTokens bool
}

// newServer is the API with the control API registered on it, as
// "seatkeeper serve" wires them.
func newServer(cfg serverConfig, st *store.Store, clk *clock.Clock) *httpapi.Server {
	api := httpapi.New(cfg.Config, st, clk)
	control.Register(api, control.Config{AllowClockControl: cfg.AllowClockControl, AllowWeakTokens: !cfg.RefuseWeakTokens}, st, clk)
	return api
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with token as a Bearer credential (none when empty)
// and extra headers as "Name: value" strings, and checks the response
// against the spec: GitHub's, or the control API's for /_seatkeeper and
// the operations routes.
func (e *env) do(method, path, token string, headers ...string) response {
	e.t.Helper()
	return e.doBody(method, path, token, "", headers...)
}

// noRedirects answers a redirect as it comes: tests check the 302 and its
// Location, and a Location names the public base URL, not the test server.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) doBody(method, path, token, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	spectest.For(e.t, req.URL.Path).Check(e.t, method, req.URL.Path, resp.StatusCode, resp.Header, b)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}
