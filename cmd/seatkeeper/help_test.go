package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpAndSuggestions: help for every command (by "help CMD" and
// "CMD --help", on stdout, exit 0) with its description, flags and
// examples; the version; suggestions for mistyped commands and flags; flag
// errors in one line; exit codes.
func TestHelpAndSuggestions(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout []string // each must appear on stdout
		stderr string   // stderr, exactly
	}{
		{[]string{"help", "seats"}, 0, []string{"Usage: seatkeeper seats", "Reports each Copilot seat", "  --org string", "  --inactive-days int", "Examples:\n  seatkeeper seats --server"}, ""},
		{[]string{"seats", "--help"}, 0, []string{"Usage: seatkeeper seats", "Examples:"}, ""},
		{[]string{"seats", "-h"}, 0, []string{"Usage: seatkeeper seats"}, ""},
		{[]string{"help", "token", "create"}, 0, []string{"Usage: seatkeeper token create", "  --scopes string", "Examples:\n  seatkeeper token create"}, ""},
		{[]string{"token", "help", "revoke"}, 0, []string{"Usage: seatkeeper token revoke", "Examples:"}, ""},
		{[]string{"help", "token"}, 0, []string{"Usage: seatkeeper token COMMAND", "revoke"}, ""},
		{[]string{"help", "serve"}, 0, []string{"Usage: seatkeeper serve", "dashboard at /ui/", "  --demo\n", "  --addr string", "Examples:\n  seatkeeper serve --demo"}, ""},
		{[]string{"help", "generate"}, 0, []string{"--random-seed", "Examples:"}, ""},
		{[]string{"help", "completion"}, 0, []string{"bash|zsh|fish", "Examples:"}, ""},
		{[]string{"help"}, 0, []string{"Commands:", "completion", "version"}, ""},
		{[]string{"--version"}, 0, []string{"seatkeeper "}, ""},
		{[]string{"version"}, 0, []string{"seatkeeper "}, ""},

		{[]string{"sets"}, 2, nil, "seatkeeper: unknown command \"sets\" (did you mean \"seats\"?) (run \"seatkeeper help\")\n"},
		{[]string{"help", "tokne"}, 2, nil, "seatkeeper help: usage: unknown command \"tokne\" (did you mean \"token\"?)\n"},
		{[]string{"token", "craete"}, 2, nil, "seatkeeper token: usage: unknown command \"craete\" (did you mean \"token create\"?): want create, list or revoke\n"},
		{[]string{"seats", "--orgg", "x"}, 2, nil, "seatkeeper seats: usage: unknown flag --orgg (did you mean \"--org\"?)\n"},
		{[]string{"serve", "--dmeo"}, 2, nil, "seatkeeper serve: usage: unknown flag --dmeo (did you mean \"--demo\"?)\n"},
		{[]string{"seats", "--inactive-days", "many"}, 2, nil,
			"seatkeeper seats: usage: invalid value \"many\" for flag --inactive-days: parse error (see \"seatkeeper seats --help\")\n"},
		{[]string{"seats", "--org"}, 2, nil, "seatkeeper seats: usage: flag needs an argument: --org (see \"seatkeeper seats --help\")\n"},
		{[]string{"version", "extra"}, 2, nil, "seatkeeper version: usage: unexpected argument \"extra\"\n"},
		{[]string{"completion", "tcsh"}, 2, nil, "seatkeeper completion: usage: unknown shell \"tcsh\": want bash, zsh or fish\n"},
	} {
		code, out, errs := cli(t, nil, c.args...)
		if code != c.code || errs != c.stderr {
			t.Errorf("seatkeeper %s: exit %d, stderr %q; want exit %d, stderr %q", strings.Join(c.args, " "), code, errs, c.code, c.stderr)
		}
		for _, want := range c.stdout {
			if !strings.Contains(out, want) {
				t.Errorf("seatkeeper %s: stdout lacks %q:\n%s", strings.Join(c.args, " "), want, out)
			}
		}
	}
}

// TestFlagsAfterArguments: flags may follow positional arguments; "--"
// ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	file := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(file, []byte(cliSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, 0, "seed", file, "--allow-weak-tokens", "--database", db); !strings.Contains(out, "loaded "+file) {
		t.Errorf("seed FILE --database DB: %q", out)
	}
	if out := mustCLI(t, 0, "token", "revoke", "1", "--database", db); out != "revoked token 1\n" {
		t.Errorf("token revoke ID --database DB: %q", out)
	}
	code, _, errs := cli(t, nil, "token", "revoke", "--database", db, "--", "--1")
	if code != 2 || !strings.Contains(errs, `"--1" is not a token id`) {
		t.Errorf("after --: exit %d, %q", code, errs)
	}
}

// TestCompletion: the bash script completes commands, subcommands and
// flags when bash runs it; the zsh and fish scripts name the same words.
func TestCompletion(t *testing.T) {
	bash := mustCLI(t, 0, "completion", "bash")
	for _, c := range []struct {
		words string // the command line, the last word being completed
		want  string
	}{
		{"seatkeeper se", "serve seed seats"},
		{"seatkeeper seats --in", "--inactive-days"},
		{"seatkeeper token c", "create"},
		{"seatkeeper token create --sc", "--scopes"},
		{"seatkeeper help tok", "token"},
		{"seatkeeper completion f", "fish"},
		{"seatkeeper serve --de", "--demo"},
	} {
		if _, err := exec.LookPath("bash"); err != nil {
			t.Skip("no bash")
		}
		script := bash + "\nCOMP_WORDS=(" + c.words + ")\nCOMP_CWORD=$((${#COMP_WORDS[@]}-1))\n" +
			"[[ \"" + c.words + "\" == *' ' ]] && COMP_WORDS+=('') && COMP_CWORD=${#COMP_WORDS[@]}-1\n_seatkeeper\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command("bash", "-c", script).CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != c.want {
			t.Errorf("bash completion of %q = %q (%v), want %q", c.words, got, err, c.want)
		}
	}
	zsh := mustCLI(t, 0, "completion", "zsh")
	fish := mustCLI(t, 0, "completion", "fish")
	for _, want := range []string{"--inactive-days", "\"token create\")", "compdef _seatkeeper seatkeeper", "_files"} {
		if !strings.Contains(zsh, want) {
			t.Errorf("zsh script lacks %q", want)
		}
	}
	for _, want := range []string{"-a seats -d", "__fish_seen_subcommand_from token; and __fish_seen_subcommand_from create' -l scopes", "-l inactive-days"} {
		if !strings.Contains(fish, want) {
			t.Errorf("fish script lacks %q", want)
		}
	}
}
