package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// State replicas share (migration 0005). On SQLite one process owns the
// file and keeps this state in its memory (the memory implementations in
// internal/clock, internal/faults, internal/httpapi, internal/journal and
// internal/dashboard); on PostgreSQL, where several replicas may serve one
// database, it lives in these tables, so that any replica answers as any
// other. SharesState says which.
//
// Only the service clock and the faults' definitions are written through
// Tx: they are read through the read cache (as ScopeAll answers), so a
// change to them must move it. Everything else here (sessions, counters,
// the journal) is written on the pool directly, recording no change: no
// cached answer depends on it.

// ServiceStateTables are the tables of this file: the service's own state,
// not the model GitHub's answers are made from (a request that changes
// nothing in the model may still count against a rate limit, or be
// journaled).
var ServiceStateTables = map[string]bool{
	"service_clock": true, "faults": true, "fault_counts": true, "dashboard_sessions": true,
	"signin_failures": true, "rate_limits": true, "concurrency_slots": true, "request_journal": true,
}

// SharesState reports whether the service's in-process state (clock,
// faults, rate limits, sessions, journal) must live in the database: on
// PostgreSQL, where replicas share one database.
func (s *Store) SharesState() bool { return s.dialect == Postgres }

// SharedClock returns the service clock as a replica last set it: at,
// or nil when it follows the system clock; ok is false when no replica
// has set or released it.
func (s *Store) SharedClock(ctx context.Context) (at *time.Time, ok bool, err error) {
	var fixed sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT fixed_at FROM service_clock WHERE id = 1`).Scan(&fixed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: service clock: %w", err)
	}
	return fromNullUnix(fixed), true, nil
}

// SetSharedClock stops the shared clock at at, or (nil) releases it.
func (s *Store) SetSharedClock(ctx context.Context, at *time.Time) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO service_clock (id, fixed_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET fixed_at = excluded.fixed_at`, nullUnix(at))
		if err != nil {
			return fmt.Errorf("store: service clock: %w", err)
		}
		return nil
	})
}

// FaultRow is a fault as replicas share it: its definition (internal/faults
// encodes it) and what firing has changed.
type FaultRow struct {
	ID        int64
	Spec      []byte
	CreatedAt time.Time
	Fired     int
	Remaining *int
	RNG       []byte // the state of its probability's generator; nil without one
}

// AddFault stores a fault and returns its id. Ids are never reused.
func (s *Store) AddFault(ctx context.Context, f FaultRow) (id int64, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `INSERT INTO faults (spec, created_at) VALUES (?, ?) RETURNING id`, string(f.Spec), unix(f.CreatedAt)).Scan(&id); err != nil {
			return fmt.Errorf("store: add fault: %w", err)
		}
		_, err := tx.exec(ctx, `INSERT INTO fault_counts (fault_id, fired, remaining, rng) VALUES (?, 0, ?, ?)`, id, nullInt(f.Remaining), f.RNG)
		return err
	})
	return id, err
}

func nullInt(n *int) sql.NullInt64 {
	if n == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*n), Valid: true}
}

const faultColumns = `f.id, f.spec, f.created_at, c.fired, c.remaining, c.rng FROM faults f JOIN fault_counts c ON c.fault_id = f.id`

func scanFault(r interface{ Scan(...any) error }) (FaultRow, error) {
	var f FaultRow
	var spec string
	var created int64
	var remaining sql.NullInt64
	if err := r.Scan(&f.ID, &spec, &created, &f.Fired, &remaining, &f.RNG); err != nil {
		return FaultRow{}, err
	}
	f.Spec, f.CreatedAt = []byte(spec), fromUnix(created)
	if remaining.Valid {
		n := int(remaining.Int64)
		f.Remaining = &n
	}
	return f, nil
}

// Faults returns every fault, oldest first.
func (s *Store) Faults(ctx context.Context) ([]FaultRow, error) {
	rows, err := queryAll(ctx, s.ops, scanFault, `SELECT `+faultColumns+` ORDER BY f.id`)
	if err != nil {
		return nil, fmt.Errorf("store: faults: %w", err)
	}
	return rows, nil
}

