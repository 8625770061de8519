package dashboard

import (
	"context"
	"fmt"
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
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// The page benchmarks run on two generated orgs of
// SEATKEEPER_BENCH_SEATS seats each (default 10,000) on SQLite, generated
// once per run, signed in as the first org's owner (the orgs page also as
// a site administrator, who sees both):
//
//	SEATKEEPER_BENCH_SEATS=100000 go test -run '^$' -bench . -benchtime 3x ./internal/dashboard
var (
	benchOnce   sync.Once
	benchDash   *Dashboard
	benchCookie *http.Cookie // the owner's session
	benchAdmin  *http.Cookie // the site administrator's
	benchErr    error
	benchSeats  = 10000
)

// benchAdminToken is the site administrator's token in the benchmarks.
const benchAdminToken = "ghp_benchSiteAdministrator0001"

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
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(dir, "bench.db"), store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		now := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
		if benchErr = generate.Generate(ctx, st, generate.Options{Orgs: 2, SeatsPerOrg: benchSeats, Seed: 1}, now); benchErr != nil {
			return
		}
		admin, err := seed.Parse([]byte("users: [{login: bench-admin, site_admin: true}]\ntokens: [{token: " + benchAdminToken +
			", user: bench-admin, scopes: [read:org, site_admin]}]\n"))
		if err != nil {
			benchErr = err
			return
		}
		if benchErr = admin.Load(ctx, st, now); benchErr != nil {
			return
		}
		clk := &clock.Clock{}
		clk.Set(now)
		benchDash = New(Config{}, st, clk)
		benchCookie, benchErr = benchSignIn(benchDash, generate.Token(0, 0))
		if benchErr == nil {
			benchAdmin, benchErr = benchSignIn(benchDash, benchAdminToken)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDash, benchCookie
}

// benchSignIn signs in with token through the form, as a browser would,
// and returns the session's cookie.
func benchSignIn(d *Dashboard, token string) (*http.Cookie, error) {
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ui/signin", nil))
	signin := rec.Result().Cookies()[0]
	m := csrfField.FindStringSubmatch(rec.Body.String())
	form := url.Values{"csrf": {m[1]}, "token": {token}}
	req := httptest.NewRequest(http.MethodPost, "/ui/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(signin)
	rec = httptest.NewRecorder()
	d.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c, nil
		}
	}
	return nil, fmt.Errorf("signing in with %s…: %d", token[:8], rec.Code)
}

func benchPage(b *testing.B, path string) { benchRequest(b, http.MethodGet, path, nil) }

// benchRequest serves one request of method to path a number of times,
// with form (and the session's CSRF token) as the body of a POST, and
// reports the server time per request, signed in as the first org's
// owner.
func benchRequest(b *testing.B, method, path string, form url.Values) {
	d, cookie := benchSetup(b)
	benchAs(b, d, cookie, method, path, form)
}

func benchAs(b *testing.B, d *Dashboard, cookie *http.Cookie, method, path string, form url.Values) {
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

// BenchmarkSeatsCSV is the CSV of every seat, most idle first: the
// server time to the first byte of the body and in all.
func BenchmarkSeatsCSV(b *testing.B) {
	d, cookie := benchSetup(b)
	b.ReportAllocs()
	var first, total time.Duration
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/ui/orgs/"+generate.Org(0)+"/seats.csv", nil)
		req.AddCookie(cookie)
		rec := &firstByte{ResponseRecorder: httptest.NewRecorder(), start: time.Now()}
		d.ServeHTTP(rec, req)
		total += time.Since(rec.start)
		first += rec.first
		if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), "\n") != benchSeats+1 {
			b.Fatalf("%d, %d lines", rec.Code, strings.Count(rec.Body.String(), "\n"))
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "ms/first-byte")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/page")
}

// firstByte records how long after start the body's first byte was
// written.
type firstByte struct {
	*httptest.ResponseRecorder
	start time.Time
	first time.Duration
}

func (f *firstByte) Write(p []byte) (int, error) {
	if f.first == 0 && len(p) > 0 {
		f.first = time.Since(f.start)
	}
	return f.ResponseRecorder.Write(p)
}

// BenchmarkOrgPageSearch searches by login and name.
func BenchmarkOrgPageSearch(b *testing.B) {
	benchPage(b, "/ui/orgs/"+generate.Org(0)+"?q=u000012")
}

// BenchmarkOrgPageIdle filters the seats idle 90 days or more.
func BenchmarkOrgPageIdle(b *testing.B) { benchPage(b, "/ui/orgs/"+generate.Org(0)+"?idle=90") }

// BenchmarkOrgPageByLogin sorts by login and shows the second page.
func BenchmarkOrgPageByLogin(b *testing.B) {
	benchPage(b, "/ui/orgs/"+generate.Org(0)+"?sort=login&dir=asc&page=2")
}

// BenchmarkOrgsPage is the orgs page of the first org's owner.
func BenchmarkOrgsPage(b *testing.B) { benchPage(b, "/ui/") }

// BenchmarkOrgsPageSiteAdmin is the orgs page of a site administrator:
// both orgs, every seat of the store.
func BenchmarkOrgsPageSiteAdmin(b *testing.B) {
	d, _ := benchSetup(b)
	benchAs(b, d, benchAdmin, http.MethodGet, "/ui/", nil)
}

// BenchmarkUsagePage is the org's usage page.
func BenchmarkUsagePage(b *testing.B) { benchPage(b, "/ui/orgs/"+generate.Org(0)+"/usage") }

// BenchmarkCancelTeamConfirmation is the confirmation of cancelling the
// generated team's seats: who loses a seat, who keeps one.
func BenchmarkCancelTeamConfirmation(b *testing.B) {
	benchRequest(b, http.MethodPost, "/ui/orgs/"+generate.Org(0)+"/teams/cancel", url.Values{"team": {"generated-team"}})
}

// BenchmarkCancelFilterConfirmation is the confirmation of cancelling
// every seat idle 30 days or more: counted and priced, nothing changed.
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
