package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Benchmarks run on a generated data set: SEATKEEPER_BENCH_SEATS seats per
// org (default 1000) in 10 orgs, on SQLite, generated once per run.
var (
	benchOnce  sync.Once
	benchAPI   http.Handler // with the read cache
	benchCold  http.Handler // the same store, no read cache
	benchSeats int
)

const benchOrgs = 10

func benchHandler(b *testing.B) http.Handler {
	benchOnce.Do(func() {
		benchSeats = 1000
		if v, err := strconv.Atoi(os.Getenv("SEATKEEPER_BENCH_SEATS")); err == nil && v > 0 {
			benchSeats = v
		}
		dir, err := os.MkdirTemp("", "seatkeeper-bench")
		if err != nil {
			b.Fatal(err)
		}
		st, err := store.Open(context.Background(), filepath.Join(dir, "bench.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if err := generate.Generate(context.Background(), st, generate.Options{Orgs: benchOrgs, SeatsPerOrg: benchSeats, TokensPerOrg: 4, Seed: 1}, now); err != nil {
			b.Fatal(err)
		}
		clk := &clock.Clock{}
		clk.Set(now)
		benchAPI = httpapi.New(httpapi.Config{RateLimit: 1 << 30}, st, clk)
		benchCold = httpapi.New(httpapi.Config{RateLimit: 1 << 30, ReadCacheEntries: -1}, st, clk)
	})
	return benchAPI
}

// seatTarget is the i-th seat-details request of the benchmarks: orgs,
// users and tokens vary.
func seatTarget(i int) (path, token string) {
	org, user := i%benchOrgs, (i*7919)%benchSeats
	return fmt.Sprintf("/orgs/%s/members/%s/copilot", generate.Org(org), generate.Member(org, user)), generate.Token(org, i%4)
}

func benchSeat(b testing.TB, h http.Handler, i int) {
	path, token := seatTarget(i)
	benchGet(b, h, path, token)
}

// benchHot is how many distinct seat requests the cached benchmarks cycle
// through (all warm after the first pass).
const benchHot = 1000

func benchGet(b testing.TB, h http.Handler, path, token string, headers ...string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
}

// BenchmarkSeatDetails is the seed endpoint: authenticate, authorize,
// resolve and encode one seat, varying users, orgs and tokens, with the
// read cache warm (the steady state of a server whose data is not
// changing).
func BenchmarkSeatDetails(b *testing.B) {
	h := benchHandler(b)
	for i := range benchHot {
		benchSeat(b, h, i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchSeat(b, h, i%benchHot)
		i++
	}
}

// BenchmarkSeatDetailsGzip is BenchmarkSeatDetails for a client that
// accepts gzip, as browsers, gh and go-github's transport do: a cached
// answer is compressed once and then written as it is.
func BenchmarkSeatDetailsGzip(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		path, token := seatTarget(i % benchHot)
		benchGet(b, h, path, token, "Accept-Encoding", "gzip")
		i++
	}
}

// BenchmarkSeatDetailsParallel is BenchmarkSeatDetails from GOMAXPROCS
// goroutines at once.
func BenchmarkSeatDetailsParallel(b *testing.B) {
	h := benchHandler(b)
	for i := range benchHot {
		benchSeat(b, h, i)
	}
	b.ReportAllocs()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchSeat(b, h, int(next.Add(1))%benchHot)
		}
	})
}

// BenchmarkSeatDetailsUncached is every request a miss: the cost of the
// SQL lookups behind one answer (after a write, or for a seat not asked
// for since).
func BenchmarkSeatDetailsUncached(b *testing.B) {
	benchHandler(b)
	h := benchCold
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchSeat(b, h, i)
		i++
	}
}

// BenchmarkSeatDetailsMiss is every seat request a read-cache miss with
// the cache on, as in bench/run.sh's cold mode: the token, the org and the
// caller's membership are answered from the cache, the seat is not. Each
// request names its user with another letter case (logins are
// case-insensitive, the cache's key is the path's name), so a key repeats
// only after 16 passes over the seats: by then the cache has been filled
// and dropped several times, as a server's is under misses.
func BenchmarkSeatDetailsMiss(b *testing.B) {
	h := benchHandler(b)
	for i := range benchOrgs * 4 {
		benchSeat(b, h, i) // the tokens and orgs
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		org, user := i%benchOrgs, (i/benchOrgs)%benchSeats
		path := fmt.Sprintf("/orgs/%s/members/%s/copilot", generate.Org(org), generate.Member(org, user))
		benchGet(b, h, caseVariant(path, i/(benchOrgs*benchSeats)), generate.Token(org, i%4))
		i++
	}
}

// caseVariant returns path with the letters of its user name (the
// segment after /members/) upper-cased as the bits of v say.
func caseVariant(path string, v int) string {
	at := strings.Index(path, "/members/") + len("/members/")
	p := []byte(path)
	for j := at; j < len(p) && p[j] != '/'; j++ {
		if p[j] >= 'a' && p[j] <= 'z' {
			if v&1 == 1 {
				p[j] -= 'a' - 'A'
			}
			v >>= 1
		}
	}
	return string(p)
}

// BenchmarkListSeatsFirstPage and BenchmarkListSeatsLastPage compare a
// list's first and last pages of 50.
func BenchmarkListSeatsFirstPage(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, h, "/orgs/"+generate.Org(0)+"/copilot/billing/seats?per_page=50&page=1", generate.Token(0, 0))
	}
}

func BenchmarkListSeatsLastPage(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	last := (benchSeats + 49) / 50
	for b.Loop() {
		benchGet(b, h, fmt.Sprintf("/orgs/%s/copilot/billing/seats?per_page=50&page=%d", generate.Org(0), last), generate.Token(0, 0))
	}
}

// BenchmarkAuthenticateOnly measures the pipeline up to a 404 for an
// unknown route: credential lookup, version, rate limit, routing.
func BenchmarkAuthenticateOnly(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/no/such/route", nil)
		req.Header.Set("Authorization", "Bearer "+generate.Token(0, 0))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			b.Fatal(rec.Code)
		}
	}
}
