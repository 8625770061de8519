// Package httpapi serves seatkeeper's GitHub-compatible REST API: GitHub's
// routes, authentication, headers, versioning, rate limits and error
// bodies. Every request, seatkeeper's own API's (internal/control) too,
// runs through ServeHTTP's steps, each in a file named for it (journal.go,
// prefix.go, ops.go, auth.go, version.go, ratelimit.go, routes.go,
// faults.go). Handlers are thin: access rules live in internal/auth, seat
// rules in internal/copilot, state in internal/store.
package httpapi

import (
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/graphql"
	"github.com/seatkeeper/seatkeeper/internal/journal"
	"github.com/seatkeeper/seatkeeper/internal/metrics"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// Config is the server's behaviour that callers may tune.
type Config struct {
	// BaseURL is the public URL of the API root, used in every URL the
	// API writes (object urls, Link headers). Default http://127.0.0.1:8080.
	BaseURL string
	// RateLimit is each token's requests per hour; default 5000.
	RateLimit int
	// ConcurrentLimit is how many requests one token may have in progress
	// at once (GitHub's secondary limit); more are answered 429. Default 100.
	ConcurrentLimit int
	// RateLimitUnauthenticated is each client address's requests per hour
	// without a token; default 60.
	RateLimitUnauthenticated int
	// Metrics is the registry GET /metrics reports, shared with the
	// dashboard; default a new one.
	Metrics *metrics.Metrics
	// Logger receives one line per request and every internal error.
	Logger *slog.Logger
	// JournalSize is how many requests the request journal
	// (GET /_seatkeeper/requests) keeps; default 1000, negative turns it off.
	JournalSize int
	// ReadCacheEntries bounds the read cache (internal/readcache): tokens,
	// organizations, memberships and seat details kept in memory while the
	// data is unchanged. Default readcache.DefaultLimit; negative turns it
	// off.
	ReadCacheEntries int
}

// Server is the API. It is an http.Handler.
type Server struct {
	cfg     Config
	store   *store.Store
	clock   *clock.Clock
	copilot *copilot.Service
	log     *slog.Logger
	limiter rateCounter
	running slotCounter
	mux     *http.ServeMux
	urls    urls
	metrics *metrics.Metrics // what GET /metrics reports (ops.go)
	faults  faults.Registry  // fault injection (faults.go)
	journal journal.Log      // the request journal; nil when off (journal.go)
	cache   *readcache.Cache // nil when off
	graphql *graphql.Service
	links   *usage.Signer // signs usage-report download links (usage.go)
	// objects holds the encoded objects cached answers share (seatbody.go).
	objects sharedObjects
}

// New returns the API over st, reading time from clk.
func New(cfg Config, st *store.Store, clk *clock.Clock) *Server {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:8080"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = 5000
	}
	if cfg.ConcurrentLimit <= 0 {
		cfg.ConcurrentLimit = 100
	}
	if cfg.RateLimitUnauthenticated <= 0 {
		cfg.RateLimitUnauthenticated = 60
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if st.SharesState() {
		clk.Share(sharedClock{st}) // replicas keep one clock (clock.Sync in authenticateStep)
	}
	s := &Server{
		cfg:     cfg,
		store:   st,
		clock:   clk,
		copilot: &copilot.Service{Store: st, Clock: clk},
		log:     cfg.Logger,
		limiter: newRateCounter(st),
		running: newSlotCounter(st),
		mux:     http.NewServeMux(),
		urls:    urls{api: cfg.BaseURL, html: cfg.BaseURL},
		links:   &usage.Signer{Keys: st},
		metrics: cfg.Metrics,
		faults:  faults.NewRegistry(st),
	}
	switch n := cfg.JournalSize; {
	case n == 0:
		s.journal = journal.NewLog(st, DefaultJournalSize)
	case n > 0:
		s.journal = journal.NewLog(st, n)
	}
	if cfg.ReadCacheEntries >= 0 {
		s.cache = readcache.New(st, cfg.ReadCacheEntries)
	}
	s.metrics.MustRegister(readCacheMetrics(s.cache)...)
	s.graphql = graphql.New(st, nodeID)
	s.routes()
	return s
}

// exposedHeaders is GitHub's current Access-Control-Expose-Headers (2025:
// Warning is no longer among them).
const exposedHeaders = "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, " +
	"X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, " +
	"X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"

// fixedHeaders are GitHub's headers on every response, keyed in canonical
// form and assigned directly: http.Header.Set would canonicalize and
// allocate each of them on every request. The value slices are shared, so
// nothing may append to them in place (Header.Add copies: len == cap).
var fixedHeaders = func() http.Header {
	h := http.Header{}
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Frame-Options", "deny")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-XSS-Protection", "0")
	h.Set("Referrer-Policy", "origin-when-cross-origin, strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Server", "github.com")
	for k, v := range h {
		h[k] = v[:len(v):len(v)]
	}
	return h
}()

