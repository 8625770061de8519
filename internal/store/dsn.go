package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CheckDSN reports, in words naming what is wrong, a dsn Open cannot use:
// a URL whose scheme is not postgres:// or postgresql:// (a misspelling,
// or a database seatkeeper does not speak, such as mysql://), or a SQLite
// path whose directory does not exist or that is a directory. The URL's
// credentials are never repeated.
func CheckDSN(dsn string) error {
	switch {
	case dsn == "":
		return errors.New("no database given: want a SQLite file path, :memory:, or a postgres:// URL")
	case dsn == ":memory:", IsPostgresURL(dsn):
		return nil
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && !strings.ContainsAny(scheme, `/\`) {
		return fmt.Errorf("database URL scheme %q is not supported: want postgres:// (or postgresql://) for PostgreSQL, "+
			"or a file path for SQLite", scheme+"://")
	}
	info, err := os.Stat(dsn)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("database %s is a directory, not a SQLite file", dsn)
	case err == nil, !errors.Is(err, fs.ErrNotExist):
		return nil // an existing file, or one SQLite will explain
	}
	dir := filepath.Dir(dsn)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("database %s: directory %s does not exist", dsn, dir)
	}
	return nil
}
