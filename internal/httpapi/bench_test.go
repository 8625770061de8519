package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
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
	benchAPI   http.Handler
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
	})
	return benchAPI
}

func benchGet(b *testing.B, h http.Handler, path, token string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
}

// BenchmarkSeatDetails is the seed endpoint: authenticate, authorize,
// resolve and encode one seat, varying users, orgs and tokens.
func BenchmarkSeatDetails(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		org, user := i%benchOrgs, (i*7919)%benchSeats
		benchGet(b, h, fmt.Sprintf("/orgs/%s/members/%s/copilot", generate.Org(org), generate.Member(org, user)), generate.Token(org, i%4))
		i++
	}
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