// RemoveFault removes the fault with id and reports whether there was one.
func (s *Store) RemoveFault(ctx context.Context, id int64) (removed bool, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM faults WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("store: remove fault: %w", err)
		}
		n, _ := res.RowsAffected()
		removed = n > 0
		return nil
	})
	return removed, err
}

// ClearFaults removes every fault.
func (s *Store) ClearFaults(ctx context.Context) error {
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM faults`)
		return err
	})
}

// FireFault offers the faults ids, oldest first, to try, each row locked
// against every other replica's firing until the transaction ends. try
// may change a row's Fired, Remaining and RNG (they are written back) and
// says whether the fault fired; the first that does is returned, and
// later ones are not offered.
func (s *Store) FireFault(ctx context.Context, ids []int64, try func(*FaultRow) bool) (FaultRow, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return FaultRow{}, false, fmt.Errorf("store: fire fault: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+faultColumns+` WHERE f.id = ANY($1) ORDER BY f.id FOR UPDATE OF c`, ids)
	if err != nil {
		return FaultRow{}, false, fmt.Errorf("store: fire fault: %w", err)
	}
	var candidates []FaultRow
	for rows.Next() {
		f, err := scanFault(rows)
		if err != nil {
			rows.Close()
			return FaultRow{}, false, fmt.Errorf("store: fire fault: %w", err)
		}
		candidates = append(candidates, f)
	}
	if err := rows.Close(); err != nil {
		return FaultRow{}, false, err
	}
	for _, f := range candidates {
		before := f
		fired := try(&f)
		if f.Fired != before.Fired || string(f.RNG) != string(before.RNG) {
			if _, err := tx.ExecContext(ctx, `UPDATE fault_counts SET fired = $1, remaining = $2, rng = $3 WHERE fault_id = $4`,
				f.Fired, nullInt(f.Remaining), f.RNG, f.ID); err != nil {
				return FaultRow{}, false, fmt.Errorf("store: fire fault: %w", err)
			}
		}
		if fired {
			return f, true, tx.Commit()
		}
	}
	return FaultRow{}, false, tx.Commit()
}

// SessionRow is a dashboard session as replicas share it, by the SHA-256
// of its id (the id itself is never stored).
type SessionRow struct {
	TokenID           int64
	Created, LastSeen time.Time
	Flash             []byte // the message for its next page, encoded; nil for none
}

func sessionHash(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// CreateSession stores a new session under id, and removes sessions
// last seen before idleBefore or created before createdBefore.
func (s *Store) CreateSession(ctx context.Context, id string, row SessionRow, idleBefore, createdBefore time.Time) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE last_seen < $1 OR created_at < $2`, unix(idleBefore), unix(createdBefore)); err != nil {
		return fmt.Errorf("store: sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO dashboard_sessions (id_hash, token_id, created_at, last_seen) VALUES ($1, $2, $3, $4)`,
		sessionHash(id), row.TokenID, unix(row.Created), unix(row.LastSeen)); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the session with id; ok is false when there is none.
func (s *Store) Session(ctx context.Context, id string) (row SessionRow, ok bool, err error) {
	var created, seen int64
	var flash sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT token_id, created_at, last_seen, flash FROM dashboard_sessions WHERE id_hash = $1`, sessionHash(id)).
		Scan(&row.TokenID, &created, &seen, &flash)
	if errors.Is(err, sql.ErrNoRows) {
		return SessionRow{}, false, nil
	}
	if err != nil {
		return SessionRow{}, false, fmt.Errorf("store: session: %w", err)
	}
	row.Created, row.LastSeen = fromUnix(created), fromUnix(seen)
	if flash.Valid {
		row.Flash = []byte(flash.String)
	}
	return row, true, nil
}

// TouchSession records that the session with id was seen at.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dashboard_sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1`, unix(at), sessionHash(id))
	return err
}

