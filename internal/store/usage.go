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

// usageCols are copilot_usage's columns after org_id and enterprise_id,
// in UsageEvent's order.
const usageCols = `user_id, day, at, feature, ide, ide_version, plugin, plugin_version, language, model,
	generations, acceptances, loc_suggested_add, loc_suggested_delete, loc_added, loc_deleted,
	interactions, prompt_tokens, output_tokens, requests, sessions`

// UsageScope is where usage is recorded: an org (OrgID), or an
// enterprise itself (EnterpriseID) for a user whose only seat is
// enterprise-level.
type UsageScope struct{ OrgID, EnterpriseID int64 }

// owner is the scope's key in the roll-ups: the org's id, or minus the
// enterprise's.
func (s UsageScope) owner() int64 {
	if s.OrgID != 0 {
		return s.OrgID
	}
	return -s.EnterpriseID
}

// ids are the scope's org_id and enterprise_id columns, NULL when unset.
func (s UsageScope) ids() []any {
	out := []any{nil, nil}
	if s.OrgID != 0 {
		out[0] = s.OrgID
	} else {
		out[1] = s.EnterpriseID
	}
	return out
}

func usageRow(scope UsageScope, e seatkeeper.UsageEvent) []any {
	return append(scope.ids(), e.UserID, e.At.UTC().Format(seatkeeper.DateLayout), unix(e.At), e.Feature, e.IDE, e.IDEVersion,
		e.Plugin, e.PluginVersion, e.Language, e.Model, e.Generations, e.Acceptances, e.LOCSuggestedAdd,
		e.LOCSuggestedDelete, e.LOCAdded, e.LOCDeleted, e.Interactions, e.PromptTokens, e.OutputTokens,
		e.Requests, e.Sessions)
}

// AddUsage records usage events in an org or an enterprise; their day is
// their time's UTC day. The caller checks that each user held a seat
// there then. The daily roll-ups the reports read (rollup.go) take the
// events in the same transaction: every write of usage goes through here.
func (tx *Tx) AddUsage(ctx context.Context, scope UsageScope, es []seatkeeper.UsageEvent) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = usageRow(scope, e)
	}
	if err := tx.insertRows(ctx, "copilot_usage", "org_id, enterprise_id, "+usageCols, rows); err != nil {
		return err
	}
	return tx.rollUp(ctx, scope, es)
}

// UsageQuery selects recorded usage: the orgs' events from day From to
// day To (YYYY-MM-DD, inclusive), and those recorded at enterprise
// EnterpriseID itself when it is not 0.
type UsageQuery struct {
	OrgIDs       []int64
	EnterpriseID int64
	From, To     string
	// Members keeps only the events of the orgs' current members (an
	// export's: a former member's would not load).
	Members bool
	// Logins fills the logins of pull-request events' users (an export's;
	// reports do without).
	Logins bool
}

func (q UsageQuery) where(alias string) (string, []any) {
	args := make([]any, 0, len(q.OrgIDs)+3)
	var or []string
	if len(q.OrgIDs) > 0 {
		for _, id := range q.OrgIDs {
			args = append(args, id)
		}
		or = append(or, alias+"org_id IN ("+marks(len(q.OrgIDs))+")")
	}
	if q.EnterpriseID != 0 {
		or = append(or, alias+"enterprise_id = ?")
		args = append(args, q.EnterpriseID)
	}
	args = append(args, q.From, q.To)
	return "(" + strings.Join(or, " OR ") + ") AND " + alias + "day >= ? AND " + alias + "day <= ?", args
}

// owners are the roll-ups' keys of q's orgs and enterprise.
func (q UsageQuery) owners() []any {
	out := make([]any, 0, len(q.OrgIDs)+1)
	for _, id := range q.OrgIDs {
		out = append(out, id)
	}
	if q.EnterpriseID != 0 {
		out = append(out, -q.EnterpriseID)
	}
	return out
}

// rollupWhere selects q's rows of a roll-up with a day column.
func (q UsageQuery) rollupWhere(alias string) (string, []any) {
	owners := q.owners()
	return alias + "owner IN (" + marks(len(owners)) + ") AND " + alias + "day >= ? AND " + alias + "day <= ?", append(owners, q.From, q.To)
}

// empty says whether q selects no org and no enterprise.
func (q UsageQuery) empty() bool { return len(q.OrgIDs) == 0 && q.EnterpriseID == 0 }

// EachUsage calls fn with each event q selects, in (day, user) order, with
// the user's login: callers group consecutive events by day and user
// while the rows stream, so memory does not grow with the seats.
func (o ops) EachUsage(ctx context.Context, q UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error {
	if q.empty() {
		return nil
	}
	where, args := q.where("c.")
	if q.Members {
		where += " AND (c.org_id IS NULL OR c.user_id IN (SELECT m.user_id FROM org_memberships m WHERE m.org_id = c.org_id))"
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

// LastUsage returns, for each user with usage recorded in q's orgs (or
// at q's enterprise itself) on any day, the time of their latest event
// (from the per-user roll-up, which keeps each row's latest).
func (o ops) LastUsage(ctx context.Context, q UsageQuery) (map[int64]time.Time, error) {
	if q.empty() {
		return map[int64]time.Time{}, nil
	}
	owners := q.owners()
	rows, err := o.query(ctx, `SELECT user_id, MAX(last_at) FROM copilot_usage_user_days WHERE owner IN (`+marks(len(owners))+`) GROUP BY user_id`, owners...)
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
