// Package storetest opens real databases for tests: a fresh in-memory
// SQLite database, or, when SEATKEEPER_TEST_DATABASE_URL names a
// PostgreSQL server, a fresh schema on it, dropped when the test ends.
// The same tests therefore run against both stores.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// EnvURL names the PostgreSQL server tests use when it is set.
const EnvURL = "SEATKEEPER_TEST_DATABASE_URL"

// EnvRequire, when set, makes a missing EnvURL a test failure rather than
// a skip: CI sets it so the PostgreSQL run cannot silently vanish.
const EnvRequire = "SEATKEEPER_REQUIRE_POSTGRES"

// Dialects lists both stores. The PostgreSQL subtests skip, saying so,
// when EnvURL is not set.
func Dialects() []store.Dialect { return []store.Dialect{store.SQLite, store.Postgres} }

// Each runs fn as a subtest once per dialect, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated store of dialect d, closed (and, on
// PostgreSQL, dropped) when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenOn(t, DSN(t, d), store.Options{})
}

// Pair returns two stores on one fresh database of dialect d, as two
// processes (or replicas) would open it.
func Pair(t testing.TB, d store.Dialect) (a, b *store.Store) {
	t.Helper()
	dsn := DSN(t, d)
	return OpenOn(t, dsn, store.Options{}), OpenOn(t, dsn, store.Options{})
}

// OpenOn opens a store on dsn (from DSN), closed when the test ends; opts
// default to 4 connections.
func OpenOn(t testing.TB, dsn string, opts store.Options) *store.Store {
	t.Helper()
	if opts.MaxOpenConns == 0 {
		opts.MaxOpenConns = 4
	}
	st, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// DSN returns a connection string for a new, empty database of dialect d
// that lives as long as the test: a temporary SQLite file (so that several
// stores, like replicas, can share it) or a new PostgreSQL schema.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "seatkeeper.db")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("%s is set but %s is not", EnvRequire, EnvURL)
		}
		t.Skipf("PostgreSQL not configured: set %s to run this test on PostgreSQL", EnvURL)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