// EndSession removes the session with id.
func (s *Store) EndSession(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE id_hash = $1`, sessionHash(id))
	return err
}

// SetSessionFlash leaves an encoded message for the session's next page.
func (s *Store) SetSessionFlash(ctx context.Context, id string, flash []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dashboard_sessions SET flash = $1 WHERE id_hash = $2`, string(flash), sessionHash(id))
	return err
}

// TakeSessionFlash returns and clears the session's message (nil for none).
func (s *Store) TakeSessionFlash(ctx context.Context, id string) ([]byte, error) {
	var flash sql.NullString
	err := s.db.QueryRowContext(ctx, `UPDATE dashboard_sessions d SET flash = NULL FROM
			(SELECT id_hash, flash FROM dashboard_sessions WHERE id_hash = $1 FOR UPDATE) old
		WHERE d.id_hash = old.id_hash AND old.flash IS NOT NULL RETURNING old.flash`, sessionHash(id)).Scan(&flash)
	if errors.Is(err, sql.ErrNoRows) || !flash.Valid {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: session flash: %w", err)
	}
	return []byte(flash.String), nil
}

// Sessions counts the stored sessions.
func (s *Store) Sessions(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dashboard_sessions`).Scan(&n)
	return n, err
}

// SignInFailures returns the failed sign-ins counted against addr in its
// current window, which ends at end.
func (s *Store) SignInFailures(ctx context.Context, addr string) (n int, end time.Time, err error) {
	var e int64
	err = s.db.QueryRowContext(ctx, `SELECT failures, window_end FROM signin_failures WHERE addr = $1`, addr).Scan(&n, &e)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: sign-in failures: %w", err)
	}
	return n, fromUnix(e), nil
}

// CountSignInFailure counts a failed sign-in from addr at now, in a window
// of length window from the first failure (a window that has ended starts
// again).
func (s *Store) CountSignInFailure(ctx context.Context, addr string, now time.Time, window time.Duration) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO signin_failures AS f (addr, failures, window_end) VALUES ($1, 1, $2)
		ON CONFLICT (addr) DO UPDATE SET
			failures = CASE WHEN f.window_end <= $3 THEN 1 ELSE f.failures + 1 END,
			window_end = CASE WHEN f.window_end <= $3 THEN excluded.window_end ELSE f.window_end END`,
		addr, unix(now.Add(window)), unix(now))
	if err != nil {
		return fmt.Errorf("store: sign-in failures: %w", err)
	}
	return nil
}

// RateLease is a replica's claim on a rate-limit budget: Granted
// requests it may answer, after which Claimed of the window's budget are
// claimed by all replicas together; the window ends at Reset.
type RateLease struct {
	Granted, Claimed int
	Reset            time.Time
}

