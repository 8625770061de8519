// Package dashboard is seatkeeper's web dashboard for the people who pay
// for Copilot seats: which seats are idle, what they cost, what is about
// to lapse, and, for owners whose token may write, cancelling and
// assigning seats. It is served by the same binary under /ui/, as HTML
// rendered on the server (html/template, SVG charts), with its templates
// and static files embedded.
//
// Reading and writing go through internal/copilot, the API's one code
// path for seats, under the API's access rules; the dashboard adds only
// sessions (sessionStore) and its pages.
package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/metrics"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is the path the dashboard is served under.
const Prefix = "/ui"

// Config tunes the dashboard. The zero value is fine.
type Config struct {
	// Logger receives one line per request and every internal error.
	Logger *slog.Logger
	// Prices are the monthly seat prices shown; default report.DefaultPrices.
	Prices report.Prices
	// Metrics counts the dashboard's requests, by route and status, beside
	// the API's (GET /metrics); nil counts nothing.
	Metrics *metrics.Metrics
	// SignInFailures is how many failed sign-ins a client address may make
	// in ten minutes before the form answers 429; default
	// DefaultSignInFailures.
	SignInFailures int
}

// Dashboard serves the pages under /ui/. It is an http.Handler.
type Dashboard struct {
	cfg      Config
	store    *store.Store
	clock    *clock.Clock
	copilot  *copilot.Service
	log      *slog.Logger
	sessions sessionStore
	throttle *throttle // failed sign-ins per client address
	pages    map[string]*template.Template
	mux      *http.ServeMux
	static   http.Handler
	version  string // of the static files, for cache busting
	// crossOrigin refuses writes a browser says come from another origin,
	// in front of the forms' CSRF tokens.
	crossOrigin *http.CrossOriginProtection
}

// New returns the dashboard over st, reading time from clk.
func New(cfg Config, st *store.Store, clk *clock.Clock) *Dashboard {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Prices == (report.Prices{}) {
		cfg.Prices = report.DefaultPrices
	}
	if cfg.SignInFailures <= 0 {
		cfg.SignInFailures = DefaultSignInFailures
	}
	d := &Dashboard{
		cfg:      cfg,
		store:    st,
		clock:    clk,
		copilot:  &copilot.Service{Store: st, Clock: clk},
		log:      cfg.Logger,
		sessions: newSessionStore(st),
		throttle: newThrottle(cfg.SignInFailures, st),
		mux:      http.NewServeMux(),

		crossOrigin: http.NewCrossOriginProtection(),
	}
	d.pages = parsePages()
	sub, _ := fs.Sub(staticFS, "static")
	d.static = http.StripPrefix(Prefix+"/static/", http.FileServerFS(sub))
	d.version = staticVersion()
	d.routes()
	return d
}

