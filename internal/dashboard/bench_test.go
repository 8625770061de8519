package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// The org page benchmarks run on one generated org of
// SEATKEEPER_BENCH_SEATS seats (default 10,000) on SQLite, generated once
// per run, signed in as its owner:
//
//	go test -run '^$' -bench . -benchtime 20x ./internal/dashboard
var (
	benchOnce   sync.Once
	benchDash   *Dashboard
	benchCookie *http.Cookie
	benchErr    error
	benchSeats  = 10000
)

func benchSetup(b *testing.B) (*Dashboard, *http.Cookie) {
	benchOnce.Do(func() {
		if v, err := strconv.Atoi(os.Getenv("SEATKEEPER_BENCH_SEATS")); err == nil && v > 0 {
			benchSeats = v
		}
		dir, err := os.MkdirTemp("", "seatkeeper-dashboard-bench")
		if err != nil {
			benchErr = err
			return
		}
		st, err := store.Open(context.Background(), filepath.Join(dir, "bench.db"), store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		now := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
		if benchErr = generate.Generate(context.Background(), st, generate.Options{Orgs: 1, SeatsPerOrg: benchSeats, Seed: 1}, now); benchErr != nil {
			return
		}
		clk := &clock.Clock{}
		clk.Set(now)
		benchDash = New(Config{}, st, clk)
		// Sign in through the form, as a browser would.
		rec := httptest.NewRecorder()
		benchDash.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ui/signin", nil))
		signin := rec.Result().Cookies()[0]
		m := csrfField.FindStringSubmatch(rec.Body.String())
		form := url.Values{"csrf": {m[1]}, "token": {generate.Token(0, 0)}}
		req := httptest.NewRequest(http.MethodPost, "/ui/signin", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(signin)
		rec = httptest.NewRecorder()
		benchDash.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == sessionCookie {
				benchCookie = c
			}
		}
		if benchCookie == nil {
			benchErr = os.ErrNotExist
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDash, benchCookie
}

func benchPage(b *testing.B, path string) { benchRequest(b, http.MethodGet, path, nil) }

// benchRequest serves one request of method to path a number of times,
// with form (and the session's CSRF token) as the body of a POST, and
// reports the server time per request.
func benchRequest(b *testing.B, method, path string, form url.Values) {
	d, cookie := benchSetup(b)
	if form != nil {
		req := httptest.NewRequest(http.MethodGet, "/ui/", nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		form.Set("csrf", csrfField.FindStringSubmatch(rec.Body.String())[1])
	}
	b.ReportAllocs()
	var total time.Duration
	for b.Loop() {
		req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		d.ServeHTTP(rec, req)
		total += time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, excerpt(rec.Body.String()))
		}
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/page")
}

// BenchmarkOrgPage is the org page of the generated org as it first
// opens: cards, both charts, the first 50 seats, most idle first.
func BenchmarkOrgPage(b *testing.B) { benchPage(b, "/ui/orgs/"+generate.Org(0)) }

// BenchmarkOrgPageFiltered filters, searches, sorts by login and shows a
// later page of 100.
func BenchmarkOrgPageFiltered(b *testing.B) {
	benchPage(b, "/ui/orgs/"+generate.Org(0)+"?idle=30&q=u00&sort=login&dir=asc&per_page=100&page=3")
}

// BenchmarkSeatsCSV is the CSV of every seat.
func BenchmarkSeatsCSV(b *testing.B) { benchPage(b, "/ui/orgs/"+generate.Org(0)+"/seats.csv") }

// BenchmarkOrgsPage is the orgs page (one org of 10,000 seats).
func BenchmarkOrgsPage(b *testing.B) { benchPage(b, "/ui/") }

// BenchmarkCancelFilterConfirmation is the confirmation of cancelling
// every seat idle 30 days or more: each checked, counted and priced,
// nothing changed.
func BenchmarkCancelFilterConfirmation(b *testing.B) {
	org := generate.Org(0)
	benchRequest(b, http.MethodPost, "/ui/orgs/"+org+"/cancel",
		url.Values{"scope": {"filter"}, "back": {"/ui/orgs/" + org + "?idle=30"}})
}

// BenchmarkCancelConfirmation is the confirmation of cancelling 50 direct
// seats selected on a page.
func BenchmarkCancelConfirmation(b *testing.B) {
	benchSetup(b)
	logins := make([]string, 50)
	for i := range logins {
		logins[i] = generate.Member(0, benchSeats-1-i) // the generator's team seats come first
	}
	benchRequest(b, http.MethodPost, "/ui/orgs/"+generate.Org(0)+"/cancel", url.Values{"login": logins})
}

// BenchmarkAssignPage is the assign page: members without a seat, teams.
func BenchmarkAssignPage(b *testing.B) { benchPage(b, "/ui/orgs/"+generate.Org(0)+"/assign") }
