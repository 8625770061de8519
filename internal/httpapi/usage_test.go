package httpapi_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// usageScenario: ent holds acme and beta; other stands alone. ann holds
// seats in acme and beta, bob in acme, dan in beta, cat in other; eve is
// a member of acme without a seat; fay, a direct member of ent in no
// org, holds an enterprise-level seat.
const usageScenario = `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cat}, {login: dan}, {login: eve}, {login: fay}, {login: entowner}]
enterprises:
  - slug: ent
    name: Ent
    owners: [entowner]
    members: [fay]
    teams: [{name: Platform, members: [dan, eve]}]
    copilot: {plan_type: business, billing_cycle_day: 1, public_code_suggestions: allow}
    seats: [{user: fay}]
organizations:
  - login: acme
    enterprise: ent
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}, {login: eve}]
    seats: [{user: ann}, {user: bob}]
    teams:
      - {name: Go, members: [ann, eve]}
      - {name: Late, members: [{login: ann, joined_at: "2026-03-11T00:00:00Z"}]}
  - login: beta
    enterprise: ent
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: dan}]
    seats: [{user: dan}, {user: ann}]
    teams: [{name: Beta Core, members: [dan]}]
  - login: other
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: cat}]
    seats: [{user: cat}]
tokens:
  - {token: ghp_owner, user: owner, scopes: [read:org]}
  - {token: ghp_owner_repo, user: owner, scopes: [repo]}
  - {token: ghp_member, user: ann, scopes: [read:org]}
  - {token: ghp_ent, user: entowner, scopes: [read:enterprise]}
  - {token: ghp_ent_billing, user: entowner, scopes: [manage_billing:copilot]}
  - {token: ghp_ent_org, user: entowner, scopes: [read:org]}
  - {token: ghp_ent_stranger, user: owner, scopes: [read:enterprise]}
  - {token: github_pat_owner, user: owner, organization: acme, permissions: {organization_copilot_seat_management: read, organization_administration: read}}
`

// usageSchema is the JSON Schema written from GitHub's field reference.
func usageSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.NewCompiler().Compile("../../testdata/copilot-usage-records.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// download fetches a report's download link, without a credential, and
// returns its records, each checked against the schema.
func (e *env) download(schema *jsonschema.Schema, link string, status int) []map[string]any {
	e.t.Helper()
	path := strings.TrimPrefix(link, "http://seatkeeper.test")
	body := e.want("GET", path, "", "", status)
	if status != 200 {
		return nil
	}
	var out []map[string]any
	for line := range bytes.Lines(body) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			e.t.Fatalf("%s: %v", line, err)
		}
		if err := schema.Validate(inst); err != nil {
			e.t.Errorf("record does not match the schema: %v\n%s", err, line)
		}
		var v map[string]any
		json.Unmarshal(line, &v)
		out = append(out, v)
	}
	return out
}

// report asks for a report and returns its single download link.
func (e *env) report(path, token string) (string, map[string]any) {
	e.t.Helper()
	v := e.json("GET", path, token, "", 200)
	links, _ := v["download_links"].([]any)
	if len(links) != 1 {
		e.t.Fatalf("%s: links %v", path, v)
	}
	return links[0].(string), v
}

func byLogin(records []map[string]any) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, r := range records {
		m[r["user_login"].(string)] = r
	}
	return m
}

func TestUsageReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		start := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		e := newControlEnv(t, st, start, usageScenario, serverConfig{})
		schema := usageSchema(t)
		e.clock.Advance(3 * time.Hour)

		// A user without a seat that day is refused, and nothing of the
		// batch is recorded.
		e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"events": [
			{"user": "ann", "feature": "code_completion", "ide": "vscode", "code_generation_activity_count": 99},
			{"user": "eve", "feature": "code_completion", "ide": "vscode"}]}`, 422)
		for _, bad := range []string{
			`{"events": []}`,
			`{"events": [{"user": "ann", "feature": "typing", "ide": "vscode"}]}`,
			`{"events": [{"user": "ann", "feature": "code_completion"}]}`,
			`{"events": [{"user": "ann", "feature": "code_completion", "ide": "vscode", "loc_added_sum": -1}]}`,
			`{"events": [{"user": "ann", "feature": "code_completion", "ide": "vscode", "colour": "red"}]}`,
			`{"day": "2026-03-11", "events": [{"user": "ann", "feature": "code_completion", "ide": "vscode"}]}`,
		} {
			e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, bad, 422)
		}

		v := e.json("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"events": [
			{"user": "ann", "at": "2026-03-10T13:00:00Z", "feature": "code_completion", "ide": "vscode", "ide_version": "1.99.0", "plugin": "copilot-chat", "plugin_version": "0.26.0", "language": "go",
			 "code_generation_activity_count": 10, "code_acceptance_activity_count": 4, "loc_suggested_to_add_sum": 20, "loc_added_sum": 8},
			{"user": "ann", "at": "2026-03-10T14:00:00Z", "feature": "chat_panel_agent_mode", "ide": "vscode", "ide_version": "1.99.1", "plugin": "copilot-chat", "plugin_version": "0.26.1", "language": "go", "model": "gpt-4.1",
			 "user_initiated_interaction_count": 3, "code_generation_activity_count": 2, "code_acceptance_activity_count": 1, "loc_added_sum": 30, "loc_deleted_sum": 5},
			{"user": "bob", "feature": "copilot_cli", "cli_version": "1.0.8", "user_initiated_interaction_count": 2, "request_count": 4, "session_count": 1, "prompt_tokens_sum": 3000, "output_tokens_sum": 1000}]}`, 201)
		if v["recorded"] != 3.0 {
			t.Errorf("recorded %v", v)
		}
		// Recording moved the seats' activity.
		seat := e.json("GET", "/orgs/acme/members/ann/copilot", "ghp_owner", "", 200)
		if seat["last_activity_at"] != "2026-03-10T14:00:00Z" || seat["last_activity_editor"] != "vscode/1.99.1/copilot-chat/0.26.1" {
			t.Errorf("ann's seat after usage: %v", seat)
		}
		// Through the enterprise: dan's seat is in beta, ann's first in acme.
		e.json("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, `{"events": [
			{"user": "dan", "feature": "chat_panel_ask_mode", "ide": "jetbrains", "language": "kotlin", "model": "claude-sonnet-4", "user_initiated_interaction_count": 5},
			{"user": "ann", "at": "2026-03-10T12:30:00Z", "feature": "code_completion", "ide": "vscode", "language": "python", "code_generation_activity_count": 1}]}`, 201)
		e.want("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, `{"events": [{"user": "cat", "feature": "code_completion", "ide": "vscode"}]}`, 422)
		// An enterprise's batch is all or nothing: fay's event after the
		// clock refuses dan's in beta too.
		e.want("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, `{"events": [
			{"user": "dan", "at": "2026-03-10T14:45:00Z", "feature": "code_completion", "ide": "vscode", "code_generation_activity_count": 100},
			{"user": "fay", "at": "2026-03-10T23:00:00Z", "feature": "code_completion", "ide": "vscode"}]}`, 422)
		// fay's only seat is the enterprise's own: her usage is recorded at
		// the enterprise, and moves that seat's activity.
		e.json("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, `{"events": [
			{"user": "fay", "at": "2026-03-10T14:30:00Z", "feature": "chat_panel_ask_mode", "ide": "vscode", "ide_version": "1.99.2",
			 "model": "gpt-4.1", "language": "go", "user_initiated_interaction_count": 4, "code_generation_activity_count": 6}]}`, 201)
		e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"events": [{"user": "fay", "feature": "code_completion", "ide": "vscode"}]}`, 422)
		entSeats := e.json("GET", "/enterprises/ent/copilot/billing/seats", "ghp_ent_billing", "", 200)
		for _, seat := range entSeats["seats"].([]any) {
			seat := seat.(map[string]any)
			if seat["assignee"].(map[string]any)["login"] == "fay" && seat["last_activity_at"] != "2026-03-10T14:30:00Z" {
				t.Errorf("fay's enterprise seat after usage: %v", seat)
			}
		}
		e.json("POST", "/_seatkeeper/orgs/other/copilot/usage", adminToken, `{"events": [{"user": "cat", "feature": "code_completion", "ide": "vscode", "code_generation_activity_count": 50}]}`, 201)

		// The day is not over: no report yet.
		e.want("GET", "/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-03-10", "ghp_owner", "", 204)

		e.clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC))
		link, body := e.report("/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-03-10", "ghp_owner")
		if body["report_day"] != "2026-03-10" {
			t.Errorf("report %v", body)
		}
		day := e.download(schema, link, 200)
		if len(day) != 1 {
			t.Fatalf("organization-1-day: %v", day)
		}
		d := day[0]
		// Totals are the sums of the recorded events: ann's three in acme.
		for k, want := range map[string]float64{
			"code_generation_activity_count": 13, "code_acceptance_activity_count": 5, "loc_added_sum": 38,
			"loc_deleted_sum": 5, "loc_suggested_to_add_sum": 20, "user_initiated_interaction_count": 3,
			"daily_active_users": 1, "daily_active_cli_users": 1, "weekly_active_users": 1, "monthly_active_agent_users": 1,
		} {
			if d[k] != want {
				t.Errorf("organization-1-day %s = %v, want %v", k, d[k], want)
			}
		}
		if d["organization_id"] == nil || d["enterprise_id"] != nil {
			t.Errorf("organization-1-day scope: %v", d)
		}
		if cli := d["totals_by_cli"].(map[string]any); cli["request_count"] != 4.0 || cli["token_usage"].(map[string]any)["avg_tokens_per_request"] != 1000.0 {
			t.Errorf("totals_by_cli %v", cli)
		}

		// Per user, attributed to acme only.
		link, _ = e.report("/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_owner")
		users := byLogin(e.download(schema, link, 200))
		if len(users) != 2 || users["ann"]["code_generation_activity_count"] != 13.0 || users["ann"]["used_agent"] != true ||
			users["bob"]["used_cli"] != true || users["bob"]["used_chat"] != false {
			t.Errorf("acme users-1-day: %v", users)
		}
		link, _ = e.report("/orgs/beta/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_owner")
		if users := byLogin(e.download(schema, link, 200)); len(users) != 1 || users["dan"]["user_initiated_interaction_count"] != 5.0 {
			t.Errorf("beta users-1-day: %v", users)
		}
		// The enterprise: acme and beta, not other.
		link, _ = e.report("/enterprises/ent/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_ent")
		users = byLogin(e.download(schema, link, 200))
		if len(users) != 4 || users["cat"] != nil || users["ann"]["enterprise_id"] == nil || users["fay"]["user_initiated_interaction_count"] != 4.0 {
			t.Errorf("ent users-1-day: %v", users)
		}
		link, _ = e.report("/enterprises/ent/copilot/metrics/reports/enterprise-1-day?day=2026-03-10", "ghp_ent_billing")
		if day := e.download(schema, link, 200); len(day) != 1 || day[0]["daily_active_users"] != 3.0 || day[0]["code_generation_activity_count"] != 19.0 ||
			day[0]["monthly_active_chat_users"] != 3.0 {
			t.Errorf("enterprise-1-day: %v", day)
		}

		// User teams: a line per team of each user with usage that day,
		// the org's teams for an org (eve has no usage; ann joined Late
		// the next day), and the enterprise's own teams too for the
		// enterprise (dan's Platform), in (user, team id) order.
		userTeams := func(path, token string) []string {
			link, _ := e.report(path, token)
			var got []string
			for _, r := range e.download(schema, link, 200) {
				got = append(got, r["user_login"].(string)+"/"+r["slug"].(string))
			}
			return got
		}
		if got := userTeams("/orgs/acme/copilot/metrics/reports/user-teams-1-day?day=2026-03-10", "ghp_owner"); strings.Join(got, " ") != "ann/go" {
			t.Errorf("acme user-teams-1-day: %v", got)
		}
		if got := userTeams("/enterprises/ent/copilot/metrics/reports/user-teams-1-day?day=2026-03-10", "ghp_ent"); strings.Join(got, " ") != "ann/go dan/platform dan/beta-core" {
			t.Errorf("ent user-teams-1-day: %v", got)
		}

		// The latest 28 days: one record with a day_totals entry a day.
		link, body = e.report("/orgs/acme/copilot/metrics/reports/organization-28-day/latest", "ghp_owner")
		if body["report_start_day"] != "2026-02-11" || body["report_end_day"] != "2026-03-10" {
			t.Errorf("28-day report %v", body)
		}
		window := e.download(schema, link, 200)
		if len(window) != 1 || len(window[0]["day_totals"].([]any)) != 28 {
			t.Fatalf("organization-28-day: %v", window)
		}
		link, _ = e.report("/orgs/acme/copilot/metrics/reports/users-28-day/latest", "ghp_owner")
		if users := e.download(schema, link, 200); len(users) != 2 {
			t.Errorf("users-28-day: %v", users)
		}

		// An altered link fails; so does one past its hour.
		e.download(schema, strings.Replace(link, "acme", "beta", 1), 403)
		e.download(schema, strings.Replace(link, "expires=", "expires=9", 1), 403)
		e.download(schema, link+"0", 403)
		e.clock.Advance(time.Hour)
		if got := message(t, e.want("GET", strings.TrimPrefix(link, "http://seatkeeper.test"), "", "", 403)); got != "Request has expired." {
			t.Errorf("expired link: %q", got)
		}

		// No data: a day without events, the future, and a day without
		// pull requests.
		for _, path := range []string{
			"/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-03-09",
			"/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-12",
			"/orgs/acme/copilot/metrics/reports/user-teams-1-day?day=2026-03-09",
			"/orgs/beta/copilot/metrics/reports/organization-1-day?day=2026-03-11",
			"/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-10",
		} {
			e.want("GET", path, "ghp_owner", "", 204)
		}
		e.want("GET", "/orgs/acme/copilot/metrics/reports/users-1-day?day=10-03-2026", "ghp_owner", "", 400)
		e.want("GET", "/orgs/acme/copilot/metrics/reports/users-1-day", "ghp_owner", "", 400)

		// The next day: bob alone uses his editor; the day's report counts
		// him, the week's ann too, and the 28-day report ends that day.
		e.json("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"events": [
			{"user": "bob", "feature": "code_completion", "ide": "vscode", "code_generation_activity_count": 7}]}`, 201)
		e.clock.Set(time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
		link, _ = e.report("/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-03-11", "ghp_owner")
		if d := e.download(schema, link, 200)[0]; d["daily_active_users"] != 1.0 || d["weekly_active_users"] != 2.0 ||
			d["monthly_active_users"] != 2.0 || d["monthly_active_agent_users"] != 1.0 || d["monthly_active_chat_users"] != 1.0 ||
			d["daily_active_cli_users"] != nil || d["code_generation_activity_count"] != 7.0 {
			t.Errorf("organization-1-day on the second day: %v", d)
		}
		link, body = e.report("/orgs/acme/copilot/metrics/reports/organization-28-day/latest", "ghp_owner")
		window = e.download(schema, link, 200)
		totals := window[0]["day_totals"].([]any)
		if body["report_end_day"] != "2026-03-11" || totals[26].(map[string]any)["daily_active_cli_users"] != 1.0 ||
			totals[27].(map[string]any)["weekly_active_users"] != 2.0 || totals[25].(map[string]any)["monthly_active_users"] != 0.0 {
			t.Errorf("28-day report on the second day: %v %v", body, totals[25:])
		}

		// Who may ask.
		for _, c := range []struct {
			path, token string
			status      int
		}{
			{"/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-10", "", 401},
			{"/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_owner_repo", 404},
			{"/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_member", 404},
			{"/orgs/acme/copilot/metrics/reports/users-1-day?day=2026-03-10", "github_pat_owner", 403},
			{"/orgs/nope/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_owner", 404},
			{"/enterprises/ent/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_ent_org", 404},
			{"/enterprises/ent/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_ent_stranger", 403},
			{"/enterprises/nope/copilot/metrics/reports/users-1-day?day=2026-03-10", "ghp_ent", 404},
		} {
			e.want("GET", c.path, c.token, "", c.status)
		}
	})
}
