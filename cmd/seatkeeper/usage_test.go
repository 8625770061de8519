package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestUsageCommand prints the reports of examples/seed.yaml's usage
// events (octocat's two on 2021-10-14 in acme-corp, in the enterprise
// acme), on both stores.
func TestUsageCommand(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := storetest.DSN(t, d)
		mustCLI(t, 0, "seed", "--database", db, "../../examples/seed.yaml")
		for _, c := range []struct {
			args  []string
			lines int
			check func(map[string]any) bool
		}{
			{[]string{"--org", "acme-corp", "--report", "organization-1-day", "--day", "2021-10-14"}, 1,
				func(r map[string]any) bool {
					return r["code_generation_activity_count"] == 14.0 && r["daily_active_users"] == 1.0
				}},
			{[]string{"--org", "acme-corp", "--day", "2021-10-14"}, 1,
				func(r map[string]any) bool { return r["user_login"] == "octocat" && r["used_chat"] == true }},
			{[]string{"--enterprise", "acme", "--report", "users-28-day", "--at", "2021-10-20T00:00:00Z"}, 1,
				func(r map[string]any) bool { return r["enterprise_id"] != nil && r["loc_added_sum"] == 17.0 }},
			{[]string{"--org", "acme-corp", "--report", "organization-28-day", "--at", "2021-10-20T00:00:00Z"}, 1,
				func(r map[string]any) bool {
					return len(r["day_totals"].([]any)) == 28 && r["report_end_day"] == "2021-10-19"
				}},
			{[]string{"--org", "acme-corp", "--day", "2021-10-15"}, 0, nil},
		} {
			out := mustCLI(t, 0, append([]string{"usage", "--database", db}, c.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if out == "" {
				lines = nil
			}
			if len(lines) != c.lines {
				t.Errorf("usage %v: %d lines, want %d\n%s", c.args, len(lines), c.lines, out)
				continue
			}
			for _, l := range lines {
				var r map[string]any
				if err := json.Unmarshal([]byte(l), &r); err != nil || !c.check(r) {
					t.Errorf("usage %v: %s (%v)", c.args, l, err)
				}
			}
		}
		// seats --by usage: octocat's idleness counts from his usage, the
		// seats without usage from their grant, whatever their activity.
		for by, want := range map[string]string{
			"activity": "octocat=6 hubot=0",
			"usage":    "octocat=6 hubot=",
		} {
			var rep struct {
				Seats []struct {
					Login          string  `json:"login"`
					DaysIdle       int     `json:"days_idle"`
					LastActivityAt *string `json:"last_activity_at"`
				} `json:"seats"`
			}
			// The enterprise's report, the same for its org's seats.
			for _, scope := range [][]string{{"--org", "acme-corp"}, {"--enterprise", "acme"}} {
				out := mustCLI(t, 0, append([]string{"seats", "--database", db, "--format", "json", "--by", by, "--at", "2021-10-20T06:53:32Z"}, scope...)...)
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, r := range rep.Seats {
					got[r.Login] = strconv.Itoa(r.DaysIdle)
					if r.LastActivityAt == nil {
						got[r.Login] = ""
					}
				}
				if g := "octocat=" + got["octocat"] + " hubot=" + got["hubot"]; g != want {
					t.Errorf("seats %v --by %s: %s, want %s\n%s", scope, by, g, want, out)
				}
			}
		}

		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--org", "acme-corp", "--enterprise", "acme"}, "give one of --org and --enterprise"},
			{[]string{"--org", "acme-corp", "--report", "enterprise-1-day"}, `no org report "enterprise-1-day"`},
			{[]string{"--org", "acme-corp", "--day", "14/10/2021"}, `--day: "14/10/2021" is not a day`},
		} {
			if code, _, errs := cli(t, nil, append([]string{"usage", "--database", db}, c.args...)...); code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("usage %v: exit %d, %q", c.args, code, errs)
			}
		}
	})
}

