package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID             int64
	At             time.Time
	Action         string
	Actor          string // login, or "installation" for an installation token, or "" for the service itself
	ActorTokenKind string
	RequestID      string
	OrgID          int64 // 0 when the change is not an org's
	Org            string
	Subject        string         // what changed: a login, a team slug, a token id...
	Details        map[string]any // anything else worth keeping
}

// AppendAudit appends an entry.
func (o ops) AppendAudit(ctx context.Context, e AuditEntry) error {
	details, err := json.Marshal(e.Details)
	if err != nil {
		return err
	}
	if e.Details == nil {
		details = []byte("{}")
	}
	_, err = o.exec(ctx, `INSERT INTO audit_log (at, action, actor, actor_token_kind, request_id, org_id, org, subject, details)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		unix(e.At), e.Action, e.Actor, e.ActorTokenKind, e.RequestID, nullID(e.OrgID), e.Org, e.Subject, string(details))
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Unschedule removes an org's entries of action about subject that are
// still in the future at now: a seat's scheduled expiry, once the seat is
// revived.
func (o ops) Unschedule(ctx context.Context, orgID int64, action, subject string, now time.Time) error {
	_, err := o.exec(ctx, `DELETE FROM audit_log WHERE org_id = ? AND action = ? AND subject = ? AND at > ?`, orgID, action, subject, unix(now))
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	OrgID  int64  // 0: every org, and changes of no org
	Action string // "": every action
	Until  time.Time
}

// AuditLog returns entries matching f, newest first, skipping offset and
// returning at most limit, and how many match in all.
func (o ops) AuditLog(ctx context.Context, f AuditFilter, offset, limit int) ([]AuditEntry, int, error) {
	where := ` WHERE at <= ?`
	args := []any{unix(f.Until)}
	if f.OrgID != 0 {
		where += ` AND org_id = ?`
		args = append(args, f.OrgID)
	}
	if f.Action != "" {
		where += ` AND action = ?`
		args = append(args, f.Action)
	}
	var total int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: audit: %w", err)
	}
	entries, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (AuditEntry, error) {
		var e AuditEntry
		var at int64
		var org sql.NullInt64
		var details string
		if err := row.Scan(&e.ID, &at, &e.Action, &e.Actor, &e.ActorTokenKind, &e.RequestID, &org, &e.Org, &e.Subject, &details); err != nil {
			return e, err
		}
		e.At, e.OrgID = fromUnix(at), org.Int64
		return e, json.Unmarshal([]byte(details), &e.Details)
	}, `SELECT id, at, action, actor, actor_token_kind, request_id, org_id, org, subject, details FROM audit_log`+where+
		` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	return entries, total, err
}

// AppendAuditBatch appends entries with as few statements as the batch
// size allows.
func (o ops) AppendAuditBatch(ctx context.Context, es []AuditEntry) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		details := []byte("{}")
		if e.Details != nil {
			var err error
			if details, err = json.Marshal(e.Details); err != nil {
				return err
			}
		}
		rows[i] = []any{unix(e.At), e.Action, e.Actor, e.ActorTokenKind, e.RequestID, nullID(e.OrgID), e.Org, e.Subject, string(details)}
	}
	return o.insertRows(ctx, "audit_log", "at, action, actor, actor_token_kind, request_id, org_id, org, subject, details", rows)
}

// UnscheduleAll is Unschedule for many subjects at once.
func (o ops) UnscheduleAll(ctx context.Context, orgID int64, action string, subjects []string, now time.Time) error {
	err := inBatches(len(subjects), func(lo, hi int) error {
		args := []any{orgID, action, unix(now)}
		for _, s := range subjects[lo:hi] {
			args = append(args, s)
		}
		_, err := o.exec(ctx, `DELETE FROM audit_log WHERE org_id = ? AND action = ? AND at > ? AND subject IN (`+marks(hi-lo)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}
