package main

import (
	"context"
	"io"

	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/seed"
)

func runExport(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs, db := newDBCommand("export", "Usage: seatkeeper export [--database DB | --server URL --token T] [--format json|yaml]\n\n"+
		"Prints the whole state as a seed document that \"seatkeeper seed\" (or POST /_seatkeeper/seed)\n"+
		"loads back to the same state. Tokens appear as token_sha256; revoked tokens and the bootstrap\n"+
		"administrator are left out. With --server, through the control API (GET /_seatkeeper/export), with a\n"+
		"site administrator's token.", env, stderr)
	format := fs.String("format", "json", "output format: json or yaml")
	srv := registerServer(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *format != "json" && *format != "yaml" {
		return usageErr("--format must be json or yaml, not %q", *format)
	}
	if c, err := srv.client(fs); err != nil || c != nil {
		if err != nil {
			return err
		}
		bar := newProgress(stderr, "export", "bytes", 0)
		defer bar.Done()
		return c.Export(ctx, *format == "yaml", &meteredWriter{w: stdout, progress: bar.Set})
	}
	st, err := db.openExisting(ctx, defaultDatabasePath(env))
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(stderr, "export", "bytes", 0)
	defer bar.Done()
	f := seed.JSON
	if *format == "yaml" {
		f = seed.YAML
	}
	return seed.WriteExport(ctx, st, &meteredWriter{w: stdout, progress: bar.Set}, f, bootstrap.Login)
}

// meteredWriter reports the bytes written through it.
type meteredWriter struct {
	w        io.Writer
	n        int64
	progress func(int64)
}

func (m *meteredWriter) Write(p []byte) (int, error) {
	k, err := m.w.Write(p)
	m.n += int64(k)
	m.progress(m.n)
	return k, err
}