// ClaimRate claims a slice of key's budget of limit requests for
// resource, in one statement: a window that has ended starts again at
// now, ending at now+window. The slice is a sixteenth of what is left
// (at least 1, at most maxLease), so the last requests of a budget are
// claimed one at a time and the budget is exact where it runs out.
// Granted is 0 when the budget is spent.
func (s *Store) ClaimRate(ctx context.Context, key string, resource, limit, maxLease int, now time.Time, window time.Duration) (RateLease, error) {
	var l RateLease
	var reset int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO rate_limits AS r (rate_key, resource, reset_at, claimed, granted)
			VALUES ($1, $2, $3, LEAST(GREATEST($4 / 16, 1), $5), LEAST(GREATEST($4 / 16, 1), $5))
		ON CONFLICT (rate_key, resource) DO UPDATE SET
			reset_at = CASE WHEN r.reset_at <= $6 THEN excluded.reset_at ELSE r.reset_at END,
			claimed  = CASE WHEN r.reset_at <= $6 THEN excluded.claimed ELSE r.claimed + LEAST(GREATEST(($4 - r.claimed) / 16, 1), $5) END,
			granted  = CASE WHEN r.reset_at <= $6 THEN excluded.granted ELSE LEAST(GREATEST(($4 - r.claimed) / 16, 1), $5) END
		WHERE r.reset_at <= $6 OR r.claimed < $4
		RETURNING granted, claimed, reset_at`,
		key, resource, unix(now.Add(window)), limit, maxLease, unix(now)).Scan(&l.Granted, &l.Claimed, &reset)
	if errors.Is(err, sql.ErrNoRows) { // spent
		l, err = s.RateClaimed(ctx, key, resource)
		l.Granted = 0
		return l, err
	}
	if err != nil {
		return RateLease{}, fmt.Errorf("store: rate limit: %w", err)
	}
	l.Reset = fromUnix(reset)
	return l, nil
}

// RateClaimed returns what replicas have claimed of key's budget for
// resource and when its window ends (zero Reset: no window yet).
func (s *Store) RateClaimed(ctx context.Context, key string, resource int) (RateLease, error) {
	var l RateLease
	var reset int64
	err := s.db.QueryRowContext(ctx, `SELECT claimed, reset_at FROM rate_limits WHERE rate_key = $1 AND resource = $2`, key, resource).Scan(&l.Claimed, &reset)
	if errors.Is(err, sql.ErrNoRows) {
		return RateLease{}, nil
	}
	if err != nil {
		return RateLease{}, fmt.Errorf("store: rate limit: %w", err)
	}
	l.Reset = fromUnix(reset)
	return l, nil
}

// RefundRate gives one request back to key's budget for resource, if its
// window (ending at reset) is still the current one.
func (s *Store) RefundRate(ctx context.Context, key string, resource int, reset time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE rate_limits SET claimed = claimed - 1
		WHERE rate_key = $1 AND resource = $2 AND reset_at = $3 AND claimed > 0`, key, resource, unix(reset))
	return err
}

// AppendJournal adds entries (encoded, with their sizes) to the request
// journal, oldest first, and drops the oldest entries beyond keep entries
// or maxBytes bytes (the newest always stays), in one transaction.
func (s *Store) AppendJournal(ctx context.Context, entries []string, sizes []int32, keep, maxBytes int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO request_journal (entry, size)
		SELECT e, n FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS t(e, n, i) ORDER BY i`, entries, sizes); err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM request_journal WHERE seq < (
		SELECT MIN(seq) FROM (
			SELECT seq, SUM(size) OVER (ORDER BY seq DESC) AS total, ROW_NUMBER() OVER (ORDER BY seq DESC) AS n
			FROM request_journal) kept
		WHERE n = 1 OR n <= $1 AND total <= $2)`, keep, maxBytes); err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	return tx.Commit()
}

// JournalEntries returns the newest entries of the request journal, at
// most limit, newest first, with their sequence numbers.
func (s *Store) JournalEntries(ctx context.Context, limit int) (seqs []int64, entries []string, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, entry FROM request_journal ORDER BY seq DESC LIMIT $1`, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("store: journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var e string
		if err := rows.Scan(&seq, &e); err != nil {
			return nil, nil, fmt.Errorf("store: journal: %w", err)
		}
		seqs, entries = append(seqs, seq), append(entries, e)
	}
	return seqs, entries, rows.Err()
}

// ClearJournal empties the request journal.
func (s *Store) ClearJournal(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM request_journal`)
	return err
}

