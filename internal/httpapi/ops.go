package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/seatkeeper/seatkeeper/internal/metrics"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Operations routes: liveness, readiness and Prometheus metrics. The
// probes answer before authentication and rate limiting (see serveOps), so
// that they need no token and are never limited. The metrics name every
// org with its seat counts: on the API's address they need a site
// administrator's token (auth.CheckSiteAdmin) and count against its rate
// limit; MetricsHandler serves them without one on an address of their own
// (serve --metrics-addr, loopback unless told otherwise).

// probeRoutes are the probes, in the order probeHandlers serves them.
var probeRoutes = []string{"GET /healthz", "GET /readyz"}

// OpsRoutes are the operations routes; internal/control's OpenAPI document
// describes them.
var OpsRoutes = append(slices.Clone(probeRoutes), metricsRoute)

const metricsRoute = "GET /metrics"

func (s *Server) probeHandlers() []func(w http.ResponseWriter, r *http.Request) error {
	return []func(w http.ResponseWriter, r *http.Request) error{s.handleHealthz, s.handleReadyz}
}

// opsPaths are the paths serveOps answers.
var opsPaths = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range probeRoutes {
		_, path, _ := strings.Cut(p, " ")
		m[path] = true
	}
	return m
}()

// MetricsHandler serves GET /metrics with no credential, for a listener of
// its own that only the scraper reaches; it answers nothing else.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(metricsRoute, s.handle(s.handleMetrics))
	return mux
}

// serveOps answers a request for a probe's path and reports whether it
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
	if err := s.store.Writable(r.Context()); errors.Is(err, store.ErrDiskFull) {
		s.log.Warn("readyz: database disk full", "error", err.Error())
		return unavailable("The database cannot write: its disk is full.")
	} else if err != nil {
		s.log.Warn("readyz: database cannot write", "error", err.Error())
		return unavailable("The database cannot write.")
	}
	writeOpsJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "schema_version": v})
	return nil
}

// handleMetrics serves GET /metrics in Prometheus's text format: request
// counts and latencies since the process started, and the Copilot seats of
// every organization at the clock's time, counted in the seat ledger.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.store.CopilotOrgs(r.Context())
	if err != nil {
		return err
	}
	seats := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "seatkeeper_copilot_seats", Help: "Copilot seats billed now, by organization and state (active or pending_cancellation).",
	}, []string{"org", "state"})
	totals, err := s.store.SeatTotals(r.Context(), s.clock.Now())
	if err != nil {
		return err
	}
	for _, org := range orgs {
		t := totals[org.ID]
		seats.WithLabelValues(org.Login, "active").Set(float64(t.Listed - t.Pending))
		seats.WithLabelValues(org.Login, "pending_cancellation").Set(float64(t.Pending))
	}
	body, err := s.metrics.Write(seats)
	if err != nil {
		return err
	}
	writeOps(w, r, http.StatusOK, metrics.ContentType, body)
	return nil
}

// readCacheMetrics are the read cache's counters, read at each scrape.
func readCacheMetrics(c *readcache.Cache) []prometheus.Collector {
	lookups := func(result string, n func(readcache.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "seatkeeper_read_cache_lookups_total",
			Help:        "Read cache lookups, by result: hit, miss (read the store, and kept the answer unless it was a failure or an unknown token) or bypass (a request older than the cached data read the store).",
			ConstLabels: prometheus.Labels{"result": result},
		}, func() float64 { return float64(n(c.Stats())) })
	}
	return []prometheus.Collector{
		lookups("hit", func(s readcache.Stats) uint64 { return s.Hits }),
		lookups("miss", func(s readcache.Stats) uint64 { return s.Misses }),
		lookups("bypass", func(s readcache.Stats) uint64 { return s.Bypasses }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "seatkeeper_read_cache_entries", Help: "Answers the read cache holds now."},
			func() float64 { return float64(c.Stats().Entries) }),
	}
}
