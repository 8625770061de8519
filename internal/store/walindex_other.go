//go:build !unix

package store

import "errors"

// walIndex is not read on this platform: DataVersion asks SQLite
// (PRAGMA data_version) every time.
type walIndex struct{}

func openWALIndex(string) (*walIndex, error) {
	return nil, errors.New("store: WAL index not mapped on this platform")
}

func (*walIndex) header() (string, bool) { return "", false }

func (*walIndex) close() error { return nil }
