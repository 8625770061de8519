// Package httpapi serves seatkeeper's GitHub-compatible REST API: GitHub's
// routes, authentication, headers, versioning, rate limits and error bodies.
// Handlers are thin: rules live in internal/copilot and internal/auth,
// state in internal/store.
package httpapi

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/journal"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// API versions seatkeeper serves, newest first; the default is the one an
// unversioned request gets.
var (
	APIVersions       = []string{"2026-03-10", "2022-11-28"}
	DefaultAPIVersion = "2022-11-28"
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
	limiter *limiter
	running *inflight
	mux     *http.ServeMux
	urls    urls
	metrics *reqMetrics      // request counts and latencies (ops.go)
	faults  *faults.Set      // fault injection (faults.go)
	journal *journal.Ring    // the request journal; nil when off (journal.go)
	cache   *readcache.Cache // nil when off
	// segments holds the body pieces cached answers share (respond.go).
	segments segments
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
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:     cfg,
		store:   st,
		clock:   clk,
		copilot: &copilot.Service{Store: st, Clock: clk},
		log:     cfg.Logger,
		limiter: newLimiter(),
		running: newInflight(),
		mux:     http.NewServeMux(),
		urls:    urls{api: cfg.BaseURL, html: cfg.BaseURL},
		metrics: newReqMetrics(),
		faults:  faults.NewSet(),
	}
	switch n := cfg.JournalSize; {
	case n == 0:
		s.journal = journal.New(DefaultJournalSize)
	case n > 0:
		s.journal = journal.New(n)
	}
	if cfg.ReadCacheEntries >= 0 {
		s.cache = readcache.New(st, cfg.ReadCacheEntries)
	}
	s.routes()
	return s
}

// exposedHeaders is GitHub's Access-Control-Expose-Headers.
const exposedHeaders = "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, " +
	"X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, " +
	"X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset, Warning"

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
	for k, v := range h {
		h[k] = v[:len(v):len(v)]
	}
	return h
}()

// ServeHTTP runs every request through GitHub's order of checks: an
// unresolvable credential (401), an unsupported API version (400), the
// primary rate limit (403), the route (404), then the route's own checks.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := newRequestID()
	rw := &responseWriter{ResponseWriter: w, status: http.StatusOK}
	h := rw.Header()
	h["X-Github-Request-Id"] = []string{rid}
	for k, v := range fixedHeaders {
		h[k] = v
	}

	r, jr := s.journalBegin(r) // the request journal's record (control_requests.go)
	var actor, kind string
	defer func() {
		v := recover()
		if v == http.ErrAbortHandler {
			// A deliberate abort (a drop_connection fault under HTTP/2):
			// net/http resets the stream, after the lines below.
			defer panic(v)
			v = nil
		}
		if v != nil {
			s.log.Error("panic", slog.String("request_id", rid), slog.Any("panic", v))
			if !rw.wroteHeader {
				s.writeBasicError(rw, r, http.StatusInternalServerError, basicError{
					Message: "Internal Server Error. If you reach out for help, please include the request ID " + rid + ".",
				})
			}
		}
		if s.log.Enabled(r.Context(), slog.LevelInfo) {
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", rid), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", r.Pattern), slog.Int("status", rw.status),
				slog.Duration("duration", time.Since(start)), slog.String("token_kind", kind), slog.String("actor", actor))
		}
		s.metrics.observe(r.Pattern, rw.status, time.Since(start))
		s.journalEnd(jr, r, rw.status, rid, kind, actor)
	}()

	// GitHub Enterprise Server serves the API under /api/v3.
	if rest, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok && (rest == "" || rest[0] == '/') {
		r = r.WithContext(context.WithValue(r.Context(), prefixKey{}, "/api/v3"))
		r.URL.Path = rest
		r.URL.RawPath = ""
		if r.URL.Path == "" {
			r.URL.Path = "/"
		}
	}

	if s.serveOps(rw, r) { // probes and scrapers: no credential, no rate limit
		return
	}
	// Reads from here on may be answered by the read cache, which checks
	// the data version now, so every write committed before this request
	// began is seen.
	ctx := s.cache.Begin(r.Context())
	p, present, err := s.authenticate(ctx, r)
	if err != nil {
		s.writeError(rw, r, err)
		return
	}
	if present {
		ctx = withPrincipal(ctx, p)
		kind = string(p.Token.Kind)
		if p.User != nil {
			actor = p.User.Login
		}
		if p.Token.Kind.UsesScopes() {
			h["X-Oauth-Scopes"] = []string{strings.Join(p.Token.Scopes, ", ")}
		}
		if p.Token.ExpiresAt != nil {
			h.Set("GitHub-Authentication-Token-Expiration", p.Token.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		if p.User == nil {
			actor = "installation"
		}
		ctx = audit.WithActor(ctx, audit.Actor{Login: actor, TokenKind: kind, RequestID: rid})
	}
	r = r.WithContext(ctx) // once: each WithContext copies the request

	var version string
	if v := r.Header["X-Github-Api-Version"]; len(v) > 0 { // the canonical key: Get would canonicalize anew
		version = v[0]
	}
	if version == "" {
		version = DefaultAPIVersion
	}
	selected, ok := versionSelected[version]
	if !ok {
		s.writeBasicError(rw, r, http.StatusBadRequest, basicError{Message: "Bad Request", Errors: unsupportedVersionMessage(version)})
		return
	}
	h["X-Github-Api-Version-Selected"] = selected

	key, limit := s.rateKey(r, p, present)
	rate := s.limiter.peek(key, limit)
	if rate.remaining() == 0 {
		setRateHeaders(h, rate)
		s.writeBasicError(rw, r, http.StatusForbidden, basicError{
			Message:          rateLimitMessage(p, present, clientAddr(r), rid, s.clock.Now()),
			DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
		})
		return
	}
	if present {
		release, ok := s.running.acquire(p.Token.Hash, s.cfg.ConcurrentLimit)
		if !ok {
			setRateHeaders(h, rate)
			h.Set("Retry-After", strconv.Itoa(secondaryRetryAfter))
			s.writeBasicError(rw, r, http.StatusTooManyRequests, basicError{
				Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
					"If you reach out to GitHub Support for help, please include the request ID " + rid + ".",
				DocumentationURL: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			})
			return
		}
		defer release()
	}
	// The request counts once its status is known: 304s are free.
	rw.rate = rate
	rw.beforeHeader = func(status int) {
		if status == http.StatusNotModified {
			setRateHeaders(h, rate)
			return
		}
		setRateHeaders(h, s.limiter.take(key, limit))
	}

	if needsCleaning(r) && s.route(r) == "" {
		// ServeMux would redirect to the cleaned path, where no route is.
		s.notFound(rw, r)
		return
	}
	if s.injectFault(rw, r) { // a fault answers instead (control_faults.go)
		return
	}
	s.mux.ServeHTTP(rw, r) // unknown routes reach catchAll: one match a request
}

// catchAll is the pattern of the handler for what no route serves:
// unknown paths, trailing slashes and wrong methods get GitHub's JSON 404,
// never ServeMux's text 404 or 405.
const catchAll = "/"

func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	r.Pattern = "" // no route: the log line, the metrics and the journal say so
	s.notFound(w, r)
}

