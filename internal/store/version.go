package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync/atomic"
)

// Data versions let a process keep answers read from the store in memory
// (internal/readcache) and know, on every request, whether they still
// hold. Two counters together say whether anything has changed:
//
//   - LocalCommits counts this store's own committed writes. It is bumped
//     after each commit returns, so a reader that loads it before reading
//     sees data at least as new as the count says.
//   - DataVersion names the database's committed state as every process
//     sees it, so that writes by another process (a second replica on
//     PostgreSQL, `seatkeeper seed` on the same SQLite file) count too.
//     On SQLite it is the header of the WAL index, read from shared
//     memory (walindex_unix.go), which every commit rewrites; while a
//     commit is rewriting it, PRAGMA data_version read on a connection of
//     its own that never writes, whose value changes whenever any other
//     connection, in this process or another, commits. On PostgreSQL it is
//     pg_current_snapshot(), whose xmax (one past the newest finished
//     transaction) and in-progress list change whenever any transaction
//     commits or aborts.
//
// Both err on the side of change (an abort on PostgreSQL, a write to
// another database of the cluster, a committed transaction that changed
// nothing): a spurious change costs a cache refill, never a stale answer.

// versionProbe answers DataVersion.
type versionProbe struct {
	db   *sql.DB   // SQLite: a one-connection pool that only reads the pragma
	stmt *sql.Stmt // its prepared PRAGMA data_version
	wal  *walIndex // the WAL index header, mapped; nil where it is not

	snapshot string // PostgreSQL: the query that reads the current snapshot
}

func (s *Store) openVersionProbe(ctx context.Context, dsn string) error {
	if s.dialect == Postgres {
		// pg_current_snapshot() is PostgreSQL 13's name for what 12 and
		// older call txid_current_snapshot().
		var version int
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
			return fmt.Errorf("store: server version: %w", err)
		}
		s.probe.snapshot = `SELECT pg_current_snapshot()::text`
		if version < 130000 {
			s.probe.snapshot = `SELECT txid_current_snapshot()::text`
		}
		return nil
	}
	if dsn == ":memory:" {
		// An in-memory database is this process's alone: LocalCommits
		// says everything.
		return nil
	}
	db, err := openSQLite(dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	st, err := db.Prepare(`PRAGMA data_version`)
	if err != nil {
		db.Close()
		return fmt.Errorf("store: version probe: %w", err)
	}
	// The probe's connection keeps the WAL index (the -shm file) in
	// existence for as long as the store is open; reading the pragma once
	// makes sure it is initialized before it is mapped.
	var v int64
	if err := st.QueryRow().Scan(&v); err != nil {
		db.Close()
		return fmt.Errorf("store: version probe: %w", err)
	}
	s.probe = versionProbe{db: db, stmt: st}
	// Without a mapping (or on platforms without one) the pragma answers.
	// A reference taken but not mapped is still held until Close.
	s.probe.wal, _ = openWALIndex(dsn)
	return nil
}

// DataVersion returns a token that changes whenever any process commits a
// change to the database (and, rarely, when none did). See LocalCommits
// for this process's own writes, which it covers too but which a caller
// may want to see without a round trip.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	switch {
	case s.dialect == Postgres:
		var snap string
		if err := s.db.QueryRowContext(ctx, s.probe.snapshot).Scan(&snap); err != nil {
			return "", fmt.Errorf("store: data version: %w", err)
		}
		return snap, nil
	case s.probe.stmt != nil:
		if s.probe.wal != nil {
			if h, ok := s.probe.wal.header(); ok {
				return h, nil
			}
		}
		var v int64
		if err := s.probe.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
			return "", fmt.Errorf("store: data version: %w", err)
		}
		return "p:" + strconv.FormatInt(v, 10), nil
	}
	return "", nil
}

// LocalCommits returns how many writes this store has committed: write
// transactions, and statements that wrote outside one. It grows by one
// after each, once the commit has returned.
func (s *Store) LocalCommits() uint64 { return s.commits.Load() }

// commitCounter is shared by a store and its transactions' ops.
type commitCounter = atomic.Uint64
