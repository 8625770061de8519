package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/client"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

func runSeats(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("seats", "Usage: seatkeeper seats [--database DB | --server URL --token T] (--org ORG | --enterprise E)\n"+
		"                       [--inactive-days N] [--by activity|usage] [--sort KEY] [--format table|csv|json]\n"+
		"                       [--price-business USD] [--price-enterprise USD] [--at TIME]\n\n"+
		"Reports each Copilot seat of the organization: login, last activity, days idle (since the\n"+
		"seat was granted when never used), grant (direct or team), pending cancellation and monthly\n"+
		"cost. Seats pending cancellation are billed until their date.\n\n"+
		"With --enterprise, every seat of the enterprise, each with its organization (\"enterprise\"\n"+
		"for a seat the enterprise holds itself) and the price of its own plan.\n\n"+
		"With --server, the seats come from GitHub's Copilot API of that server (seatkeeper, or GitHub\n"+
		"itself: https://api.github.com), read with --token, which must be an org owner's (with\n"+
		"--enterprise, an enterprise owner's) token that may read Copilot seats; days idle are counted\n"+
		"to this machine's clock. A seat whose plan the API does not give is priced at its\n"+
		"organization's plan (Copilot Business for the enterprise's own seats).", env, stderr)
	org := fs.String("org", "", "organization login")
	ent := fs.String("enterprise", "", "enterprise slug: the seats of all its organizations and its own")
	inactive := fs.Int("inactive-days", 0, "only seats idle for at least N days (0: all)")
	format := fs.String("format", "table", "output format: "+strings.Join(report.Formats, ", "))
	business := fs.Float64("price-business", report.DefaultPrices.Business, "monthly USD price of a Copilot Business seat")
	enterprise := fs.Float64("price-enterprise", report.DefaultPrices.Enterprise, "monthly USD price of a Copilot Enterprise seat")
	at := fs.String("at", "", "report as of this RFC 3339 time (default now; not with --server)")
	by := fs.String("by", "activity", "count idleness by activity (last_activity_at) or usage (the latest usage event; with --server, the latest in the users-28-day report)")
	sortKey := fs.String("sort", "", "order by "+strings.Join(report.SortKeys, ", ")+"; a leading - for descending (default: oldest grant first)")
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *org == "" && *ent == "":
		return usageErr("--org or --enterprise is required")
	case *org != "" && *ent != "":
		return usageErr("give --org or --enterprise, not both")
	case *inactive < 0:
		return usageErr("--inactive-days must be 0 or more")
	case !slices.Contains(report.Formats, *format):
		return usageErr("--format must be one of %s, not %q", strings.Join(report.Formats, ", "), *format)
	case *business < 0 || *enterprise < 0:
		return usageErr("prices must be 0 or more")
	case *by != "activity" && *by != "usage":
		return usageErr("--by must be activity or usage, not %q", *by)
	case *sortKey != "" && report.CheckSort(*sortKey) != nil:
		return usageErr("--sort: %v", report.CheckSort(*sortKey))
	}
	opt := report.Options{InactiveDays: *inactive, Prices: report.Prices{Business: *business, Enterprise: *enterprise}, ByUsage: *by == "usage"}
	if c, err := srv.client(fs); err != nil || c != nil {
		if err != nil {
			return err
		}
		if *at != "" {
			return usageErr("--at works on a database; a server reports at its own clock")
		}
		r, err := remoteSeats(ctx, c, *org, *ent, opt)
		if err != nil {
			return err
		}
		return writeReport(stdout, r, *sortKey, *format)
	}
	clk := &clock.Clock{}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErr("--at: %q is not an RFC 3339 time such as 2026-03-01T00:00:00Z", *at)
		}
		clk.Set(t)
	}
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &copilot.Service{Store: st, Clock: clk}
	if *ent != "" {
		e, err := st.EnterpriseBySlug(ctx, *ent)
		if seatkeeper.IsNotFound(err) {
			return fmt.Errorf("no enterprise named %q", *ent)
		}
		if err != nil {
			return err
		}
		r, err := report.EnterpriseSeats(ctx, svc, e, opt)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Slug, err)
		}
		return writeReport(stdout, r, *sortKey, *format)
	}
	o, err := st.OrgByLogin(ctx, *org)
	if seatkeeper.IsNotFound(err) {
		return fmt.Errorf("no organization named %q", *org)
	}
	if err != nil {
		return err
	}
	r, err := report.Seats(ctx, svc, o, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Login, err)
	}
	return writeReport(stdout, r, *sortKey, *format)
}

// remoteSeats builds the report from the server's Copilot API: an org's
// plan from the billing settings, then every page of the seat list; or
// every page of the enterprise's seat list.
//
// With opt.ByUsage each seat's activity is its holder's latest usage in
// the users-28-day report (client.LastUsage): the API reports no older
// usage, so a seat idle longer counts from its grant.
func remoteSeats(ctx context.Context, c *client.Client, org, ent string, opt report.Options) (report.Report, error) {
	byUsage := func(scope, name string, seats []seatkeeper.Seat) error {
		if !opt.ByUsage {
			return nil
		}
		last, err := c.LastUsage(ctx, scope, name)
		report.ByUsage(seats, func(u seatkeeper.User) (time.Time, bool) { at, ok := last[u.Login]; return at, ok })
		return err
	}
	if ent != "" {
		seats, err := c.EnterpriseSeats(ctx, ent, nil)
		if err != nil {
			return report.Report{}, err
		}
		if err := byUsage("enterprises", ent, seats); err != nil {
			return report.Report{}, err
		}
		return report.BuildEnterprise(ent, seats, time.Now(), opt), nil
	}
	plan, err := c.Plan(ctx, org)
	if err != nil {
		return report.Report{}, err
	}
	seats, err := c.Seats(ctx, org, plan, nil)
	if err != nil {
		return report.Report{}, err
	}
	if err := byUsage("orgs", org, seats); err != nil {
		return report.Report{}, err
	}
	return report.Build(seatkeeper.Organization{Login: org}, plan, seats, time.Now(), opt), nil
}

func writeReport(w io.Writer, r report.Report, sortKey, format string) error {
	if err := report.Sort(&r, sortKey); err != nil {
		return err
	}
	return report.Write(w, r, format)
}