// Wrap returns a handler that sends /ui and everything under /ui/ to the
// dashboard and every other request to next (the API).
func (d *Dashboard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == Prefix || strings.HasPrefix(r.URL.Path, Prefix+"/") {
			d.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (d *Dashboard) routes() {
	d.mux.HandleFunc("GET /ui", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/", http.StatusMovedPermanently)
	})
	d.mux.HandleFunc("GET /ui/static/", d.serveStatic)
	d.mux.Handle("GET /ui/signin", d.handle(d.handleSignInForm))
	d.mux.Handle("POST /ui/signin", d.handle(d.handleSignIn))
	d.mux.Handle("POST /ui/signout", d.signedIn(d.handleSignOut))
	d.mux.Handle("GET /ui/{$}", d.signedIn(d.handleOrgs))
	d.mux.Handle("GET /ui/orgs/{org}", d.signedIn(d.org(d.handleOrg)))
	d.mux.Handle("GET /ui/enterprises/{enterprise}", d.signedIn(d.handleEnterprise))
	d.mux.Handle("GET /ui/enterprises/{enterprise}/usage", d.signedIn(d.handleEnterpriseUsage))
	d.mux.Handle("GET /ui/orgs/{org}/usage", d.signedIn(d.org(d.handleUsage)))
	d.mux.Handle("GET /ui/orgs/{org}/seats.csv", d.signedIn(d.org(d.handleCSV)))
	d.mux.Handle("POST /ui/orgs/{org}/cancel", d.signedIn(d.org(d.handleCancel)))
	d.mux.Handle("GET /ui/orgs/{org}/assign", d.signedIn(d.org(d.handleAssignForm)))
	d.mux.Handle("POST /ui/orgs/{org}/assign", d.signedIn(d.org(d.handleAssign)))
	d.mux.Handle("POST /ui/orgs/{org}/teams", d.signedIn(d.org(d.handleTeams)))
	d.mux.Handle("POST /ui/orgs/{org}/teams/cancel", d.signedIn(d.org(d.handleCancelTeams)))
	d.mux.Handle("POST /ui/orgs/{org}/undo", d.signedIn(d.org(d.handleUndo)))
}

// ServeHTTP serves one dashboard request with the dashboard's security
// headers, logging it.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := newRequestID()
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, rid))
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	h := rw.Header()
	h.Set("X-Request-Id", rid)
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	defer func() {
		if v := recover(); v != nil {
			d.log.Error("dashboard panic", slog.String("request_id", rid), slog.String("path", r.URL.Path), slog.Any("panic", v))
			if !rw.wrote {
				d.renderError(rw, r, http.StatusInternalServerError, "Something went wrong", "An unexpected error happened. It has been logged.")
			}
		}
		d.log.Info("ui request", slog.String("request_id", rid), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rw.status), slog.Duration("duration", time.Since(start)))
		if d.cfg.Metrics != nil {
			d.cfg.Metrics.Observe(r.Pattern, rw.status, time.Since(start))
		}
	}()
	if err := d.crossOrigin.Check(r); err != nil {
		d.writeError(rw, r, errBadCSRF)
		return
	}
	// A clock another replica set: pages read it; static files do not.
	if !strings.HasPrefix(r.URL.Path, "/ui/static/") {
		if err := d.clock.Sync(r.Context()); err != nil {
			d.writeError(rw, r, err)
			return
		}
	}
	if _, pattern := d.mux.Handler(r); pattern == "" {
		d.renderError(rw, r, http.StatusNotFound, "Page not found", "There is no page at "+r.URL.Path+".")
		return
	}
	d.mux.ServeHTTP(rw, r)
}

func (d *Dashboard) serveStatic(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		d.renderError(w, r, http.StatusNotFound, "Page not found", "There is no page at "+r.URL.Path+".")
		return
	}
	// Links carry ?v=<version>: a new build changes the address.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	d.static.ServeHTTP(w, r)
}

// staticVersion is a short hash of the static files.
func staticVersion() string {
	h := sha256.New()
	fs.WalkDir(staticFS, "static", func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			b, _ := staticFS.ReadFile(path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

type requestIDKey struct{}

// newRequestID returns an id for one dashboard request, for the log and
// the audit log: "UI-" and 16 hex digits.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "UI-" + strings.ToUpper(hex.EncodeToString(b[:]))
}

// requestID is the id of the request r belongs to.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

// statusWriter records the status written, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pageError is a refusal or failure a handler returns: the status and the
// message of the page that shows it.
type pageError struct {
	Status  int
	Title   string
	Message string
}

func (e *pageError) Error() string { return e.Message }

func forbidden(msg string) error {
	return &pageError{Status: http.StatusForbidden, Title: "Not allowed", Message: msg}
}

func notFound(msg string) error {
	return &pageError{Status: http.StatusNotFound, Title: "Not found", Message: msg}
}

// handle adapts a handler that returns an error: a *pageError or a
// seatkeeper error becomes a page with its status and message; anything
// else is logged and shown as a 500 without details.
func (d *Dashboard) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			d.writeError(w, r, err)
		}
	})
}

func (d *Dashboard) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	var se *seatkeeper.Error
	switch {
	case errors.As(err, &pe):
		d.renderError(w, r, pe.Status, pe.Title, pe.Message)
	case errors.As(err, &se) && se.Kind != seatkeeper.KindInternal:
		d.renderError(w, r, se.Kind.Status(), http.StatusText(se.Kind.Status()), se.Message)
	default:
		d.log.ErrorContext(r.Context(), "dashboard error", slog.String("request_id", requestID(r)), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		d.renderError(w, r, http.StatusInternalServerError, "Something went wrong",
			"An unexpected error happened. It has been logged with the request id "+requestID(r)+".")
	}
}
