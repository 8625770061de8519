// Package audit records every change to seatkeeper's state in the audit
// log, inside the transaction that makes the change, with the actor and
// request the change came from.
package audit

import (
	"context"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Actions, by area.
const (
	SeatAssigned   = "copilot.seat_assigned"    // a direct grant, new or revived
	SeatCancelled  = "copilot.seat_cancelled"   // a seat set to end at the next cycle
	SeatExpired    = "copilot.seat_expired"     // scheduled: the seat ends
	TeamAssigned   = "copilot.team_assigned"    // a team grant, new or revived
	TeamCancelled  = "copilot.team_cancelled"   // a team grant set to end
	TeamExpired    = "copilot.team_expired"     // scheduled: the team grant ends
	SettingsChange = "copilot.settings_changed" // enabled or changed
	Disabled       = "copilot.disabled"
	Activity       = "copilot.activity_recorded"

	MemberInvited  = "org.member_invited"
	MemberRole     = "org.member_role_changed"
	MemberSet      = "org.membership_set"
	MemberAccepted = "org.invitation_accepted"
	MemberRemoved  = "org.member_removed"
	MemberPublic   = "org.membership_visibility_changed"

	EnterpriseRoleAdded   = "enterprise.role_added"   // a direct member or a billing manager
	EnterpriseRoleRemoved = "enterprise.role_removed" // likewise

	TeamCreated       = "team.created"
	TeamUpdated       = "team.updated"
	TeamDeleted       = "team.deleted"
	TeamMemberAdded   = "team.member_added"
	TeamMemberRemoved = "team.member_removed"

	TokenCreated = "token.created"
	TokenRevoked = "token.revoked"

	UserCreated = "user.created"
	OrgCreated  = "org.created"

	ClockSet      = "clock.set"
	ClockReleased = "clock.released"
	StateReset    = "state.reset"
	StateSeeded   = "state.seeded"
)

// Actor is who a request acts as.
type Actor struct {
	Login     string // the token's user, "installation" for an installation token
	TokenKind string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of its request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns ctx's actor; the zero Actor (the service itself) when
// there is none.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Event is a change to record.
type Event struct {
	At      time.Time
	Action  string
	Org     *seatkeeper.Organization // nil for changes of no org
	Subject string
	Details map[string]any
}

// CLI is the actor of changes made by seatkeeper's command line (seed,
// token create, token revoke), which works on the database directly.
var CLI = Actor{Login: "cli"}

// TokenEvent is the entry of a token minted or revoked: its id and hint,
// never the secret.
func TokenEvent(action string, t seatkeeper.Token, at time.Time) Event {
	return Event{At: at, Action: action, Subject: strconv.FormatInt(t.ID, 10),
		Details: map[string]any{"kind": string(t.Kind), "hint": t.Hint, "note": t.Note}}
}

// SeedEvent is the entry of a seed document loaded, with what it declared.
func SeedEvent(at time.Time, users, enterprises, organizations, tokens int) Event {
	return Event{At: at, Action: StateSeeded, Details: map[string]any{
		"users": users, "enterprises": enterprises, "organizations": organizations, "tokens": tokens}}
}

// Record appends ev, attributed to ctx's actor, through tx.
func Record(ctx context.Context, tx *store.Tx, ev Event) error {
	a := ActorFrom(ctx)
	e := store.AuditEntry{
		At: ev.At, Action: ev.Action, Actor: a.Login, ActorTokenKind: a.TokenKind, RequestID: a.RequestID,
		Subject: ev.Subject, Details: ev.Details,
	}
	if ev.Org != nil {
		e.OrgID, e.Org = ev.Org.ID, ev.Org.Login
	}
	return tx.AppendAudit(ctx, e)
}

// RecordAll appends events, attributed to ctx's actor, in as few
// statements as it can: for changes of many seats at once.
func RecordAll(ctx context.Context, tx *store.Tx, evs []Event) error {
	a := ActorFrom(ctx)
	es := make([]store.AuditEntry, len(evs))
	for i, ev := range evs {
		es[i] = store.AuditEntry{
			At: ev.At, Action: ev.Action, Actor: a.Login, ActorTokenKind: a.TokenKind, RequestID: a.RequestID,
			Subject: ev.Subject, Details: ev.Details,
		}
		if ev.Org != nil {
			es[i].OrgID, es[i].Org = ev.Org.ID, ev.Org.Login
		}
	}
	return tx.AppendAuditBatch(ctx, es)
}

// Schedule records that a seat or team grant ends at date: the entry
// appears in the log once that time has come, unless Unschedule removes it
// first (the seat is revived).
func Schedule(ctx context.Context, tx *store.Tx, action string, org seatkeeper.Organization, subject string, date seatkeeper.Date) error {
	return Record(ctx, tx, Event{At: date.Time, Action: action, Org: &org, Subject: subject,
		Details: map[string]any{"pending_cancellation_date": date.String()}})
}

// Unschedule removes a scheduled end that has not come yet.
func Unschedule(ctx context.Context, tx *store.Tx, action string, org seatkeeper.Organization, subject string, now time.Time) error {
	return tx.Unschedule(ctx, org.ID, action, subject, now)
}
