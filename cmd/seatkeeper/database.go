package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// dbFlags are the database flags every command shares.
type dbFlags struct {
	database         string
	maxConns         int
	statementTimeout time.Duration
	maxRetries       int
}

func (f *dbFlags) register(fs *flag.FlagSet, env func(string) string) {
	fs.StringVar(&f.database, "database", env("SEATKEEPER_DATABASE_URL"),
		"SQLite file, \":memory:\", or postgres:// URL (env SEATKEEPER_DATABASE_URL; default "+defaultDatabasePath(env)+")")
	fs.IntVar(&f.maxConns, "db-max-conns", 10, "PostgreSQL connection pool size")
	fs.DurationVar(&f.statementTimeout, "db-statement-timeout", 0, "PostgreSQL statement timeout (0: the server's)")
	fs.IntVar(&f.maxRetries, "db-max-retries", 5, "retries of a transaction after a serialization failure")
}

// newDBCommand returns the flag set of a command that works on the
// database, with the shared database flags registered.
func newDBCommand(name, usage string, env func(string) string, stderr io.Writer) (*flagSet, *dbFlags) {
	fs := newFlags(name, usage, stderr)
	db := &dbFlags{}
	db.register(fs.FlagSet, env)
	return fs, db
}

// defaultDatabasePath is $XDG_DATA_HOME/seatkeeper/seatkeeper.db, or
// ~/.local/share/seatkeeper/seatkeeper.db.
func defaultDatabasePath(env func(string) string) string {
	dir := env("XDG_DATA_HOME")
	if dir == "" {
		home := env("HOME")
		if home == "" {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "seatkeeper", "seatkeeper.db")
}

// openExisting is open for commands that only read or change what a
// database holds (seats, export, token): with no database chosen and no
// file at fallback yet, it says so instead of creating an empty one.
func (f *dbFlags) openExisting(ctx context.Context, fallback string) (*store.Store, error) {
	if f.database == "" {
		if _, err := os.Stat(fallback); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: give --database DB, or --server URL --token T (SEATKEEPER_SERVER, SEATKEEPER_TOKEN) for a running server", fallback)
		}
	}
	return f.open(ctx, fallback)
}

// open opens the chosen database, or fallback when none was chosen,
// creating the default file's directory if needed.
func (f *dbFlags) open(ctx context.Context, fallback string) (*store.Store, error) {
	dsn := f.database
	if dsn == "" {
		dsn = fallback
		if dir := filepath.Dir(dsn); dsn != ":memory:" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, err
			}
		}
	}
	return store.Open(ctx, dsn, store.Options{
		MaxOpenConns: f.maxConns, StatementTimeout: f.statementTimeout, MaxRetries: f.maxRetries,
	})
}
