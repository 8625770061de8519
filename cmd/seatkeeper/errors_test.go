package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorsNameTheProblem: a bad database, listen address, base URL,
// scope or permission is refused in one line that names it.
func TestErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	file := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(file, []byte(cliSeed), 0o600)
	mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", db, file)
	for _, c := range []struct {
		args []string
		code int
		want string // stderr, exactly
	}{
		{[]string{"token", "list", "--database", "/no/such/dir/s.db"}, 1,
			"seatkeeper token: database /no/such/dir/s.db: directory /no/such/dir does not exist\n"},
		{[]string{"token", "list", "--database", dir}, 1, "seatkeeper token: database " + dir + " is a directory, not a SQLite file\n"},
		{[]string{"export", "--database", "postgress://u:secret@db/x"}, 1,
			"seatkeeper export: database URL scheme \"postgress://\" is not supported: want postgres:// (or postgresql://) for PostgreSQL, or a file path for SQLite\n"},
		{[]string{"seats", "--org", "a", "--database", "mysql://root:secret@db/x"}, 1,
			"seatkeeper seats: database URL scheme \"mysql://\" is not supported: want postgres:// (or postgresql://) for PostgreSQL, or a file path for SQLite\n"},
		{[]string{"serve", "--addr", "18503"}, 2,
			"seatkeeper serve: usage: --addr \"18503\" has no host part: use \":18503\" (every interface) or \"127.0.0.1:18503\" (this machine only)\n"},
		{[]string{"serve", "--addr", "localhost"}, 2, "seatkeeper serve: usage: --addr \"localhost\" is not HOST:PORT, such as 127.0.0.1:8080 or :8080\n"},
		{[]string{"serve", "--addr", "127.0.0.1:http8080"}, 2, "seatkeeper serve: usage: --addr \"127.0.0.1:http8080\": port \"http8080\" is not a number from 0 to 65535\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--base-url", "not a url"}, 2,
			"seatkeeper serve: usage: --base-url \"not a url\" is not an http:// or https:// URL such as https://seats.example.com\n"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--base-url", "seats.example.com"}, 2,
			"seatkeeper serve: usage: --base-url \"seats.example.com\" is not an http:// or https:// URL such as https://seats.example.com\n"},
		{[]string{"token", "create", "--database", db, "--kind", "classic", "--user", "owner", "--scopes", "read:orgg"}, 1,
			"seatkeeper token: scopes[0]: \"read:orgg\" is not a GitHub OAuth scope (did you mean \"read:org\"?)\n"},
		{[]string{"token", "create", "--database", db, "--kind", "installation", "--org", "acme", "--permissions", "organization_copilot_seat_managment=read"}, 1,
			"seatkeeper token: permissions.organization_copilot_seat_managment: \"organization_copilot_seat_managment\" is not a GitHub permission (did you mean \"organization_copilot_seat_management\"?)\n"},
		{[]string{"generate", "--orgs", "2"}, 2,
			"seatkeeper generate: usage: --database is required: generate writes 20,000 seats, so name the database it writes them to\n"},
	} {
		code, out, errs := cli(t, map[string]string{"SEATKEEPER_DATABASE_URL": db}, c.args...)
		if code != c.code || errs != c.want || out != "" {
			t.Errorf("seatkeeper %s: exit %d, stdout %q, stderr %q\nwant exit %d, stderr %q", strings.Join(c.args, " "), code, out, errs, c.code, c.want)
		}
	}
}

// TestDemoOverExistingDatabase: --demo refuses a database holding other
// data, instead of printing a token that does not work there; it loads
// into an empty one and starts again on its own.
func TestDemoOverExistingDatabase(t *testing.T) {
	other := filepath.Join(t.TempDir(), "other.db")
	file := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(file, []byte(cliSeed), 0o600)
	mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", other, file)
	code, errs := serveOnce(t, nil, func(string) { t.Error("serve started") }, "--demo", "--database", other)
	if code != 2 || errs != "seatkeeper serve: usage: --demo: the database "+other+" already holds data, so the demo cannot be loaded into it: "+
		"leave out --database (and SEATKEEPER_DATABASE_URL) to run the demo in memory, or give an empty database\n" {
		t.Errorf("demo over another database: exit %d: %q", code, errs)
	}

	db := filepath.Join(t.TempDir(), "demo.db")
	for range 2 {
		code, out, errs := serveWith(t, nil, func(base, _ string) {
			if status, _ := fetch(t, base+"/orgs/octo-org/copilot/billing/seats", "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"); status != 200 {
				t.Errorf("the demo token: %d", status)
			}
		}, "--demo", "--database", db)
		if code != 0 || !strings.Contains(out, "token: ghp_demo") {
			t.Fatalf("demo into %s: exit %d: %s %s", db, code, out, errs)
		}
	}
}

// TestGenerate: the size before writing, progress lines off a terminal,
// and the same data for the same --random-seed.
func TestGenerate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gen.db")
	code, out, errs := cli(t, nil, "generate", "--database", db, "--orgs", "20", "--seats-per-org", "3", "--tokens-per-org", "1", "--random-seed", "7")
	if code != 0 || !strings.HasPrefix(out, "generated 60 seats in 20 orgs in ") {
		t.Fatalf("generate: exit %d: %q %q", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 11 || lines[0] != "writing 20 orgs × 3 seats = 60 seats and 20 tokens into "+db ||
		lines[1] != "generate: 2/20 orgs (10%)" || lines[10] != "generate: 20/20 orgs (100%)" {
		t.Errorf("generate's stderr:\n%s", errs)
	}
}

// TestNoDatabaseYet: on a fresh machine, seats, export and token with no
// database chosen say where they looked and what to give, and create
// nothing there.
func TestNoDatabaseYet(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".local", "share", "seatkeeper", "seatkeeper.db")
	for _, args := range [][]string{{"seats", "--org", "octo-org"}, {"export"}, {"token", "list"}} {
		code, out, errs := cli(t, map[string]string{"HOME": home}, args...)
		want := "seatkeeper " + args[0] + ": no database at " + path +
			": give --database DB, or --server URL --token T (SEATKEEPER_SERVER, SEATKEEPER_TOKEN) for a running server\n"
		if code != 1 || out != "" || errs != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1, %q", args, code, out, errs, want)
		}
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("%s was created", filepath.Dir(path))
	}
}

// TestWeakSeedTokensNeedTheFlag: seed and serve --seed refuse a literal
// token that is easy to guess, naming its entry and never the token,
// unless --allow-weak-tokens is given.
func TestWeakSeedTokensNeedTheFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "seed.yaml")
	os.WriteFile(file, []byte("users: [{login: ann}]\ntokens: [{token: ghp_letmein, user: ann}]\n"), 0o600)
	want := file + ": tokens[0].token: refused as easy to guess: it has fewer than 20 characters after its prefix."
	for _, args := range [][]string{
		{"seed", "--database", filepath.Join(t.TempDir(), "s.db"), file},
		{"serve", "--addr", "127.0.0.1:0", "--seed", file},
	} {
		code, _, errs := cli(t, nil, args...)
		if code != 1 || !strings.Contains(errs, want) || strings.Contains(errs, "letmein") {
			t.Errorf("%s: exit %d, stderr %q, want %q", args[0], code, errs, want)
		}
	}
	mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", filepath.Join(t.TempDir(), "s.db"), file)
}
