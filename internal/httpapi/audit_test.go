package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

type auditLine struct {
	ID             int64          `json:"id"`
	At             string         `json:"at"`
	Action         string         `json:"action"`
	Actor          *string        `json:"actor"`
	ActorTokenKind *string        `json:"actor_token_kind"`
	RequestID      *string        `json:"request_id"`
	Organization   *string        `json:"organization"`
	Subject        string         `json:"subject"`
	Details        map[string]any `json:"details"`
}

func (e *env) audit(query string) []auditLine {
	e.t.Helper()
	var out []auditLine
	if err := json.Unmarshal(e.want("GET", "/_seatkeeper/audit-log"+query, adminToken, "", 200), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// summary renders entries oldest first as "action subject by actor".
func summary(lines []auditLine) string {
	var out []string
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		actor := "-"
		if l.Actor != nil {
			actor = *l.Actor
		}
		out = append(out, fmt.Sprintf("%s %s by %s", l.Action, l.Subject, actor))
	}
	return strings.Join(out, "; ")
}

func TestAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, manageNow, manageScenario, serverConfig{AllowClockControl: true})
		const users = "/orgs/acme/copilot/billing/selected_users"

		r := e.doBody("POST", users, "ghp_billing", `{"selected_usernames":["ann","dan"]}`)
		rid := r.header.Get("X-GitHub-Request-Id")
		e.want("DELETE", users, "ghp_billing", `{"selected_usernames":["dan"]}`, 200)
		e.want("POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing", `{"selected_teams":["platform"]}`, 201)
		e.want("DELETE", "/orgs/acme/teams/platform-juniors/memberships/cat", "ghp_adminorg", "", 204)
		var minted struct{ Token string }
		json.Unmarshal(e.want("POST", "/_seatkeeper/tokens", adminToken, `{"kind":"classic","user":"ann","scopes":["read:org"]}`, 201), &minted)

		got := e.audit("?org=acme&per_page=100")
		want := "copilot.seat_assigned ann by owner; copilot.seat_assigned dan by owner; copilot.seat_cancelled dan by owner; " +
			"copilot.team_assigned platform by owner; team.member_removed cat by owner; copilot.seat_cancelled cat by owner"
		if s := summary(got); s != want {
			t.Errorf("org log:\n got %s\nwant %s", s, want)
		}
		oldest := got[len(got)-1]
		if oldest.RequestID == nil || *oldest.RequestID != rid || oldest.ActorTokenKind == nil || *oldest.ActorTokenKind != "classic" ||
			oldest.Organization == nil || *oldest.Organization != "acme" || oldest.At != "2026-03-20T12:00:00Z" {
			t.Errorf("first entry %+v, want request id %s", oldest, rid)
		}

		// Token minting is logged without the secret, newest first.
		all := e.audit("?action=token.created")
		// The bootstrap administrator's token was minted by the service itself.
		if len(all) != 2 || all[1].Actor != nil || all[0].Actor == nil || *all[0].Actor != "seatkeeper-admin" || minted.Token == "" || strings.Contains(fmt.Sprint(all[0]), minted.Token[4:]) {
			t.Errorf("token entries %+v", all)
		}

		// Expiries appear when their date comes; a revived seat's does not.
		e.want("POST", users, "ghp_billing", `{"selected_usernames":["dan"]}`, 201)
		e.want("PUT", "/_seatkeeper/clock", adminToken, `{"now":"2026-04-15T00:00:00Z"}`, 200)
		expired := summary(e.audit("?action=copilot.seat_expired"))
		if expired != "copilot.seat_expired cat by owner" {
			t.Errorf("expired entries: %s", expired)
		}
		if s := summary(e.audit("?action=clock.set")); s != "clock.set  by seatkeeper-admin" {
			t.Errorf("clock entries: %s", s)
		}

		// Paging, newest first, with Link.
		r = e.do("GET", "/_seatkeeper/audit-log?per_page=2", adminToken)
		if !strings.Contains(r.header.Get("Link"), `rel="next"`) {
			t.Errorf("Link %q", r.header.Get("Link"))
		}
		if r := e.do("GET", "/_seatkeeper/audit-log?org=nope", adminToken); r.status != 404 {
			t.Errorf("unknown org: %d", r.status)
		}
		if r := e.do("GET", "/_seatkeeper/audit-log", "ghp_billing"); r.status != 403 {
			t.Errorf("not a site administrator: %d", r.status)
		}
	})
}
