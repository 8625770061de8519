package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

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
			out := mustCLI(t, 0, "seats", "--database", db, "--org", "acme-corp", "--format", "json", "--by", by, "--at", "2021-10-20T06:53:32Z")
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
				t.Errorf("seats --by %s: %s, want %s\n%s", by, g, want, out)
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
