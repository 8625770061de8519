package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Operations routes: liveness, readiness and Prometheus metrics. They
// answer before authentication and rate limiting (see serveOps), so that
// probes and scrapers need no token and are never limited.

// OpsRoutes are the operations routes, in the order opsHandlers serves
// them; internal/control's OpenAPI document describes them.
var OpsRoutes = []string{"GET /healthz", "GET /readyz", "GET /metrics"}

func (s *Server) opsHandlers() []func(w http.ResponseWriter, r *http.Request) error {
	return []func(w http.ResponseWriter, r *http.Request) error{s.handleHealthz, s.handleReadyz, s.handleMetrics}
}

// opsPaths are the paths serveOps answers.
var opsPaths = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range OpsRoutes {
		_, path, _ := strings.Cut(p, " ")
		m[path] = true
	}
	return m
}()

// serveOps answers a request for an operations path and reports whether it
// did; other requests go through the API's pipeline.
func (s *Server) serveOps(x *exchange) bool {
	w, r := x.rw, x.r
	if !opsPaths[r.URL.Path] {
		return false
	}
	if s.route(r) == "" {
		s.notFound(w, r)
		return true
	}
	s.mux.ServeHTTP(w, r)
	return true
}

// writeOps writes an operations answer, never cached.
func writeOps(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func writeOpsJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, _ := json.Marshal(v)
	writeOps(w, r, status, "application/json; charset=utf-8", append(b, '\n'))
}

// handleHealthz serves GET /healthz: the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeOpsJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// handleReadyz serves GET /readyz: the database answers and its schema is
// the one this binary expects; 503 otherwise.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	unavailable := func(msg string) error {
		writeOpsJSON(w, r, http.StatusServiceUnavailable, basicError{
			Message: msg, DocumentationURL: DocREST, Status: strconv.Itoa(http.StatusServiceUnavailable),
		})
		return nil
	}
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Warn("readyz: database unreachable", "error", err.Error())
		return unavailable("The database is unreachable.")
	}
	v, err := s.store.SchemaVersion(r.Context())
	if err != nil {
		s.log.Warn("readyz: schema version", "error", err.Error())
		return unavailable("The database schema version cannot be read.")
	}
	if want := store.LatestSchemaVersion(s.store.Dialect()); v != want {
		return unavailable(fmt.Sprintf("The database schema is at version %d; this server needs %d.", v, want))
	}
	writeOpsJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "schema_version": v})
	return nil
}

// latencyBuckets are the upper bounds, in seconds, of the latency
// histogram's buckets.
var latencyBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// reqMetrics counts requests by route pattern and status, and their latency
// by route pattern.
type reqMetrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {route, status}
	latency  map[string]*reqHistogram
}

type reqHistogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newReqMetrics() *reqMetrics {
	return &reqMetrics{requests: map[[2]string]uint64{}, latency: map[string]*reqHistogram{}}
}

// observe records one request. route is the matched pattern ("" when no
// route matched).
func (m *reqMetrics) observe(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = &reqHistogram{counts: make([]uint64, len(latencyBuckets))}
		m.latency[route] = h
	}
	sec := d.Seconds()
	for i, le := range latencyBuckets {
		if sec <= le {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

// label escapes a Prometheus label value.
func promLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func promFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// write appends the request metrics in the text exposition format.
func (m *reqMetrics) write(b *bytes.Buffer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b.WriteString("# HELP seatkeeper_http_requests_total Requests served, by route pattern and status.\n")
	b.WriteString("# TYPE seatkeeper_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range keys {
		fmt.Fprintf(b, "seatkeeper_http_requests_total{route=\"%s\",status=\"%s\"} %d\n", promLabel(k[0]), k[1], m.requests[k])
	}
	b.WriteString("# HELP seatkeeper_http_request_duration_seconds Request latency, by route pattern.\n")
	b.WriteString("# TYPE seatkeeper_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		h, l := m.latency[r], promLabel(r)
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "seatkeeper_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", l, promFloat(le), cum)
		}
		fmt.Fprintf(b, "seatkeeper_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", l, h.count)
		fmt.Fprintf(b, "seatkeeper_http_request_duration_seconds_sum{route=\"%s\"} %s\n", l, promFloat(h.sum))
		fmt.Fprintf(b, "seatkeeper_http_request_duration_seconds_count{route=\"%s\"} %d\n", l, h.count)
	}
}

// handleMetrics serves GET /metrics in Prometheus's text format: request
// counts and latencies since the process started, and the Copilot seats of
// every organization at the clock's time, computed now.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	var b bytes.Buffer
	s.metrics.write(&b)
	cs := s.cache.Stats()
	b.WriteString("# HELP seatkeeper_read_cache_lookups_total Read cache lookups, by result: hit, miss (read the store, and kept the answer unless it was a failure or an unknown token) or bypass (a request older than the cached data read the store).\n")
	b.WriteString("# TYPE seatkeeper_read_cache_lookups_total counter\n")
	fmt.Fprintf(&b, "seatkeeper_read_cache_lookups_total{result=\"hit\"} %d\n", cs.Hits)
	fmt.Fprintf(&b, "seatkeeper_read_cache_lookups_total{result=\"miss\"} %d\n", cs.Misses)
	fmt.Fprintf(&b, "seatkeeper_read_cache_lookups_total{result=\"bypass\"} %d\n", cs.Bypasses)
	b.WriteString("# HELP seatkeeper_read_cache_entries Answers the read cache holds now.\n")
	b.WriteString("# TYPE seatkeeper_read_cache_entries gauge\n")
	fmt.Fprintf(&b, "seatkeeper_read_cache_entries %d\n", cs.Entries)
	b.WriteString("# HELP seatkeeper_copilot_seats Copilot seats billed now, by organization and state (active or pending_cancellation).\n")
	b.WriteString("# TYPE seatkeeper_copilot_seats gauge\n")
	orgs, err := s.store.CopilotOrgs(r.Context())
	if err != nil {
		return err
	}
	for _, org := range orgs {
		seats, err := s.copilot.OrgSeats(r.Context(), org)
		if err != nil {
			return err
		}
		pending := 0
		for _, seat := range seats {
			if seat.PendingCancellationDate != nil {
				pending++
			}
		}
		l := promLabel(org.Login)
		fmt.Fprintf(&b, "seatkeeper_copilot_seats{org=\"%s\",state=\"active\"} %d\n", l, len(seats)-pending)
		fmt.Fprintf(&b, "seatkeeper_copilot_seats{org=\"%s\",state=\"pending_cancellation\"} %d\n", l, pending)
	}
	writeOps(w, r, http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", b.Bytes())
	return nil
}