// ServeHTTP runs every request through its steps, in GitHub's order of
// checks: an unresolvable credential (401), an unsupported API version
// (400), the rate limits (403, 429), the path (404), then a fault, if one
// fires, or the route and its own checks. A step that answers ends the
// request; end logs, counts and journals it whatever happened.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r) // request id, GitHub's headers, the journal's record
	defer s.end(x)
	stripPrefix(x)                 // prefix.go
	if servePreflight(x.rw, x.r) { // cors.go: a CORS preflight needs no credential and is never limited
		return
	}
	if s.serveOps(x) { // ops.go: probes and scrapers need no credential and are never limited
		return
	}
	if !s.authenticateStep(x) || // auth.go
		!s.checkVersion(x) { // version.go
		return
	}
	release, ok := s.checkLimits(x) // ratelimit.go
	if !ok {
		return
	}
	defer release()
	if !s.checkPath(x) || // routes.go
		s.injectFault(x) { // faults.go: a fault answers instead
		return
	}
	s.mux.ServeHTTP(x.rw, x.r) // unknown routes reach catchAll: one match a request
}

// exchange is one request as it goes through ServeHTTP's steps.
type exchange struct {
	rw      *responseWriter
	r       *http.Request // the request as the steps so far have made it
	rid     string
	start   time.Time
	journal *journalRecord // nil when the request is not journaled

	principal seatkeeper.Principal
	present   bool   // a credential was sent (and, past authenticateStep, resolved)
	kind      string // the token's kind, for the log line and the journal
	actor     string // the acting user's login, or "installation"
}

// begin starts a request: its id, GitHub's headers on every response, and
// the journal's record.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) *exchange {
	x := &exchange{start: time.Now(), rid: newRequestID(), rw: &responseWriter{ResponseWriter: w, status: http.StatusOK}}
	h := x.rw.Header()
	h["X-Github-Request-Id"] = []string{x.rid}
	for k, v := range fixedHeaders {
		h[k] = v
	}
	x.r, x.journal = s.journalBegin(r) // journal.go
	return x
}

// end finishes a request however it ended: a panic becomes a 500 (unless
// it was a deliberate abort), then the log line, the metrics and the
// journal's entry. It must be deferred: it recovers.
func (s *Server) end(x *exchange) {
	v := recover()
	if v == http.ErrAbortHandler {
		// A deliberate abort (a drop_connection fault under HTTP/2):
		// net/http resets the stream, after the lines below.
		defer panic(v)
		v = nil
	}
	r, rw := x.r, x.rw
	if v != nil {
		s.log.Error("panic", slog.String("request_id", x.rid), slog.Any("panic", v))
		if !rw.wroteHeader {
			s.writeBasicError(rw, r, http.StatusInternalServerError, basicError{
				Message: "Internal Server Error. If you reach out for help, please include the request ID " + x.rid + ".",
			})
		}
	}
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", x.rid), slog.String("method", r.Method), slog.String("path", journal.RedactString(r.URL.Path)),
			slog.String("route", r.Pattern), slog.Int("status", rw.status),
			slog.Duration("duration", time.Since(x.start)), slog.String("token_kind", x.kind), slog.String("actor", x.actor))
	}
	s.metrics.Observe(r.Pattern, rw.status, time.Since(x.start))
	s.journalEnd(x)
}

// clientAddr is the request's remote host, without the port.
func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// newRequestID returns an id in GitHub's form: colon-separated upper-case
// hex groups. Ids name requests, they guard nothing: math/rand/v2's
// generator (ChaCha8, seeded by the runtime) is random enough, and a
// fraction of crypto/rand's cost.
func newRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	out := make([]byte, 0, 40)
	for i, v := range []uint64{
		uint64(binary.BigEndian.Uint16(b[0:])), uint64(binary.BigEndian.Uint32(b[2:]) & 0xFFFFF),
		uint64(binary.BigEndian.Uint32(b[6:]) & 0xFFFFFFF), uint64(binary.BigEndian.Uint32(b[10:]) & 0xFFFFFFF), uint64(uint32(time.Now().Unix())),
	} {
		if i > 0 {
			out = append(out, ':')
		}
		out = appendUpperHex(out, v)
	}
	return string(out)
}

// appendUpperHex appends v in upper-case hexadecimal, as %X does.
func appendUpperHex(b []byte, v uint64) []byte {
	start := len(b)
	b = strconv.AppendUint(b, v, 16)
	for i := start; i < len(b); i++ {
		if c := b[i]; c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

// responseWriter records the status and runs beforeHeader once, just
// before the status line is written, so headers that depend on the status
// (the rate-limit count) are still settable.
type responseWriter struct {
	http.ResponseWriter
	status       int
	wroteHeader  bool
	beforeHeader func(status int)
	rate         rateState // the caller's rate limit before this request
	refund       func()    // gives back this request's count; nil once given or when uncounted
}

// uncounted makes the response free: its rate-limit headers, set now,
// show the state before the request, which does not count. Headers set
// after it (a fault's own) take their place.
func (w *responseWriter) uncounted() {
	w.beforeHeader = nil
	w.giveBack()
	setRateHeaders(w.Header(), w.rate)
}

// giveBack refunds the request's count, once.
func (w *responseWriter) giveBack() {
	if w.refund != nil {
		w.refund()
		w.refund = nil
	}
}

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.status = status
	if w.beforeHeader != nil {
		w.beforeHeader(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