// TestUsageThroughServer: usage and seats --by usage through a running
// server (the report endpoints, then their download links) print what
// they print from its database, on both stores.
func TestUsageThroughServer(t *testing.T) {
	checkAPI(t)
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := storetest.DSN(t, d)
		now := time.Now().UTC()
		day := func(back int, clock string) string {
			return now.AddDate(0, 0, -back).Format(seatkeeper.DateLayout) + "T" + clock + "Z"
		}
		doc := `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cy}]
organizations:
  - login: acme
    copilot: {public_code_suggestions: allow, created_at: "` + day(60, "00:00:00") + `"}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}, {login: cy}]
    teams: [{name: Core, members: [{login: ann, joined_at: "` + day(60, "00:00:00") + `"}]}]
    seats:
      - {user: ann, created_at: "` + day(60, "00:00:00") + `"}
      - {user: bob, created_at: "` + day(60, "00:00:00") + `"}
      - {user: cy, created_at: "` + day(60, "00:00:00") + `"}
    usage:
      - {user: ann, at: "` + day(1, "09:00:00") + `", feature: code_completion, ide: vscode, ide_version: "1.99.0", language: go, code_generation_activity_count: 4}
      - {user: ann, at: "` + day(3, "10:00:00") + `", feature: chat_panel_ask_mode, ide: vscode, model: gpt-4.1, user_initiated_interaction_count: 2}
      - {user: bob, at: "` + day(12, "15:30:00") + `", feature: copilot_cli, cli_version: "1.0.8", request_count: 3}
      - {user: cy, at: "` + day(40, "08:00:00") + `", feature: code_completion, ide: vscode}
tokens:
  - {token: ghp_usage_owner, user: owner, scopes: [read:org]}
`
		file := filepath.Join(t.TempDir(), "seed.yaml")
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", db, file)
		yesterday := now.AddDate(0, 0, -1).Format(seatkeeper.DateLayout)
		cases := [][]string{
			{"--report", "organization-28-day"},
			{"--report", "users-28-day"},
			{"--report", "users-1-day"},
			{"--report", "user-teams-1-day", "--day", yesterday},
			{"--report", "organization-1-day", "--day", now.AddDate(0, 0, -3).Format(seatkeeper.DateLayout)},
		}
		want := map[int]string{}
		for i, args := range cases {
			want[i] = mustCLI(t, 0, append([]string{"usage", "--database", db, "--org", "acme"}, args...)...)
		}
		var wantSeats string
		code, errs := serveOnce(t, nil, func(base string) {
			for i, args := range cases {
				code, out, errs := cli(t, nil, append([]string{"usage", "--server", base, "--token", "ghp_usage_owner", "--org", "acme"}, args...)...)
				if code != 0 || out != want[i] || out == "" {
					t.Errorf("usage %v --server: exit %d (%s):\n%s\nwant (as on the database):\n%s", args, code, errs, out, want[i])
				}
			}
			// A day without usage: nothing, and a note.
			code, out, errs := cli(t, nil, "usage", "--server", base, "--token", "ghp_usage_owner", "--org", "acme", "--day", now.AddDate(0, 0, -2).Format(seatkeeper.DateLayout))
			if code != 0 || out != "" || !strings.Contains(errs, "no data for that day (204)") {
				t.Errorf("usage of a day without usage --server: exit %d: %q %q", code, out, errs)
			}
			if code, _, errs := cli(t, nil, "usage", "--server", base, "--token", "ghp_nope", "--org", "acme"); code != 1 || !strings.Contains(errs, "401") {
				t.Errorf("usage --server with a bad token: exit %d: %q", code, errs)
			}
			code, wantSeats, errs = cli(t, nil, "seats", "--server", base, "--token", "ghp_usage_owner", "--org", "acme", "--by", "usage", "--format", "csv")
			if code != 0 {
				t.Errorf("seats --by usage --server: exit %d: %s", code, errs)
			}
		}, "--database", db)
		if code != 0 {
			t.Fatalf("serve: exit %d: %s", code, errs)
		}
		// seats --by usage: the server's users-28-day report gives ann's and
		// bob's latest usage, as the database does; cy's, 40 days old, is
		// past the report's window, so her idleness counts from her grant.
		local := mustCLI(t, 0, "seats", "--database", db, "--org", "acme", "--by", "usage", "--format", "csv")
		for _, login := range []string{"ann", "bob"} {
			if l := csvLine(local, login); l == "" || l != csvLine(wantSeats, login) {
				t.Errorf("seats --by usage, %s: through the server %q, on the database %q", login, csvLine(wantSeats, login), l)
			}
		}
		if l := csvLine(wantSeats, "cy"); !strings.Contains(l, ",60,") {
			t.Errorf("seats --by usage --server, cy: %q, want 60 days idle (since the grant)", l)
		}
	})
}

// csvLine is the line of a seats CSV that starts with login.
func csvLine(csv, login string) string {
	for _, l := range strings.Split(csv, "\n") {
		if strings.HasPrefix(l, login+",") {
			return l
		}
	}
	return ""
}
