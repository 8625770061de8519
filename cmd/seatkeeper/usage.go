package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	usagereport "github.com/seatkeeper/seatkeeper/internal/usage"
)

func runUsage(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("usage", "Usage: seatkeeper usage [--database DB | --server URL --token T] (--org ORG | --enterprise SLUG)\n"+
		"                       [--report NAME] [--day DAY] [--at TIME]\n\n"+
		"Prints a Copilot usage-metrics report's records, one JSON object a line, as its download link\n"+
		"serves them: users-1-day, user-teams-1-day and organization-1-day (enterprise-1-day) for --day,\n"+
		"users-28-day and organization-28-day (enterprise-28-day) for the 28 days before today (or --at).\n\n"+
		"With --server, through GitHub's report endpoints of that server (seatkeeper, or GitHub itself):\n"+
		"the report is asked for with --token (an org owner's with read:org; an enterprise owner's or\n"+
		"billing manager's with read:enterprise or manage_billing:copilot), then its download links are\n"+
		"fetched, without the token; --day defaults to yesterday by this machine's clock, and a report\n"+
		"without data (204) prints nothing.", env, stderr)
	org := fs.String("org", "", "organization login")
	ent := fs.String("enterprise", "", "enterprise slug")
	name := fs.String("report", "users-1-day", "report: users-1-day, users-28-day, user-teams-1-day, organization-1-day, organization-28-day (enterprise-1-day, enterprise-28-day)")
	day := fs.String("day", "", "the day of a 1-day report, YYYY-MM-DD (default yesterday)")
	at := fs.String("at", "", "today as of this RFC 3339 time (default now; not with --server)")
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	scope := "orgs"
	if *ent != "" {
		scope = "enterprises"
	}
	rep, ok := usagereport.Find(scope, *name)
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case (*org == "") == (*ent == ""):
		return usageErr("give one of --org and --enterprise")
	case !ok:
		return usageErr("--report: no %s report %q", scope[:len(scope)-1], *name)
	}
	clk := &clock.Clock{}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErr("--at: %q is not an RFC 3339 time such as 2026-03-01T00:00:00Z", *at)
		}
		clk.Set(t)
	}
	from, to := usagereport.Window(clk.Now())
	if !rep.Window {
		from = to // yesterday
		if *day != "" {
			if _, err := time.Parse(seatkeeper.DateLayout, *day); err != nil {
				return usageErr("--day: %q is not a day such as 2026-03-01", *day)
			}
			from, to = *day, *day
		}
	}
	if c, err := srv.client(fs); err != nil || c != nil {
		if err != nil {
			return err
		}
		if *at != "" {
			return usageErr("--at works on a database; a server reports at its own clock")
		}
		name, day := *org, ""
		if *ent != "" {
			name = *ent
		}
		if !rep.Window {
			day = from
		}
		if ok, err := c.UsageReport(ctx, scope, name, rep.Name, day, stdout); err != nil || !ok {
			if err == nil {
				fmt.Fprintf(stderr, "seatkeeper: %s has no data for that day (204)\n", rep.Name)
			}
			return err
		}
		return nil
	}
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	req := rep.Request(from, to)
	if *org != "" {
		o, err := st.OrgByLogin(ctx, *org)
		if err != nil {
			return err
		}
		req.OrgIDs, req.Scope.OrgID = []int64{o.ID}, strconv.FormatInt(o.ID, 10)
	} else {
		e, err := st.EnterpriseBySlug(ctx, *ent)
		if err != nil {
			return err
		}
		if req.OrgIDs, err = (&copilot.Service{Store: st, Clock: clk}).EnterpriseUsageOrgs(ctx, e); err != nil {
			return err
		}
		req.Scope.EnterpriseID, req.EnterpriseID = strconv.FormatInt(e.ID, 10), e.ID
	}
	return usagereport.Write(ctx, stdout, st, req)
}
