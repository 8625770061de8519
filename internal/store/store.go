// Package store persists seatkeeper's model in SQLite (embedded, the
// default) or PostgreSQL, through one code path: queries are written with
// "?" placeholders and rebound for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/seatkeeper/seatkeeper"
)

// Dialect names a supported database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options tunes a Store. The zero value is fine.
type Options struct {
	MaxOpenConns     int           // PostgreSQL pool size; default 10
	StatementTimeout time.Duration // PostgreSQL statement_timeout; 0 leaves the server's
	MaxRetries       int           // retries of a transaction after a serialization failure; default 5
}

// Store is the database. Its read methods (from ops) run outside any
// transaction; writes go through Tx.
type Store struct {
	ops
	db      *sql.DB
	dialect Dialect
	retries int
	// SQLite allows one writer; a mutex queues writers in the process
	// instead of spinning on SQLITE_BUSY.
	writeMu sync.Mutex
	commits commitCounter // committed writes (version.go)
	probe   versionProbe  // DataVersion's own connection (version.go)
	file    string        // the SQLite file, "" in memory and on PostgreSQL
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ops holds every query; Store runs them on the pool, Tx inside a
// transaction.
type ops struct {
	q       querier
	d       Dialect
	stmts   *stmtCache     // SQLite only: prepared statements, shared by the store and its transactions
	tx      *sql.Tx        // set inside a transaction
	commits *commitCounter // the store's count of committed writes (version.go)
	dirt    *ledgerDirt    // inside a transaction: seats to re-resolve before it commits (ledger.go)
}

// Tx is a write transaction.
type Tx struct{ ops }

// IsPostgresURL reports whether dsn names a PostgreSQL database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database named by dsn and applies
// migrations: a postgres:// URL selects PostgreSQL, anything else is a
// SQLite file path, or ":memory:".
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if err := CheckDSN(dsn); err != nil {
		return nil, err
	}
	s := &Store{retries: opt.MaxRetries}
	if s.retries <= 0 {
		s.retries = 5
	}
	var err error
	if IsPostgresURL(dsn) {
		s.dialect = Postgres
		s.db, err = openPostgres(dsn, opt)
	} else {
		s.dialect = SQLite
		s.db, err = openSQLite(dsn)
		if dsn != ":memory:" {
			s.file = dsn
		}
	}
	if err != nil {
		return nil, err
	}
	s.ops = ops{q: s.db, d: s.dialect, commits: &s.commits}
	if s.dialect == SQLite && dsn != ":memory:" {
		// pgx caches prepared statements itself; modernc's driver parses
		// every statement anew, which is most of a simple query's cost.
		// (Not for :memory:, whose single connection a transaction holds:
		// preparing on the pool would wait for it forever.)
		s.ops.stmts = &stmtCache{db: s.db}
	}
	if err := s.connect(ctx); err != nil {
		s.db.Close()
		if s.dialect == SQLite {
			return nil, fmt.Errorf("store: open SQLite database %s: %w", dsn, err)
		}
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.openVersionProbe(ctx, dsn); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.dialect == SQLite {
		// The planner's statistics, for the tables that grew or shrank
		// much since they were last taken (or never were): without them
		// SQLite takes an org's range of an index over the seat ledger's
		// primary key for a few users' seats. Advisory: a database that
		// cannot write (read-only, a full disk) opens without them.
		s.db.ExecContext(ctx, `PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002`)
	}
	return s, nil
}

// Analyze takes SQLite's query planner statistics anew, after a bulk
// load (PostgreSQL's autovacuum takes them there).
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// connect makes the first connection. SQLite answers SQLITE_BUSY, without
// waiting, to a connection that switches a new file to WAL while another
// process (or pool) does the same: such a start is retried for a while.
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.db.PingContext(ctx)
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(10+rand.IntN(40)) * time.Millisecond):
		}
	}
}