// route is the pattern of the route serving r, "" when none does.
func (s *Server) route(r *http.Request) string {
	if _, p := s.mux.Handler(r); p != catchAll {
		return p
	}
	return ""
}

// needsCleaning reports whether ServeMux redirects r to a cleaned path
// (as net/http's cleanPath does: CONNECT requests are not cleaned).
func needsCleaning(r *http.Request) bool {
	if r.Method == http.MethodConnect {
		return false
	}
	p := r.URL.EscapedPath()
	if p == "" || p[0] != '/' {
		return true
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np != p
}

// secondaryRetryAfter is the Retry-After, in seconds, of a 429 for too
// many concurrent requests: a slot frees as soon as one of them ends.
const secondaryRetryAfter = 5

type prefixKey struct{}

// apiPrefix is the path prefix the request came in under ("/api/v3" or
// ""), so that URLs in Link headers lead back the same way.
func apiPrefix(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p
}

// versionSelected holds, for each supported version, its
// X-GitHub-Api-Version-Selected value, shared by every response (len ==
// cap: an append copies).
var versionSelected = func() map[string][]string {
	m := map[string][]string{}
	for _, v := range APIVersions {
		m[v] = []string{v}
	}
	return m
}()

func unsupportedVersionMessage(v string) string {
	quoted := make([]string, len(APIVersions))
	for i, s := range APIVersions {
		quoted[i] = strconv.Quote(s)
	}
	quoted[0] += " (most recent)"
	return fmt.Sprintf(`The version you specified in the "X-GitHub-API-Version" request header, %q, is not a supported version. `+
		`The following versions are currently supported: %s and %s.`, v, strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}

func rateLimitMessage(p seatkeeper.Principal, authed bool, addr, rid string, now time.Time) string {
	who := "for " + addr + "."
	switch {
	case authed && p.User != nil:
		who = fmt.Sprintf("for user ID %d.", p.User.ID)
	case authed:
		who = fmt.Sprintf("for installation ID %d.", p.Token.ID)
	}
	return fmt.Sprintf("API rate limit exceeded %s If you reach out to GitHub Support for help, please include the request ID %s and timestamp %s.",
		who, rid, now.UTC().Format("2006-01-02 15:04:05 MST"))
}

func setRateHeaders(h http.Header, st rateState) {
	// Canonical keys, assigned directly (see fixedHeaders). The limit and
	// reset values are the window's own; the two counts share one array,
	// each a full slice of its own so that an Add copies.
	v := [...]string{strconv.Itoa(st.remaining()), strconv.Itoa(st.used)}
	vals := v[:]
	h["X-Ratelimit-Limit"] = st.limitValue
	h["X-Ratelimit-Remaining"] = vals[0:1:1]
	h["X-Ratelimit-Reset"] = st.resetValue
	h["X-Ratelimit-Used"] = vals[1:2:2]
	h["X-Ratelimit-Resource"] = rateResourceCore
}

var rateResourceCore = []string{"core"}

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
}

// uncounted makes the response free: its rate-limit headers, set now,
// show the state before the request, which does not count. Headers set
// after it (a fault's own) take their place.
func (w *responseWriter) uncounted() {
	w.beforeHeader = nil
	setRateHeaders(w.Header(), w.rate)
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
