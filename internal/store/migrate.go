package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are numbered together for both dialects:
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql. Every version must exist
// for both. Numbers increase but may skip: branches developed side by side
// take numbers given in advance, and a database records each version
// applied, so that one numbered below a version already applied (a branch
// merged after a later number) is still applied.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(d Dialect) ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*."+string(d)+".sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, path := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(path, "migrations/"), "."+string(d)+".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: want NNNN_name", path)
		}
		body, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version < 1 || i > 0 && m.version == out[i-1].version {
			return nil, fmt.Errorf("store: migration version %d is used twice or is not positive", m.version)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: no %s migrations", d)
	}
	return out, nil
}

// migrationLock is the PostgreSQL advisory lock key that serializes
// migrations across replicas starting at the same moment.
const migrationLock = 0x5ea7_4eef

// migrate applies every migration not yet recorded, each in its own
// transaction, under an advisory lock on PostgreSQL (SQLite's write lock
// does the same job there).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	// A database already at this binary's version needs no transaction
	// that writes: a read-only database (and /readyz saying so) still
	// opens. A version never goes back, so reading it unlocked is safe.
	latest := ms[len(ms)-1].version
	if n, v, err := s.appliedCount(ctx); err == nil && v == latest && n == len(ms) {
		return nil
	}
	// READ COMMITTED, not the SERIALIZABLE of Tx: each statement must see
	// what a replica that held the lock before us committed.
	var opts *sql.TxOptions
	if s.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return s.txWith(ctx, opts, 0, func(tx *Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLock); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("store: schema_migrations: %w", err)
		}
		applied, err := queryAll(ctx, tx.ops, scanInt64, `SELECT version FROM schema_migrations`)
		if err != nil {
			return fmt.Errorf("store: schema version: %w", err)
		}
		done := map[int]bool{}
		current := 0
		for _, v := range applied {
			done[int(v)] = true
			current = max(current, int(v))
		}
		if current > latest {
			return fmt.Errorf("store: database schema version %d is newer than this binary (%d): upgrade seatkeeper", current, latest)
		}
		chunksMissing := current > 0 && !done[chunksVersion]
		entListsMissing := current > 0 && !done[entListVersion]
		// Every migration not yet recorded, below the highest applied too:
		// a number given to a branch in advance may land after a higher one.
		for _, m := range ms {
			if done[m.version] {
				continue
			}
			if err := tx.execScript(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, CAST(? AS BIGINT))`,
				m.version, m.name, time.Now().Unix()); err != nil {
				return err
			}
		}
		if current > 0 && current < ledgerVersion && latest >= ledgerVersion {
			// A database from before the seat ledger: its seats, resolved
			// from the grants, in the same transaction.
			if err := tx.ResolveAllSeats(ctx); err != nil {
				return fmt.Errorf("store: filling the seat ledger: %w", err)
			}
		} else if chunksMissing && latest >= chunksVersion {
			// A ledger from before its counted chunks: counted now.
			if err := tx.RecountSeatChunks(ctx); err != nil {
				return fmt.Errorf("store: counting the seat list's chunks: %w", err)
			}
		}
		if entListsMissing && latest >= entListVersion {
			// A ledger from before the enterprise lists' chunks and
			// holders (filled or not just above): counted now.
			if err := tx.RecountEnterpriseLists(ctx); err != nil {
				return fmt.Errorf("store: counting the enterprise seat lists: %w", err)
			}
		}
		if done[usageVersion] && !done[usageRollupVersion] {
			// Usage recorded before the daily roll-ups (whatever migrations
			// came in between): rolled up now.
			if err := tx.RollUpUsage(ctx); err != nil {
				return err
			}
		} else if done[usageRollupVersion] && !done[activeCountsVersion] {
			// Roll-ups from before their kept active-user counts: counted
			// now.
			if err := tx.CountActiveUsers(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// ledgerVersion is the migration that adds the seat ledger, usageVersion
// the one that adds usage events, usageRollupVersion their roll-ups,
// activeCountsVersion the roll-ups' kept active-user counts.
const (
	ledgerVersion       = 2
	usageVersion        = 4
	usageRollupVersion  = 9
	activeCountsVersion = 16
)

// chunksVersion is the migration that adds the seat list's counted
// chunks, entListVersion the one that adds the enterprise lists' chunks
// and seat holders.
const (
	chunksVersion  = 6
	entListVersion = 10
)

// execScript runs a migration file. PostgreSQL takes a whole script in one
// simple-protocol Exec; SQLite's driver does too.
func (o ops) execScript(ctx context.Context, script string) error {
	_, err := o.q.ExecContext(ctx, script)
	return err
}

// appliedCount reports how many migrations are recorded, and the highest.
func (s *Store) appliedCount(ctx context.Context) (n, highest int, err error) {
	err = s.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&n, &highest)
	return n, highest, err
}

// SchemaVersion reports the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	_, v, err := s.appliedCount(ctx)
	return v, err
}

// LatestSchemaVersion is the version this binary's migrations reach.
func LatestSchemaVersion(d Dialect) int {
	ms, err := loadMigrations(d)
	if err != nil {
		return 0
	}
	return ms[len(ms)-1].version
}
