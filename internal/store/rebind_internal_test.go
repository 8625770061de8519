package store

import "testing"

// TestRebind checks each dialect's form of a query: PostgreSQL's numbered
// placeholders, and SQLite's "+?" for a placeholder compared for equality
// only (see rebind; TestSeatReadsAreNotRecompiled shows why).
func TestRebind(t *testing.T) {
	tests := []struct {
		query, sqlite, postgres string
	}{
		{"SELECT 1", "SELECT 1", "SELECT 1"},
		{"WHERE a = ?", "WHERE a = +?", "WHERE a = $1"},
		{"WHERE a=? AND b =\n\t?", "WHERE a=+? AND b =\n\t+?", "WHERE a=$1 AND b =\n\t$2"},
		{"WHERE a <= ? AND b >= ? AND c != ? AND d < ? AND e > ? AND f <> ?",
			"WHERE a <= ? AND b >= ? AND c != ? AND d < ? AND e > ? AND f <> ?",
			"WHERE a <= $1 AND b >= $2 AND c != $3 AND d < $4 AND e > $5 AND f <> $6"},
		{"WHERE (a, b) >= (?, ?) AND c IN (?, ?)", "WHERE (a, b) >= (?, ?) AND c IN (?, ?)", "WHERE (a, b) >= ($1, $2) AND c IN ($3, $4)"},
		{"UPDATE t SET a = ?, b = ? WHERE c = ? LIMIT ? OFFSET ?",
			"UPDATE t SET a = +?, b = +? WHERE c = +? LIMIT ? OFFSET ?",
			"UPDATE t SET a = $1, b = $2 WHERE c = $3 LIMIT $4 OFFSET $5"},
		{"INSERT INTO t (a, b) VALUES (?, ?)", "INSERT INTO t (a, b) VALUES (?, ?)", "INSERT INTO t (a, b) VALUES ($1, $2)"},
		{"WHERE a == ?", "WHERE a == ?", "WHERE a == $1"},
	}
	for _, tt := range tests {
		if got := rebind(SQLite, tt.query); got != tt.sqlite {
			t.Errorf("SQLite form of %q: %q, want %q", tt.query, got, tt.sqlite)
		}
		if got := rebind(Postgres, tt.query); got != tt.postgres {
			t.Errorf("PostgreSQL form of %q: %q, want %q", tt.query, got, tt.postgres)
		}
		// Cached: asked again, the same.
		if got := rebind(SQLite, tt.query); got != tt.sqlite {
			t.Errorf("SQLite form of %q, asked again: %q", tt.query, got)
		}
	}
}