func openSQLite(path string) (*sql.DB, error) {
	memory := path == ":memory:"
	if memory {
		path = "file::memory:"
	}
	q := url.Values{}
	// Foreign keys are off by default in SQLite; the schema relies on them
	// for cascades. WAL lets readers proceed while a writer commits, and the
	// busy timeout covers writers from other processes. BEGIN IMMEDIATE takes
	// the write lock up front, so a transaction never fails half-way when it
	// first writes. synchronous=FULL makes each commit durable before it is
	// acknowledged, even across a power loss.
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)")
	if !memory {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	if memory {
		// Each connection to :memory: would be a separate, empty database.
		db.SetMaxOpenConns(1)
	} else {
		// SQLite does its work on the calling goroutine: more connections
		// than cores only add page caches to keep warm and locks to
		// contend for. Readers queue for a connection instead.
		n := max(4, 2*runtime.GOMAXPROCS(0))
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	return db, nil
}

func openPostgres(dsn string, opt Options) (*sql.DB, error) {
	if opt.StatementTimeout > 0 {
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: database URL: %w", err)
		}
		q := u.Query()
		q.Set("statement_timeout", fmt.Sprint(opt.StatementTimeout.Milliseconds()))
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	n := opt.MaxOpenConns
	if n <= 0 {
		n = 10
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db, nil
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the pool, for health checks and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error {
	if s.probe.db != nil {
		s.probe.db.Close()
	}
	err := s.db.Close()
	// After the connections: see walIndex.
	if s.probe.wal != nil {
		s.probe.wal.close()
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Tx runs fn in one transaction: everything fn writes is committed together
// or not at all. On PostgreSQL the transaction is SERIALIZABLE and is
// retried, a bounded number of times with jittered backoff, when the
// database reports a serialization failure or deadlock.
func (s *Store) Tx(ctx context.Context, fn func(*Tx) error) error {
	return s.txWith(ctx, s.serializable(), 0, fn)
}

// Snapshot runs fn in a read-only transaction that sees one state of the
// database throughout: on SQLite a deferred transaction, which neither
// waits for nor holds off writers (WAL); on PostgreSQL REPEATABLE READ.
// It is never retried, so fn may pass on what it reads as it goes (an
// export writing its output). fn must not write.
func (s *Store) Snapshot(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{ops{q: tx, d: s.dialect, stmts: s.stmts, tx: tx, commits: &s.commits, dirt: &ledgerDirt{}}})
}

// LockedTx is Tx for writes that read, count and then write within one
// scope (an organization's seats, say): transactions with the same key run
// one at a time. On PostgreSQL the key is a session advisory lock taken
// before the transaction begins, so each one's snapshot already sees its
// predecessor's commit and serialization failures between them vanish;
// SERIALIZABLE still guards everything else. SQLite runs one writer at a
// time anyway.
func (s *Store) LockedTx(ctx context.Context, key int64, fn func(*Tx) error) error {
	return s.txWith(ctx, s.serializable(), key, fn)
}

func (s *Store) serializable() *sql.TxOptions {
	if s.dialect == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	return nil
}

func (s *Store) txWith(ctx context.Context, opts *sql.TxOptions, lock int64, fn func(*Tx) error) error {
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = s.tryTx(ctx, opts, lock, fn)
		if err == nil {
			s.maybePruneChanges(ctx)
			return nil
		}
		if !retryable(err) || attempt >= s.retries {
			return err
		}
		// Exponential backoff with full jitter, capped at 200ms.
		wait := time.Duration(rand.Int64N(int64(min(200*time.Millisecond, (2<<attempt)*time.Millisecond)) + 1))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

func (s *Store) tryTx(ctx context.Context, opts *sql.TxOptions, lock int64, fn func(*Tx) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: connection: %w", err)
	}
	defer conn.Close()
	if lock != 0 && s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lock); err != nil {
			return fmt.Errorf("store: lock: %w", err)
		}
		// Unlock even if ctx is done, or the pooled session keeps the lock.
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lock)
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	t := &Tx{ops{q: tx, d: s.dialect, stmts: s.stmts, tx: tx, commits: &s.commits, dirt: &ledgerDirt{}}}
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := t.flushLedger(ctx); err != nil {
		tx.Rollback()
		return err
	}
	if err := t.recordChanges(ctx); err != nil {
		tx.Rollback()
		return err
	}
	err = tx.Commit()
	// Count even a failed commit: whether it took effect is unknown, and
	// a spurious count only costs readers a cache refill.
	s.commits.Add(1)
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Lock keys for LockedTx: one namespace per kind of scope.
const (
	lockOrgSeats     = 1 << 40
	lockPruneChanges = 2 << 40 // PruneChanges, one replica at a time
)

// OrgLock is the LockedTx key for writes to one organization's seats and
// memberships.
func OrgLock(orgID int64) int64 { return lockOrgSeats | orgID }

// retryable reports whether err is a transient conflict between
// transactions that a retry may resolve.
func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// Unavailable reports whether err means the database cannot serve the
// request now, through no fault of the request: it cannot be reached, it
// is shutting down or starting, or it cannot write (read-only, disk full,
// I/O error). Such a failure is a 503 to retry, not a 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || // connection exception
			pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || // shutting down, cannot connect now
			pg.Code == "53100" || pg.Code == "25006" // disk full, read-only transaction
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var connect *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connect) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// Writable checks that the database accepts writes, by a write that
// changes nothing, rolled back (nothing is committed, so readers' caches
// stay): a read-only database file or transaction fails it. A rolled-back
// write never reaches the disk, so beside a SQLite file it also writes
// and removes a small file: a full disk fails that (ErrDiskFull).
// (PostgreSQL's disk is the server's: a write it cannot make is 53100,
// which Unavailable names.)
func (s *Store) Writable(ctx context.Context) error {
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err = tx.ExecContext(ctx, s.rebind(`UPDATE id_sequences SET last_id = last_id WHERE name = ?`), ""); err != nil {
		return err
	}
	if s.file != "" {
		return probeDisk(filepath.Dir(s.file))
	}
	return nil
}

// ErrDiskFull is Writable's answer when the SQLite file's disk is full.
var ErrDiskFull = errors.New("store: the database's disk is full")

// diskProbeSize is what probeDisk writes: room for a few of SQLite's
// write-ahead log frames.
const diskProbeSize = 64 << 10

// probeDisk writes, syncs and removes a small file in dir. Only a full
// disk or an exhausted quota is an error: whether the database itself may
// be written is the rolled-back write's question.
func probeDisk(dir string) error {
	f, err := os.CreateTemp(dir, ".seatkeeper-readyz-*")
	if err == nil {
		defer os.Remove(f.Name())
		_, err = f.Write(make([]byte, diskProbeSize))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return nil
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// ErrNotFound is returned (wrapped) by lookups that find nothing.
var ErrNotFound = &seatkeeper.Error{Kind: seatkeeper.KindNotFound, Message: "Not Found"}

func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// rebound caches queries in the form each dialect runs them.
var rebound sync.Map // dialectQuery -> string

type dialectQuery struct {
	d Dialect
	q string
}

// maxRebound is the longest query text rebound keeps: longer ones (bulk
// statements built for a number of rows) are rewritten each time.
const maxRebound = 4096

// rebind writes query in the form the store's database runs it. Queries
// are written with "?" placeholders and never carry a literal "?", so a
// plain scan is exact.
//   - On PostgreSQL, placeholders become "$n".
//   - On SQLite, a placeholder compared for equality ("= ?") becomes "= +?":
//     the same comparison (a parameter has no affinity, with or without the
//     unary plus, and the column's index is used alike). With a bare "?",
//     SQLite marks many statements that compare a column with it (those that
//     also sort, group or join) as depending on the value bound, and compiles
//     them again whenever a different one is bound: a seat lookup for one org
//     after another's cost more in compiling than in reading.
//     TestSeatReadsAreNotRecompiled and TestEnterpriseSeatReadsAreNotRecompiled
//     count SQLite's recompilations.
func (o ops) rebind(query string) string { return rebind(o.d, query) }

func rebind(d Dialect, query string) string {
	if d != Postgres && !strings.Contains(query, "?") {
		return query
	}
	k := dialectQuery{d, query}
	if v, ok := rebound.Load(k); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		switch {
		case d == Postgres:
			fmt.Fprintf(&b, "$%d", n)
		case comparedEqual(query[:i]):
			b.WriteString("+?")
		default:
			b.WriteByte('?')
		}
	}
	out := b.String()
	if len(query) <= maxRebound {
		rebound.Store(k, out)
	}
	return out
}

// comparedEqual reports whether the text before a placeholder ends in an
// equality sign ("=", not "<=", ">=", "!=" or "=="), spaces aside.
func comparedEqual(before string) bool {
	before = strings.TrimRight(before, " \t\n")
	if !strings.HasSuffix(before, "=") {
		return false
	}
	before = before[:len(before)-1]
	return before == "" || strings.IndexByte("<>!=", before[len(before)-1]) < 0
}

// countWrite counts a statement run outside a transaction that may
// write, since it commits on its own: once before it runs and once after
// (the deferred func it returns), so a reader that loads the count while
// the statement is in flight cannot file what it reads under the final
// count.
func (o ops) countWrite(query string) func() {
	if o.tx != nil {
		o.noteWrite(query)
		return func() {}
	}
	if o.commits == nil || !mayWrite(query) {
		return func() {}
	}
	o.commits.Add(1)
	return func() {
		// What a statement of its own changed is not known: everything.
		o.insertChange(context.Background(), ScopeAll)
		o.commits.Add(1)
	}
}

// mayWrite reports whether a statement can change data: anything but a
// SELECT or PRAGMA, or a WITH whose words include no INSERT, UPDATE or
// DELETE (as words: updated_at is not one). A statement with a comment
// counts as a write.
func mayWrite(query string) bool {
	if strings.Contains(query, "/*") || strings.Contains(query, "--") {
		return true // a comment could hide the first word: assume the worst
	}
	first := true
	for rest := query; ; {
		var w string
		if w, rest = nextWord(rest); w == "" {
			return false
		}
		if first {
			first = false
			switch {
			case strings.EqualFold(w, "SELECT"), strings.EqualFold(w, "PRAGMA"):
				return false
			case !strings.EqualFold(w, "WITH"):
				return true
			}
			continue
		}
		if strings.EqualFold(w, "INSERT") || strings.EqualFold(w, "UPDATE") || strings.EqualFold(w, "DELETE") {
			return true
		}
	}
}

// nextWord returns the first SQL word (letters, digits, underscores) of s
// and what follows it.
func nextWord(s string) (word, rest string) {
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	i := 0
	for i < len(s) && !isWord(s[i]) {
		i++
	}
	j := i
	for j < len(s) && isWord(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

// ErrUnstorable refuses a write of text that not every database can hold:
// PostgreSQL refuses a NUL byte and invalid UTF-8 in text, which SQLite
// would keep. Refusing it on both keeps the stores interchangeable.
var ErrUnstorable = seatkeeper.ValidationFailed(seatkeeper.FieldError{
	Code: "invalid", Message: "Text may not contain a NUL byte or invalid UTF-8.",
})

// storableArgs checks every text argument against what both databases
// can hold (see ErrUnstorable). This is the one place where such text is
// caught, whichever door it came in by (a path, a body, a seed), on SQLite
// and PostgreSQL alike: a write holding it is ErrUnstorable (422); a read
// runs with NULL in its place, so that it compares equal to nothing, as
// no stored text can equal it (a lookup finds nothing: 404; a count is 0).
// ok is false for a write that must be refused; the args to run with are
// args itself unless one was replaced.
func storableArgs(query string, args []any) (_ []any, ok bool) {
	text := func(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
	var out []any
	for i, a := range args {
		switch v := a.(type) {
		case string:
			ok = text(v)
		case sql.NullString:
			ok = !v.Valid || text(v.String)
		case *string:
			ok = v == nil || text(*v)
		default:
			continue
		}
		if ok {
			continue
		}
		if mayWrite(query) {
			return nil, false
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = nil
	}
	if out == nil {
		return args, true
	}
	return out, true
}

func (o ops) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	args, ok := storableArgs(query, args)
	if !ok {
		return nil, ErrUnstorable
	}
	defer o.countWrite(query)()
	if st := o.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return o.q.ExecContext(ctx, o.rebind(query), args...)
}

func (o ops) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	args, ok := storableArgs(query, args)
	if !ok {
		return nil, ErrUnstorable
	}
	defer o.countWrite(query)()
	if st := o.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return o.q.QueryContext(ctx, o.rebind(query), args...)
}

func (o ops) queryRow(ctx context.Context, query string, args ...any) row {
	args, ok := storableArgs(query, args)
	if !ok {
		return row{err: ErrUnstorable}
	}
	defer o.countWrite(query)()
	if st := o.prepared(ctx, query); st != nil {
		return row{Row: st.QueryRowContext(ctx, args...)}
	}
	return row{Row: o.q.QueryRowContext(ctx, o.rebind(query), args...)}
}

// row is a *sql.Row, or the error a query was refused with before it ran.
type row struct {
	*sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.Row.Scan(dest...)
}

// prepared returns the cached prepared statement for query, bound to the
// transaction when there is one; nil when statements are not cached (on
// PostgreSQL, or once the cache is full).
func (o ops) prepared(ctx context.Context, query string) *sql.Stmt {
	if o.stmts == nil {
		return nil
	}
	if o.tx == nil {
		return o.stmts.get(ctx, query, true)
	}
	// Inside a transaction, use a statement prepared earlier but never
	// prepare one: that would need a second connection from the pool while
	// this one is held.
	if st := o.stmts.get(ctx, query, false); st != nil {
		return o.tx.StmtContext(ctx, st)
	}
	return nil
}

// stmtCache holds a bounded number of SQLite prepared statements by query
// text (prepared in its SQLite form, rebind).
// Queries are constants of this package or built from a few variants, so
// the bound is only a guard against a caller building unbounded text (bulk
// inserts, which run unprepared once it is reached).
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const stmtCacheSize = 256

// get returns query's statement, preparing it on the pool if prepare is
// set and the cache has room.
func (c *stmtCache) get(ctx context.Context, query string, prepare bool) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok || !prepare {
		return st
	}
	if len(c.stmts) >= stmtCacheSize || strings.Count(query, "?") > 64 {
		return nil
	}
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), rebind(SQLite, query))
	if err != nil {
		return nil // the unprepared path reports the error
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

// nextID allocates the next id of a named sequence. The UPDATE takes a row
// lock, so concurrent transactions on PostgreSQL queue rather than collide.
func (o ops) nextID(ctx context.Context, seq string) (int64, error) {
	var id int64
	err := o.queryRow(ctx, `UPDATE id_sequences SET last_id = last_id + 1 WHERE name = ? RETURNING last_id`, seq).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := o.exec(ctx, `INSERT INTO id_sequences (name, last_id) VALUES (?, 1)`, seq); err != nil {
			return 0, fmt.Errorf("store: sequence %s: %w", seq, err)
		}
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: sequence %s: %w", seq, err)
	}
	return id, nil
}

// claimID records an explicitly chosen id so the sequence never hands it
// out. An id above seatkeeper.MaxID is refused: the sequence would count
// on from it into the reserved range, or past int64's end.
func (o ops) claimID(ctx context.Context, seq string, id int64) error {
	if id > seatkeeper.MaxID {
		return seatkeeper.Errorf(seatkeeper.KindInvalid, "id %d is outside GitHub's id range (1 to %d)", id, int64(seatkeeper.MaxID))
	}
	_, err := o.exec(ctx, `INSERT INTO id_sequences (name, last_id) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET last_id = CASE WHEN id_sequences.last_id < excluded.last_id THEN excluded.last_id ELSE id_sequences.last_id END`, seq, id)
	if err != nil {
		return fmt.Errorf("store: sequence %s: %w", seq, err)
	}
	return nil
}

// allocID returns want (claimed) when it is positive, else a fresh id.
func (o ops) allocID(ctx context.Context, seq string, want int64) (int64, error) {
	if want > 0 {
		return want, o.claimID(ctx, seq, want)
	}
	return o.nextID(ctx, seq)
}

// Sequences. Users and organizations share GitHub's account id space.
const (
	seqAccounts        = "accounts"
	seqEnterprises     = "enterprises"
	seqTeams           = "teams"
	seqEnterpriseTeams = "enterprise_teams"
	seqGrants          = "grants"
	seqTokens          = "tokens"
	seqRepositories    = "repositories"
)

func unix(t time.Time) int64 { return t.UTC().Unix() }

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func nullUnix(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: unix(*t), Valid: true}
}

func fromNullUnix(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromUnix(n.Int64)
	return &t
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

func nullDate(d *seatkeeper.Date) sql.NullString {
	if d == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

func fromNullDate(s sql.NullString) (*seatkeeper.Date, error) {
	if !s.Valid {
		return nil, nil
	}
	d, err := seatkeeper.ParseDate(s.String)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// EnterpriseLock is the LockedTx key for writes to one enterprise's own
// seats (its grants at the enterprise).
func EnterpriseLock(entID int64) int64 { return lockEnterpriseSeats | entID }

const lockEnterpriseSeats = 1 << 41
