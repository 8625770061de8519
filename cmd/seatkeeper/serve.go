package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/control"
	"github.com/seatkeeper/seatkeeper/internal/dashboard"
	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/metrics"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// serveReady, when set (by tests), receives the listening address.
var serveReady func(addr string)

const serveUsage = `Usage: seatkeeper serve [--database DB] [--addr HOST:PORT] [--demo | --seed FILE] [flags]

Serves GitHub's Copilot seat-management API, seatkeeper's control API under /_seatkeeper,
and the dashboard at /ui/. With --demo, the built-in demo data set in memory.`

func runServe(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, stderr)
	var db dbFlags
	db.register(fs.FlagSet, env)
	var tlsf tlsFlags
	tlsf.register(fs.FlagSet, env)
	addr := fs.String("addr", envOr(env, "SEATKEEPER_ADDR", "127.0.0.1:8080"), "listen address (env SEATKEEPER_ADDR)")
	baseURL := fs.String("base-url", env("SEATKEEPER_BASE_URL"), "public URL of the API, used in URLs the API writes (env SEATKEEPER_BASE_URL; default http://ADDR, or https:// when serving TLS)")
	seedFile := fs.String("seed", "", "seed document (YAML or JSON) to load into an empty database at start")
	demoData := fs.Bool("demo", false, "load the built-in demo data set (in memory unless --database is given)")
	rateLimit := fs.Int("rate-limit", 5000, "requests per hour per token")
	rateLimitAnon := fs.Int("rate-limit-unauthenticated", 60, "requests per hour per client address without a token")
	concurrent := fs.Int("rate-limit-concurrent", 100, "requests one token may have in progress at once; more get 429 (GitHub's secondary limit)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	allowClock := fs.Bool("allow-clock-control", false, "let site administrators set and release the service clock (PUT/DELETE /_seatkeeper/clock)")
	journalSize := fs.Int("journal-size", httpapi.DefaultJournalSize, "requests the request journal keeps in memory (GET /_seatkeeper/requests); 0 turns it off")
	readCache := fs.Int("read-cache", readcache.DefaultLimit, "answers the read cache may hold (tokens, orgs, memberships, seat details; dropped whenever the data changes); 0 turns it off")
	memoryLimit := fs.Int("memory-limit", 0, "soft limit on the Go heap in MiB, near which the garbage collector works harder; 0 sizes it for the read cache (36 MiB and 2 KiB an entry: 100 MiB by default), -1 leaves Go's default; env GOMEMLIMIT wins")
	metricsAddr := fs.String("metrics-addr", "", "also serve GET /metrics without a token on this address (a port alone, :9100, listens on loopback); on --addr it needs a site administrator's token")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060; off by default")
	allowWeak := fs.Bool("allow-weak-tokens", false, "accept literal tokens that are easy to guess (short, repetitive, published) in --seed and POST /_seatkeeper/seed")
	adminTokenFile := fs.String("admin-token-file", "", "file holding the bootstrap administrator's token (overrides env SEATKEEPER_ADMIN_TOKEN)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *demoData && *seedFile != "" {
		return usageErr("--demo and --seed cannot be used together")
	}
	if err := checkServeFlags(*addr, *baseURL); err != nil {
		return err
	}
	if err := tlsf.check(); err != nil {
		return err
	}
	if n := heapLimit(*memoryLimit, *readCache); n > 0 && env("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(n)
	}
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	logger, err := newLogger(*logFormat, logOut)
	if err != nil {
		return err
	}
	adminToken := env("SEATKEEPER_ADMIN_TOKEN")
	if *adminTokenFile != "" {
		b, err := os.ReadFile(*adminTokenFile)
		if err != nil {
			return err
		}
		if adminToken = strings.TrimSpace(string(b)); adminToken == "" {
			return fmt.Errorf("%s: the admin token file is empty", *adminTokenFile)
		}
	}

	fallback := defaultDatabasePath(env)
	if *demoData {
		fallback = ":memory:"
	}
	dsn := db.database
	if dsn == "" {
		dsn = fallback
	}
	served, err := tlsf.load(dsn, time.Now()) // before the database: a bad file fails fast
	if err != nil {
		return err
	}
	st, err := db.open(ctx, fallback)
	if err != nil {
		return err
	}
	defer st.Close()
	clk := &clock.Clock{}

	switch {
	case *demoData:
		if err := refuseDemoOver(ctx, st, db.database); err != nil {
			return err
		}
		if err := loadIfEmpty(ctx, st, logger, "demo data", func() error { return demo.Document(clk.Now()).Load(ctx, st, clk.Now()) }); err != nil {
			return err
		}
	case *seedFile != "":
		if err := loadIfEmpty(ctx, st, logger, *seedFile, func() error {
			return seed.LoadFile(ctx, st, *seedFile, clk.Now(), seed.FileOptions{AllowWeakTokens: *allowWeak})
		}); err != nil {
			return err
		}
	}

	if adminToken != "" {
		res, err := bootstrap.Admin(ctx, st, adminToken, clk.Now())
		if err != nil {
			return err
		}
		logger.Info("bootstrap administrator ready", slog.String("login", bootstrap.Login),
			slog.Bool("user_created", res.UserCreated), slog.Bool("token_created", res.TokenCreated), slog.Int("tokens_revoked", res.Revoked))
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	public := *baseURL
	if public == "" {
		public = served.scheme() + "://" + served.publicHost(ln.Addr())
	}
	reg := metrics.New() // the API's and the dashboard's requests, the Go runtime, the process
	api := httpapi.New(httpapi.Config{
		Metrics: reg, BaseURL: public, RateLimit: *rateLimit, RateLimitUnauthenticated: *rateLimitAnon, ConcurrentLimit: *concurrent, Logger: logger,
		JournalSize: journalSizeConfig(*journalSize), ReadCacheEntries: readCacheConfig(*readCache),
	}, st, clk)
	control.Register(api, control.Config{AllowClockControl: *allowClock, AllowWeakTokens: *allowWeak}, st, clk)
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr, logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	if *metricsAddr != "" {
		stop, err := serveAside("metrics", loopbackByDefault(*metricsAddr), api.MetricsHandler(), logger)
		if err != nil {
			return err
		}
		defer stop()
	}
	// The dashboard answers /ui and /ui/...; everything else is the API.
	dash := dashboard.New(dashboard.Config{Logger: logger, Metrics: reg}, st, clk)
	srv := &http.Server{
		Handler:           dash.Wrap(api),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		TLSConfig:         served.config,
	}

	logger.Info("seatkeeper listening", slog.String("addr", ln.Addr().String()), slog.String("base_url", public),
		slog.String("database", string(st.Dialect())))
	if *demoData {
		fmt.Fprintf(stdout, "seatkeeper demo on %s\n\n  token: %s\n\n  curl%s -H 'Authorization: Bearer %s' %s/orgs/%s/members/%s/copilot\n\n  dashboard: %s/ui/ (sign in with the token)\n\n",
			public, demo.OwnerToken, served.curlFlags(), demo.OwnerToken, public, demo.Org, demo.SeatUser, public)
		served.printGHRecipe(stdout, served.publicHost(ln.Addr()), demo.OwnerToken, "/orgs/"+demo.Org+"/copilot/billing/seats")
	} else {
		served.printGHRecipe(stdout, served.publicHost(ln.Addr()), "YOUR_TOKEN", "/user")
	}
	if serveReady != nil {
		serveReady(ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() {
		if served.config != nil {
			errc <- srv.ServeTLS(ln, "", "") // HTTP/2 too, as net/http negotiates it
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests, then close the database (deferred).
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("seatkeeper stopped")
	return nil
}

// loadIfEmpty runs load only when the database holds no users but the
// bootstrap administrator, so that restarting "serve --seed F" on the same
// database keeps its state.
func loadIfEmpty(ctx context.Context, st *store.Store, logger *slog.Logger, what string, load func() error) error {
	empty, err := isEmpty(ctx, st)
	if err != nil {
		return err
	}
	if !empty {
		logger.Info("database already holds data; not loading", slog.String("seed", what))
		return nil
	}
	if err := load(); err != nil {
		return err
	}
	logger.Info("loaded", slog.String("seed", what))
	return nil
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usageErr("--log-format must be text or json, not %q", format)
}

func envOr(env func(string) string, key, fallback string) string {
	if v := env(key); v != "" {
		return v
	}
	return fallback
}

// readCacheConfig turns --read-cache into Config.ReadCacheEntries, where 0
// means the default and a negative size turns the cache off.
func readCacheConfig(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// heapLimit is the soft heap limit --memory-limit asks for, in bytes (0
// for none): by default room for the read cache's entries (each about
// 1.2 KB of encoded seat, kept as the garbage collector leaves it) beside
// the rest of the server, so that resident memory stays near 150 MB with
// the default cache however many distinct answers clients ask for.
func heapLimit(mib, cacheEntries int) int64 {
	switch {
	case mib < 0:
		return 0
	case mib > 0:
		return int64(mib) << 20
	}
	return 36<<20 + int64(max(cacheEntries, 0))*2<<10
}

// servePprof serves net/http/pprof's handlers on addr, which must be a
// loopback address: profiles reveal memory contents.
func servePprof(addr string, logger *slog.Logger) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return nil, usageErr("--pprof must be a loopback address such as 127.0.0.1:6060, not %q", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return serveAside("profiler", addr, mux, logger)
}

// serveAside serves h on a listener of its own at addr, beside the API,
// until stop is called.
func serveAside(name, addr string, h http.Handler, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	logger.Info(name+" listening", slog.String("addr", ln.Addr().String()))
	if serveAsideReady != nil {
		serveAsideReady(name, ln.Addr().String())
	}
	return func() { srv.Close() }, nil
}

// serveAsideReady, when set (by tests), receives the address of each
// listener serveAside opens.
var serveAsideReady func(name, addr string)

// loopbackByDefault gives an address without a host (":9100") the
// loopback host; an address that names one keeps it.
func loopbackByDefault(addr string) string {
	if host, port, err := net.SplitHostPort(addr); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// journalSizeConfig turns --journal-size into Config.JournalSize, where 0
// means the default and a negative size turns the journal off.
func journalSizeConfig(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}
