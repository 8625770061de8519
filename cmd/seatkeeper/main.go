// Command seatkeeper serves a GitHub-compatible Copilot seat management API
// and manages its database.
//
//	seatkeeper serve [flags]              run the API
//	seatkeeper seed --database DB FILE    load a seed document
//	seatkeeper export [--format yaml]     print the state as a seed document
//	seatkeeper token create|list|revoke   manage tokens
//	seatkeeper seats --org ORG            report an organization's seats and their cost
//
// Run "seatkeeper help" or "seatkeeper COMMAND --help" for flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// errUsage marks a failure of the command line: exit code 2.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "run the API server", runServe},
	{"seed", "load a seed document into a database", runSeed},
	{"export", "print the whole state as a seed document", runExport},
	{"token", "create, list and revoke tokens", runToken},
	{"seats", "report an organization's Copilot seats, idleness and cost", runSeats},
	{"generate", "write a large synthetic data set, for benchmarks", runGenerate},
}

// run is the whole program; it returns the exit code: 0 on success, 1 on
// failure, 2 on bad usage.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], env, stdout, stderr)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			if msg := err.Error(); msg != errUsage.Error() {
				fmt.Fprintln(stderr, "seatkeeper "+c.name+":", msg)
			}
			return 2
		default:
			fmt.Fprintln(stderr, "seatkeeper "+c.name+":", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "seatkeeper: unknown command %q (run \"seatkeeper help\")\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "seatkeeper: a GitHub-compatible Copilot seat management service")
	fmt.Fprintln(w, "\nUsage: seatkeeper COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"seatkeeper COMMAND --help\" for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("seatkeeper "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}
