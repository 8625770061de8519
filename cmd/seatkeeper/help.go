package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/seatkeeper/seatkeeper/internal/suggest"
)

// version is stamped by the release script:
// go build -ldflags "-X main.version=v1.2.3". Without it, the module
// version "go install ...@v1.2.3" records is used, or the VCS revision.
var version string

// versionString is the version "seatkeeper --version" prints.
func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = info.Main.Version
		if v == "" || v == "(devel)" {
			v = "devel"
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v += " " + s.Value[:12]
				}
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	return fmt.Sprintf("seatkeeper %s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func runVersion(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "Usage: seatkeeper version\n\nPrints the version, the Go release it was built with, and the platform.", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	_, err := fmt.Fprintln(stdout, versionString())
	return err
}

func runHelp(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("help", "Usage: seatkeeper help [COMMAND [SUBCOMMAND]]\n\nShows a command's description, flags and examples.", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		usage(stdout)
		return nil
	}
	c := find(commands(), fs.Arg(0))
	if c == nil {
		return usageErr("unknown command %q%s", fs.Arg(0), suggest.DidYouMean(fs.Arg(0), names(commands()), ""))
	}
	return c.run(ctx, append(fs.Args()[1:], "--help"), env, stdout, stderr)
}
