package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

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
// day. The caller checks that each user held a seat then. The daily
// roll-ups the reports read (rollup.go) take the events in the same
// transaction: every write of usage goes through here.
func (tx *Tx) AddUsage(ctx context.Context, orgID int64, es []seatkeeper.UsageEvent) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = usageRow(orgID, e)
	}
	if err := tx.insertRows(ctx, "copilot_usage", "org_id, "+usageCols, rows); err != nil {
		return err
	}
	return tx.rollUp(ctx, orgID, es)
}

// UsageQuery selects recorded usage: the orgs' events from day From to
// day To (YYYY-MM-DD, inclusive).
type UsageQuery struct {
	OrgIDs   []int64
	From, To string
	// Members keeps only the events of the org's current members (an
	// export's: a former member's would not load).
	Members bool
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
	if q.Members {
		where += " AND c.user_id IN (SELECT m.user_id FROM org_memberships m WHERE m.org_id = c.org_id)"
	}
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

// LastUsage returns, for each user with usage events in the org, the time
// of their latest.
func (o ops) LastUsage(ctx context.Context, orgID int64) (map[int64]time.Time, error) {
	rows, err := o.query(ctx, `SELECT user_id, MAX(at) FROM copilot_usage WHERE org_id = ? GROUP BY user_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: last usage: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: last usage: %w", err)
		}
		out[id] = fromUnix(at)
	}
	return out, rows.Err()
}