// SetSessionUndo keeps the Undo offer of the session's last cancellation
// (replacing any before it): key names the offer, undo is what it undoes,
// encoded.
func (s *Store) SetSessionUndo(ctx context.Context, id, key string, undo []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dashboard_sessions SET undo_key = $1, undo = $2 WHERE id_hash = $3`, key, string(undo), sessionHash(id))
	if err != nil {
		return fmt.Errorf("store: session undo: %w", err)
	}
	return nil
}

// TakeSessionUndo returns and clears the session's Undo offer if it is
// the one key names; nil when it is not there (used, replaced, or never
// made), in one step, so that an offer is taken once across replicas.
func (s *Store) TakeSessionUndo(ctx context.Context, id, key string) ([]byte, error) {
	var undo sql.NullString
	err := s.db.QueryRowContext(ctx, `UPDATE dashboard_sessions d SET undo_key = NULL, undo = NULL FROM
			(SELECT id_hash, undo FROM dashboard_sessions WHERE id_hash = $1 FOR UPDATE) old
		WHERE d.id_hash = old.id_hash AND d.undo_key = $2 RETURNING old.undo`, sessionHash(id), key).Scan(&undo)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !undo.Valid {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: session undo: %w", err)
	}
	return []byte(undo.String), nil
}

// slotsLock is the first key of the transaction-level advisory locks
// that serialize claims on one token's slots (the second is a hash of
// the token): the two-key space, apart from migrationLock's.
const slotsLock = 0x736c6f74 // "slot"

// nowMillis is the database's clock in milliseconds: leases on slots
// expire by it, so that replicas' clocks need not agree.
const nowMillis = `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`

// ClaimSlots sets replica's lease on token's slots for requests in
// progress to want, or to what the other replicas' live leases leave of
// limit if that is fewer, and returns its size; it lasts ttl unless
// RenewSlots renews it. Claims on one token are serialized, so the leases
// on a token never add up to more than limit.
func (s *Store) ClaimSlots(ctx context.Context, token, replica string, want, limit int, ttl time.Duration) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: claim slots: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, slotsLock, token); err != nil {
		return 0, fmt.Errorf("store: claim slots: %w", err)
	}
	// A new statement, a new snapshot: every claim committed before the
	// lock was taken is seen.
	if _, err := tx.ExecContext(ctx, `DELETE FROM concurrency_slots WHERE token_hash = $1 AND expires_at <= `+nowMillis, token); err != nil {
		return 0, fmt.Errorf("store: claim slots: %w", err)
	}
	var granted int
	if err := tx.QueryRowContext(ctx, `INSERT INTO concurrency_slots AS c (token_hash, replica, slots, expires_at)
		SELECT $1, $2, LEAST($3, GREATEST($4 - COALESCE(SUM(slots), 0), 0)), `+nowMillis+` + $5
		FROM concurrency_slots WHERE token_hash = $1 AND replica <> $2
		ON CONFLICT (token_hash, replica) DO UPDATE SET slots = excluded.slots, expires_at = excluded.expires_at
		RETURNING slots`, token, replica, want, limit, ttl.Milliseconds()).Scan(&granted); err != nil {
		return 0, fmt.Errorf("store: claim slots: %w", err)
	}
	return granted, tx.Commit()
}

// RenewSlots sets replica's leases on tokens to slots (0 ends a lease;
// a lease only shrinks here, which needs no lock) and extends the live
// ones by ttl. It returns the tokens whose leases had lapsed and were not
// renewed: their slots may be another replica's by now.
func (s *Store) RenewSlots(ctx context.Context, replica string, tokens []string, slots []int32, ttl time.Duration) (lapsed []string, err error) {
	rows, err := s.db.QueryContext(ctx, `WITH t AS (SELECT * FROM unnest($2::text[], $3::int[]) AS t (token_hash, slots)),
		ended AS (DELETE FROM concurrency_slots c USING t
			WHERE c.replica = $1 AND c.token_hash = t.token_hash AND (t.slots = 0 OR c.expires_at <= `+nowMillis+`)),
		renewed AS (UPDATE concurrency_slots c SET slots = LEAST(c.slots, t.slots), expires_at = `+nowMillis+` + $4 FROM t
			WHERE c.replica = $1 AND c.token_hash = t.token_hash AND t.slots > 0 AND c.expires_at > `+nowMillis+`
			RETURNING c.token_hash)
		SELECT t.token_hash FROM t WHERE t.slots > 0 AND t.token_hash NOT IN (SELECT token_hash FROM renewed)`,
		replica, tokens, slots, ttl.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("store: renew slots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: renew slots: %w", err)
		}
		lapsed = append(lapsed, t)
	}
	return lapsed, rows.Err()
}
