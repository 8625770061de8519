package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

func runSeats(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("seats", "Usage: seatkeeper seats --org ORG [--inactive-days N] [--format table|csv|json]\n"+
		"                       [--price-business USD] [--price-enterprise USD] [--at TIME]\n\n"+
		"Reports each Copilot seat of the organization: login, last activity, days idle (since the\n"+
		"seat was granted when never used), grant (direct or team), pending cancellation and monthly\n"+
		"cost. Seats pending cancellation are billed until their date.", env, stderr)
	org := fs.String("org", "", "organization login (required)")
	inactive := fs.Int("inactive-days", 0, "only seats idle for at least N days (0: all)")
	format := fs.String("format", "table", "output format: "+strings.Join(report.Formats, ", "))
	business := fs.Float64("price-business", report.DefaultPrices.Business, "monthly USD price of a Copilot Business seat")
	enterprise := fs.Float64("price-enterprise", report.DefaultPrices.Enterprise, "monthly USD price of a Copilot Enterprise seat")
	at := fs.String("at", "", "report as of this RFC 3339 time (default now)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *org == "":
		return usageErr("--org is required")
	case *inactive < 0:
		return usageErr("--inactive-days must be 0 or more")
	case !slices.Contains(report.Formats, *format):
		return usageErr("--format must be one of %s, not %q", strings.Join(report.Formats, ", "), *format)
	case *business < 0 || *enterprise < 0:
		return usageErr("prices must be 0 or more")
	}
	clk := &clock.Clock{}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageErr("--at: %q is not an RFC 3339 time such as 2026-03-01T00:00:00Z", *at)
		}
		clk.Set(t)
	}
	st, err := db.open(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.OrgByLogin(ctx, *org)
	if seatkeeper.IsNotFound(err) {
		return fmt.Errorf("no organization named %q", *org)
	}
	if err != nil {
		return err
	}
	r, err := report.Seats(ctx, &copilot.Service{Store: st, Clock: clk}, o, report.Options{
		InactiveDays: *inactive, Prices: report.Prices{Business: *business, Enterprise: *enterprise},
	})
	if err != nil {
		return fmt.Errorf("%s: %w", o.Login, err)
	}
	return report.Write(stdout, r, *format)
}
