package main

import (
	"context"
	"fmt"
	"io"

	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/seed"
)

func runSeed(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("seed", "Usage: seatkeeper seed [--database DB] FILE\n\nLoads a seed document (YAML or JSON) in one transaction: all of it, or nothing.", env, stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("want exactly one seed FILE")
	}
	st, err := db.open(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(stderr, "seed", "entries", 0)
	ctx = audit.WithActor(ctx, audit.CLI)
	err = seed.ApplyFile(ctx, st, fs.Arg(0), (&clock.Clock{}).Now(), func(done, total int) { bar.Of(int64(done), int64(total)) })
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %s\n", fs.Arg(0))
	return nil
}
