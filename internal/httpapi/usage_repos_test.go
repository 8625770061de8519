package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// byRepo keys repos-1-day records by owner/name.
func byRepo(records []map[string]any) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, r := range records {
		m[r["repo_owner_name"].(string)+"/"+r["repo_name"].(string)] = r
	}
	return m
}

// pullRequestsOf is a record's pull_requests.
func pullRequestsOf(r map[string]any) map[string]any {
	if r == nil {
		return nil
	}
	return r["pull_requests"].(map[string]any)
}

func TestRepoReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), usageScenario, serverConfig{})
		schema := usageSchema(t)

		// Refused, and nothing of the batch recorded: eve holds no seat;
		// other's repository is not acme's; malformed events.
		for _, bad := range []string{
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created"},
				{"user": "eve", "repository": "api", "number": 2, "action": "created"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "other/api", "number": 1, "action": "created"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "closed"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 0, "action": "created"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "", "number": 1, "action": "created"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "merged"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created", "minutes_to_merge": 5}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created", "suggestions": 2}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "reviewed", "suggestions": 1, "applied_suggestions": 2}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created", "copilot_code_review": true}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "reviewed", "copilot_coding_agent": true}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "visibility": "secret", "number": 1, "action": "created"}]}`,
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created", "colour": "red"}]}`,
			`{"pull_requests": [{"user": "ann", "at": "2026-03-10T16:00:00Z", "repository": "api", "number": 1, "action": "created"}]}`,
		} {
			e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, bad, 422)
		}
		// The enterprise route needs owner/name, owner one of its orgs, and
		// a seat in the enterprise.
		for _, bad := range []string{
			`{"pull_requests": [{"user": "ann", "repository": "api", "number": 1, "action": "created"}]}`,
			`{"pull_requests": [{"user": "cat", "repository": "other/api", "number": 1, "action": "created"}]}`,
			`{"pull_requests": [{"user": "eve", "repository": "acme/api", "number": 1, "action": "created"}]}`,
		} {
			e.want("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, bad, 422)
		}

		// acme/api: #1 created by the coding agent for ann, reviewed twice
		// by Copilot code review (one pull request reviewed), merged; #2
		// created by bob and reviewed by ann; #3 (created earlier) merged.
		// With usage events in the same batch.
		v := e.json("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{
			"events": [{"user": "ann", "feature": "code_completion", "ide": "vscode", "code_generation_activity_count": 2}],
			"pull_requests": [
			{"user": "ann", "at": "2026-03-10T09:00:00Z", "repository": "api", "number": 1, "action": "created", "copilot_coding_agent": true},
			{"user": "ann", "at": "2026-03-10T09:30:00Z", "repository": "API", "number": 1, "action": "reviewed", "copilot_code_review": true, "suggestions": 4, "applied_suggestions": 3},
			{"user": "ann", "at": "2026-03-10T10:00:00Z", "repository": "api", "number": 1, "action": "reviewed", "copilot_code_review": true, "suggestions": 1},
			{"user": "ann", "at": "2026-03-10T11:00:00Z", "repository": "acme/api", "number": 1, "action": "merged", "copilot_coding_agent": true, "copilot_code_review": true, "minutes_to_merge": 120},
			{"user": "bob", "at": "2026-03-10T12:00:00Z", "repository": "api", "number": 2, "action": "created"},
			{"user": "ann", "at": "2026-03-10T12:30:00Z", "repository": "api", "number": 2, "action": "reviewed", "suggestions": 2, "applied_suggestions": 1},
			{"user": "bob", "at": "2026-03-10T13:00:00Z", "repository": "api", "number": 3, "action": "merged", "minutes_to_merge": 3000},
			{"user": "bob", "at": "2026-03-10T13:00:00Z", "repository": "web", "visibility": "internal", "number": 7, "action": "created", "copilot_coding_agent": true}]}`, 201)
		if v["recorded"] != 9.0 {
			t.Errorf("recorded %v", v)
		}
		// A pull request merges once a day: again after the batch, or twice
		// in one.
		e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"pull_requests": [
			{"user": "bob", "at": "2026-03-10T14:00:00Z", "repository": "api", "number": 3, "action": "merged", "minutes_to_merge": 5}]}`, 422)
		e.want("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"pull_requests": [
			{"user": "bob", "at": "2026-03-10T14:00:00Z", "repository": "api", "number": 9, "action": "merged", "minutes_to_merge": 5},
			{"user": "bob", "at": "2026-03-10T14:01:00Z", "repository": "api", "number": 9, "action": "merged", "minutes_to_merge": 6}]}`, 422)
		// Through the enterprise: dan in beta/core, fay (an
		// enterprise-level seat) in acme/web.
		e.json("POST", "/_seatkeeper/enterprises/ent/copilot/usage", adminToken, `{"pull_requests": [
			{"user": "dan", "at": "2026-03-10T08:00:00Z", "repository": "beta/core", "visibility": "public", "number": 5, "action": "merged", "minutes_to_merge": 45},
			{"user": "fay", "at": "2026-03-10T08:30:00Z", "repository": "acme/web", "number": 8, "action": "created"}]}`, 201)
		e.json("POST", "/_seatkeeper/orgs/other/copilot/usage", adminToken, `{"pull_requests": [
			{"user": "cat", "repository": "api", "number": 1, "action": "created", "copilot_coding_agent": true}]}`, 201)

		// The day is not over: no report yet.
		e.want("GET", "/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-10", "ghp_owner", "", 204)

		e.clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC))
		link, body := e.report("/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-10", "ghp_owner")
		if body["report_day"] != "2026-03-10" {
			t.Errorf("report %v", body)
		}
		repos := byRepo(e.download(schema, link, 200))
		if len(repos) != 2 {
			t.Fatalf("acme repos-1-day: %v", repos)
		}
		api, web := repos["acme/api"], repos["acme/web"]
		if api["repo_visibility"] != "private" || web["repo_visibility"] != "internal" || api["organization_id"] == nil || api["enterprise_id"] != nil {
			t.Errorf("acme repos: %v", repos)
		}
		for k, want := range map[string]any{
			"total_created": 2.0, "total_reviewed": 2.0, "total_merged": 2.0, "median_minutes_to_merge": 1560.0,
			"total_suggestions": 7.0, "total_applied_suggestions": 4.0, "total_created_by_copilot": 1.0, "total_reviewed_by_copilot": 1.0,
			"total_merged_created_by_copilot": 1.0, "total_merged_reviewed_by_copilot": 1.0,
			"median_minutes_to_merge_copilot_authored": 120.0, "median_minutes_to_merge_copilot_reviewed": 120.0,
			"total_copilot_suggestions": 5.0, "total_copilot_applied_suggestions": 3.0,
		} {
			if got := pullRequestsOf(api)[k]; got != want {
				t.Errorf("acme/api %s = %v, want %v", k, got, want)
			}
		}
		if p := pullRequestsOf(web); p["total_created"] != 2.0 || p["total_created_by_copilot"] != 1.0 || p["total_merged"] != 0.0 || p["median_minutes_to_merge"] != nil {
			t.Errorf("acme/web: %v", p)
		}

		// The enterprise: acme's and beta's repositories, not other's.
		link, _ = e.report("/enterprises/ent/copilot/metrics/reports/repos-1-day?day=2026-03-10", "ghp_ent")
		repos = byRepo(e.download(schema, link, 200))
		if len(repos) != 3 || repos["other/api"] != nil || repos["beta/core"]["repo_visibility"] != "public" ||
			repos["beta/core"]["enterprise_id"] == nil || pullRequestsOf(repos["beta/core"])["median_minutes_to_merge"] != 45.0 ||
			pullRequestsOf(repos["acme/api"])["total_created"] != 2.0 {
			t.Errorf("ent repos-1-day: %v", repos)
		}
		link, _ = e.report("/orgs/other/copilot/metrics/reports/repos-1-day?day=2026-03-10", "ghp_owner")
		if repos := byRepo(e.download(schema, link, 200)); len(repos) != 1 || pullRequestsOf(repos["other/api"])["total_created_by_copilot"] != 1.0 {
			t.Errorf("other repos-1-day: %v", repos)
		}

		// The aggregates' pull_requests: the sums of their repositories'
		// days, the medians over all the day's merges.
		aggregate := func(path, token string) map[string]any {
			link, _ := e.report(path, token)
			return pullRequestsOf(e.download(schema, link, 200)[0])
		}
		for _, c := range []struct {
			path, token string
			want        map[string]any
		}{
			{"/orgs/acme/copilot/metrics/reports/organization-1-day?day=2026-03-10", "ghp_owner", map[string]any{
				"total_created": 4.0, "total_created_by_copilot": 2.0, "total_reviewed": 2.0, "total_merged": 2.0,
				"median_minutes_to_merge": 1560.0, "total_copilot_suggestions": 5.0, "median_minutes_to_merge_copilot_reviewed": 120.0}},
			{"/enterprises/ent/copilot/metrics/reports/enterprise-1-day?day=2026-03-10", "ghp_ent", map[string]any{
				"total_created": 4.0, "total_merged": 3.0, "median_minutes_to_merge": 120.0, "total_merged_created_by_copilot": 1.0}},
			{"/orgs/beta/copilot/metrics/reports/organization-1-day?day=2026-03-10", "ghp_owner", map[string]any{
				"total_created": 0.0, "total_merged": 1.0, "median_minutes_to_merge": 45.0, "median_minutes_to_merge_copilot_authored": nil}},
		} {
			got := aggregate(c.path, c.token)
			for k, want := range c.want {
				if got[k] != want {
					t.Errorf("%s pull_requests.%s = %v, want %v", c.path, k, got[k], want)
				}
			}
		}

		// An altered link fails; so does one past its hour.
		e.download(schema, strings.Replace(link, "other", "acme", 1), 403)
		e.clock.Advance(time.Hour)
		e.download(schema, link, 403)

		// The next day: only that day's events count; the day before is
		// unchanged, and a day without events has no report.
		e.json("POST", "/_seatkeeper/orgs/acme/copilot/usage", adminToken, `{"pull_requests": [
			{"user": "bob", "repository": "api", "number": 2, "action": "merged", "minutes_to_merge": 1300}]}`, 201)
		e.clock.Set(time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC))
		link, _ = e.report("/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-11", "ghp_owner")
		repos = byRepo(e.download(schema, link, 200))
		if p := pullRequestsOf(repos["acme/api"]); len(repos) != 1 || p["total_merged"] != 1.0 || p["total_created"] != 0.0 || p["median_minutes_to_merge"] != 1300.0 {
			t.Errorf("acme repos-1-day on the second day: %v", repos)
		}
		link, _ = e.report("/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-10", "ghp_owner")
		if p := pullRequestsOf(byRepo(e.download(schema, link, 200))["acme/api"]); p["total_merged"] != 2.0 {
			t.Errorf("acme repos-1-day for the first day, a day later: %v", p)
		}
		e.want("GET", "/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-09", "ghp_owner", "", 204)
		e.want("GET", "/orgs/beta/copilot/metrics/reports/repos-1-day?day=2026-03-11", "ghp_owner", "", 204)
		e.want("GET", "/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-3-11", "ghp_owner", "", 400)
		e.want("GET", "/orgs/acme/copilot/metrics/reports/repos-1-day?day=2026-03-11", "ghp_member", "", 404)
	})
}
