package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/generate"
)

func runGenerate(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("generate", "Usage: seatkeeper generate [--database DB] [flags]\n\n"+
		"Writes orgs gen-org-0000..., each with an owner gen-NNNN-owner, members gen-NNNN-uNNNNNNN holding seats\n"+
		"(10% through a team), activity, and owner tokens ghp_genNNNNtokenNNNN (read:org, manage_billing:copilot).", env, stderr)
	orgs := fs.Int("orgs", 100, "organizations")
	seats := fs.Int("seats-per-org", 10000, "seats in each organization")
	tokens := fs.Int("tokens-per-org", 10, "owner tokens in each organization")
	seed := fs.Int64("seed", 1, "random seed")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *orgs < 1 || *seats < 1 || *tokens < 1 {
		return usageErr("--orgs, --seats-per-org and --tokens-per-org must be at least 1")
	}
	st, err := db.open(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	err = generate.Generate(ctx, st, generate.Options{Orgs: *orgs, SeatsPerOrg: *seats, TokensPerOrg: *tokens, Seed: *seed}, (&clock.Clock{}).Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d seats in %d orgs in %s\n", *orgs**seats, *orgs, time.Since(start).Round(time.Millisecond))
	return nil
}
