package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

func runGenerate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("generate", "Usage: seatkeeper generate --database DB [flags]\n\n"+
		"Writes orgs gen-org-0000..., each with an owner gen-NNNN-owner, members gen-NNNN-uNNNNNNN holding seats\n"+
		"(10% through a team), activity, and owner tokens ghp_genNNNNtokenNNNN (read:org, manage_billing:copilot).\n"+
		"--database is required (the environment's database is not used), and the size is shown before writing.", env, stderr)
	orgs := fs.Int("orgs", 100, "organizations")
	seats := fs.Int("seats-per-org", 10000, "seats in each organization")
	tokens := fs.Int("tokens-per-org", 10, "owner tokens in each organization")
	usageDays := fs.Int("usage-days", 0, "days of Copilot usage events before now for the active seats (28 for the usage-metrics reports); 0 writes none")
	seed := fs.Int64("random-seed", 1, "seed of the random choices (activity, cancellations); the same seed gives the same data")
	if err := parse(fs, args); err != nil {
		return err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "database" })
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case !given:
		return usageErr("--database is required: generate writes %s seats, so name the database it writes them to",
			report.Thousands(int64(*orgs)*int64(*seats)))
	case *orgs < 1 || *seats < 1 || *tokens < 1:
		return usageErr("--orgs, --seats-per-org and --tokens-per-org must be at least 1")
	case *usageDays < 0 || *usageDays > 366:
		return usageErr("--usage-days must be from 0 to 366")
	}
	fmt.Fprintf(stderr, "writing %s orgs × %s seats = %s seats and %s tokens into %s\n", report.Thousands(int64(*orgs)), report.Thousands(int64(*seats)),
		report.Thousands(int64(*orgs)*int64(*seats)), report.Thousands(int64(*orgs)*int64(*tokens)), redact(db.database))
	st, err := db.open(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	bar := newProgress(stderr, "generate", "orgs", int64(*orgs))
	err = generate.Generate(ctx, st, generate.Options{Orgs: *orgs, SeatsPerOrg: *seats, TokensPerOrg: *tokens, Seed: *seed, UsageDays: *usageDays,
		Progress: func(done int) { bar.Set(int64(done)) }}, (&clock.Clock{}).Now())
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %s seats in %s orgs in %s\n", report.Thousands(int64(*orgs)*int64(*seats)), report.Thousands(int64(*orgs)), time.Since(start).Round(time.Millisecond))
	return nil
}
