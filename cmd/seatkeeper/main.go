// Command seatkeeper serves a GitHub-compatible Copilot seat management API
// and manages its database.
//
//	seatkeeper serve [flags]              run the API
//	seatkeeper seed --database DB FILE    load a seed document
//	seatkeeper export [--format yaml]     print the state as a seed document
//	seatkeeper token create|list|revoke   manage tokens
//	seatkeeper seats --org ORG            report an organization's seats and their cost
//	seatkeeper seats --enterprise E       the same for every seat of an enterprise
//
// Run "seatkeeper help" or "seatkeeper help COMMAND" for flags and examples.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/seatkeeper/seatkeeper/internal/suggest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// errUsage marks a failure of the command line: exit code 2.
var errUsage = errors.New("usage")

type runFunc func(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error

type command struct {
	name, summary string
	run           runFunc
	examples      []string   // shown by "seatkeeper help NAME"
	sub           []*command // subcommands (token create, ...); run dispatches to them
}

// commands are the program's commands, in the order help lists them. (A
// function, not a variable: help and completion refer back to it.)
func commands() []*command {
	return []*command{
		{name: "serve", summary: "run the API server (and the dashboard at /ui/)", run: runServe, examples: []string{
			"seatkeeper serve --demo",
			"seatkeeper serve --database seats.db --addr 127.0.0.1:8080",
			"SEATKEEPER_ADMIN_TOKEN=$(openssl rand -hex 20) seatkeeper serve --database postgres://u:p@db/seatkeeper",
		}},
		{name: "seed", summary: "load a seed document into a database", run: runSeed, examples: []string{
			"seatkeeper seed --database seats.db examples/seed.yaml",
			"seatkeeper seed examples/seed.yaml --database postgres://u:p@db/seatkeeper",
		}},
		{name: "export", summary: "print the whole state as a seed document", run: runExport, examples: []string{
			"seatkeeper export --database seats.db --format yaml > state.yaml",
			"seatkeeper export --server http://127.0.0.1:8080 --token $ADMIN",
		}},
		{name: "token", summary: "create, list and revoke tokens", run: runToken, sub: tokenCommands()},
		{name: "seats", summary: "report an organization's (or enterprise's) Copilot seats, idleness and cost", run: runSeats, examples: []string{
			"seatkeeper seats --server http://127.0.0.1:8080 --token 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 --org octo-org",
			"seatkeeper seats --server https://api.github.com --token $GITHUB_TOKEN --org my-org --inactive-days 30 --format csv",
			"seatkeeper seats --database seats.db --org acme --sort -days-idle",
			"seatkeeper seats --server http://127.0.0.1:8080 --token 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 --enterprise octo-enterprise --sort organization",
		}},
		{name: "usage", summary: "print a Copilot usage-metrics report's records", run: runUsage, examples: []string{
			"seatkeeper usage --database seats.db --org acme-corp --report organization-1-day --day 2021-10-14",
			"seatkeeper usage --database seats.db --enterprise acme --report users-28-day",
		}},
		{name: "generate", summary: "write a large synthetic data set, for benchmarks", run: runGenerate, examples: []string{
			"seatkeeper generate --database bench.db --orgs 10 --seats-per-org 1000",
		}},
		{name: "completion", summary: "print a shell completion script (bash, zsh or fish)", run: runCompletion, examples: []string{
			"source <(seatkeeper completion bash)",
			"seatkeeper completion zsh > \"${fpath[1]}/_seatkeeper\"",
			"seatkeeper completion fish > ~/.config/fish/completions/seatkeeper.fish",
		}},
		{name: "version", summary: "print the version", run: runVersion},
		{name: "help", summary: "show help for a command", run: runHelp, examples: []string{"seatkeeper help seats", "seatkeeper help token create"}},
	}
}

// run is the whole program; it returns the exit code: 0 on success, 1 on
// failure, 2 on bad usage.
func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "-version", "--version":
		args = []string{"version"}
	}
	c := find(commands(), args[0])
	if c == nil {
		fmt.Fprintf(stderr, "seatkeeper: unknown command %q%s (run \"seatkeeper help\")\n", args[0], suggest.DidYouMean(args[0], names(commands()), ""))
		return 2
	}
	err := c.run(ctx, args[1:], env, stdout, stderr)
	var help *helpRequest
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		writeHelp(stdout, help.fs)
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

func find(cs []*command, name string) *command {
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	return nil
}

func names(cs []*command) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "seatkeeper: a GitHub-compatible Copilot seat management service")
	fmt.Fprintln(w, "\nUsage: seatkeeper COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"seatkeeper help COMMAND\" (or \"seatkeeper COMMAND --help\") for a command's flags and examples,\n\"seatkeeper --version\" for the version.")
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}
