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
	fs, db := newDBCommand("seed", "Usage: seatkeeper seed [--database DB] [--allow-weak-tokens] FILE\n\nLoads a seed document (YAML or JSON) in one transaction: all of it, or nothing.", env, stderr)
	allowWeak := fs.Bool("allow-weak-tokens", false, "accept literal tokens that are easy to guess (short, repetitive, published), as tests and demos use")
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
	err = seed.ApplyFile(ctx, st, fs.Arg(0), (&clock.Clock{}).Now(), seed.FileOptions{
		Progress:        func(done, total int) { bar.Of(int64(done), int64(total)) },
		AllowWeakTokens: *allowWeak,
	})
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %s\n", fs.Arg(0))
	return nil
}
