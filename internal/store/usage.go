package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

// usageCols are copilot_usage's columns after org_id, in UsageEvent's order.
const usageCols = `user_id, day, at, feature, ide, ide_version, plugin, plugin_version, language, model,
	generations, acceptances, loc_suggested_add, loc_suggested_delete, loc_added, loc_deleted,
	interactions, prompt_tokens, output_tokens, requests, sessions`

func usageRow(orgID int64, e seatkeeper.UsageEvent) []any {
	return []any{orgID, e.UserID, e.At.UTC().Format(seatkeeper.DateLayout), unix(e.At), e.Feature, e.IDE, e.IDEVersion,
		e.Plugin, e.PluginVersion, e.Language, e.Model, e.Generations, e.Acceptances, e.LOCSuggestedAdd,
		e.LOCSuggestedDelete, e.LOCAdded, e.LOCDeleted, e.Interactions, e.PromptTokens, e.OutputTokens,
		e.Requests, e.Sessions}
}

// AddUsage records usage events in an org; their day is their time's UTC
// day. The caller checks that each user held a seat then.
func (o ops) AddUsage(ctx context.Context, orgID int64, es []seatkeeper.UsageEvent) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = usageRow(orgID, e)
	}
	return o.insertRows(ctx, "copilot_usage", "org_id, "+usageCols, rows)
}

// UsageQuery selects recorded usage: the orgs' events from day From to
// day To (YYYY-MM-DD, inclusive).
type UsageQuery struct {
	OrgIDs   []int64
	From, To string
}

func (q UsageQuery) where(alias string) (string, []any) {
	args := make([]any, 0, len(q.OrgIDs)+2)
	for _, id := range q.OrgIDs {
		args = append(args, id)
	}
	args = append(args, q.From, q.To)
	return alias + "org_id IN (" + marks(len(q.OrgIDs)) + ") AND " + alias + "day >= ? AND " + alias + "day <= ?", args
}

// EachUsage calls fn with each event q selects, in (day, user) order, with
// the user's login: callers group consecutive events by day and user
// while the rows stream, so memory does not grow with the seats.
func (o ops) EachUsage(ctx context.Context, q UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error {
	if len(q.OrgIDs) == 0 {
		return nil
	}
	where, args := q.where("c.")
	rows, err := o.query(ctx, `SELECT u.login, c.`+strings.ReplaceAll(usageCols, ", ", ", c.")+`
		FROM copilot_usage c JOIN users u ON u.id = c.user_id
		WHERE `+where+` ORDER BY c.day, c.user_id`, args...)
	if err != nil {
		return fmt.Errorf("store: usage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e seatkeeper.UsageEvent
		var day string
		var at int64
		if err := rows.Scan(&e.Login, &e.UserID, &day, &at, &e.Feature, &e.IDE, &e.IDEVersion, &e.Plugin, &e.PluginVersion,
			&e.Language, &e.Model, &e.Generations, &e.Acceptances, &e.LOCSuggestedAdd, &e.LOCSuggestedDelete,
			&e.LOCAdded, &e.LOCDeleted, &e.Interactions, &e.PromptTokens, &e.OutputTokens, &e.Requests, &e.Sessions); err != nil {
			return fmt.Errorf("store: usage: %w", err)
		}
		e.At = fromUnix(at)
		if err := fn(day, e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ActiveUsers counts the distinct users with events q selects, of the
// given features (all when none is given).
func (o ops) ActiveUsers(ctx context.Context, q UsageQuery, features ...string) (int, error) {
	if len(q.OrgIDs) == 0 {
		return 0, nil
	}
	where, args := q.where("")
	if len(features) > 0 {
		where += " AND feature IN (" + marks(len(features)) + ")"
		for _, f := range features {
			args = append(args, f)
		}
	}
	var n int
	if err := o.queryRow(ctx, `SELECT COUNT(DISTINCT user_id) FROM copilot_usage WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: active users: %w", err)
	}
	return n, nil
}

// HasUsage reports whether q selects any event.
func (o ops) HasUsage(ctx context.Context, q UsageQuery) (bool, error) {
	if len(q.OrgIDs) == 0 {
		return false, nil
	}
	where, args := q.where("")
	var n int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM copilot_usage WHERE `+where+` LIMIT 1) x`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: usage: %w", err)
	}
	return n > 0, nil
}

// SigningKey returns the secret named name, made at random the first
// time it is asked for and kept in the database from then on.
func (s *Store) SigningKey(ctx context.Context, name string) ([]byte, error) {
	var secret string
	err := s.Tx(ctx, func(tx *Tx) error {
		b := make([]byte, 32)
		rand.Read(b)
		if _, err := tx.exec(ctx, `INSERT INTO signing_keys (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, hex.EncodeToString(b)); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT secret FROM signing_keys WHERE name = ?`, name).Scan(&secret)
	})
	if err != nil {
		return nil, fmt.Errorf("store: signing key: %w", err)
	}
	return hex.DecodeString(secret)
}
