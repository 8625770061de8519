package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// cli runs the program with args and env, returning the exit code and
// what it printed.
func cli(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = run(context.Background(), args, getenv, &out, &errb)
	return code, out.String(), errb.String()
}

// mustCLI runs the program and fails unless it exits with want.
func mustCLI(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, nil, args...)
	if code != want {
		t.Fatalf("seatkeeper %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errs)
	}
	return out + errs
}

const cliSeed = `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cat}]
organizations:
  - login: acme
    copilot: {plan_type: enterprise, public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}, {login: cat}]
    teams: [{name: Platform, members: [{login: bob, joined_at: "2026-01-10T00:00:00Z"}]}]
    seats:
      - {user: ann, created_at: "2026-01-01T00:00:00Z"}
      - {team: platform, created_at: "2026-01-05T00:00:00Z"}
      - {user: cat, created_at: "2026-02-01T00:00:00Z", pending_cancellation_date: "2026-04-01"}
    activity:
      - {user: ann, last_activity_at: "2026-03-18T12:00:00Z", last_activity_editor: vscode/1.99.3}
  - login: plain
    members: [{login: owner, role: admin}]
tokens:
  - {token: ghp_cli_owner, user: owner, scopes: [read:org]}
`

// seeded returns a database (SQLite file or PostgreSQL schema) loaded with
// cliSeed through the seed command.
func seeded(t *testing.T, d store.Dialect) string {
	t.Helper()
	dsn := storetest.DSN(t, d)
	file := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(file, []byte(cliSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", dsn, file)
	return dsn
}

func eachDialect(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Commands:"},
		{[]string{"help"}, 0, "token"},
		{[]string{"--help"}, 0, "seats"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"token"}, 2, "Usage: seatkeeper token COMMAND"},
		{[]string{"token", "help"}, 0, "revoke"},
		{[]string{"token", "mint"}, 2, `seatkeeper token: usage: unknown command "mint": want create, list or revoke`},
		{[]string{"token", "create", "--help"}, 0, "--kind"},
		{[]string{"token", "list", "-h"}, 0, "without secrets"},
		{[]string{"token", "revoke", "--help"}, 0, "token revoke"},
		{[]string{"export", "--help"}, 0, "token_sha256"},
		{[]string{"seats", "--help"}, 0, "--inactive-days"},
		{[]string{"serve", "--help"}, 0, "-allow-clock-control"},
		{[]string{"serve", "--help"}, 0, "-admin-token-file"},
		{[]string{"token", "create", "--database", ":memory:"}, 2, "seatkeeper token: usage: --kind is required"},
		{[]string{"token", "create", "--kind", "pat"}, 2, `--kind must be classic, oauth, fine_grained or installation, not "pat"`},
		{[]string{"token", "create", "--kind", "fine_grained", "--permissions", "members"}, 2, `--permissions: "members" is not name=level`},
		{[]string{"token", "create", "--kind", "classic", "--expires-at", "soon"}, 2, `--expires-at: "soon" is not an RFC 3339 time`},
		{[]string{"token", "revoke"}, 2, "want exactly one token ID"},
		{[]string{"token", "revoke", "--database", ":memory:", "abc"}, 2, `"abc" is not a token id`},
		{[]string{"token", "list", "--format", "xml"}, 2, `--format must be table or json, not "xml"`},
		{[]string{"export", "--format", "xml"}, 2, `--format must be json or yaml, not "xml"`},
		{[]string{"seats"}, 2, "--org or --enterprise is required"},
		{[]string{"seats", "--org", "a", "--enterprise", "e"}, 2, "give --org or --enterprise, not both"},
		{[]string{"seats", "--enterprise", "nope", "--database", ":memory:"}, 1, `no enterprise named "nope"`},
		{[]string{"seats", "--org", "a", "--format", "xml"}, 2, `--format must be one of table, csv, json, not "xml"`},
		{[]string{"seats", "--org", "a", "--inactive-days", "-1"}, 2, "--inactive-days must be 0 or more"},
		{[]string{"seats", "--org", "a", "--at", "today"}, 2, `--at: "today" is not an RFC 3339 time`},
		{[]string{"seats", "--org", "a", "--bogus"}, 2, `seatkeeper seats: usage: unknown flag --bogus (see "seatkeeper seats --help")`},
	} {
		code, out, errs := cli(t, nil, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("seatkeeper %s: exit %d, output %q; want exit %d and %q", strings.Join(c.args, " "), code, out+errs, c.code, c.want)
		}
	}
}

func TestTokenCommands(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := seeded(t, d)
		code, out, errs := cli(t, nil, "token", "create", "--database", db, "--kind", "classic", "--user", "owner",
			"--scopes", "read:org,manage_billing:copilot", "--note", "ci", "--expires-at", "2030-01-01T00:00:00Z")
		secret := strings.TrimSpace(out)
		if code != 0 || !auth.WellFormed(secret) || !strings.HasPrefix(secret, "ghp_") || !strings.Contains(errs, "created token 2 (classic "+auth.Hint(secret)+")") {
			t.Fatalf("token create: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		pat := strings.TrimSpace(mustCLI(t, 0, "token", "create", "--database", db, "--kind", "fine_grained", "--user", "owner", "--org", "acme",
			"--permissions", "organization_copilot_seat_management=read,members=read"))
		if !strings.HasPrefix(pat, "github_pat_") {
			t.Errorf("fine-grained token %q", pat)
		}

		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--kind", "classic", "--user", "ghost"}, `seatkeeper token: user: unknown user "ghost"`},
			{[]string{"--kind", "installation", "--org", "acme"}, "seatkeeper token: permissions: required for installation tokens"},
			{[]string{"--kind", "fine_grained", "--user", "owner", "--org", "acme", "--permissions", "members=all"},
				`seatkeeper token: permissions.members: "all" is not one of read, write, admin`},
		} {
			code, out, errs := cli(t, nil, append([]string{"token", "create", "--database", db}, c.args...)...)
			if code != 1 || out != "" || strings.TrimSpace(errs) != c.want || strings.Count(errs, "\n") != 1 {
				t.Errorf("token create %v: exit %d, stdout %q, stderr %q; want exit 1 and %q", c.args, code, out, errs, c.want)
			}
		}

		list := mustCLI(t, 0, "token", "list", "--database", db)
		for _, want := range []string{"ID  KIND", auth.Hint(secret), "read:org,manage_billing:copilot", "2030-01-01T00:00:00Z",
			"members=read,organization_copilot_seat_management=read", "acme", "ci"} {
			if !strings.Contains(list, want) {
				t.Errorf("token list lacks %q:\n%s", want, list)
			}
		}
		if strings.Contains(list, secret) || strings.Contains(list, pat) {
			t.Errorf("token list shows a secret:\n%s", list)
		}
		var rows []tokenRow
		if err := json.Unmarshal([]byte(mustCLI(t, 0, "token", "list", "--database", db, "--format", "json")), &rows); err != nil || len(rows) != 3 {
			t.Fatalf("token list --format json: %v %+v", err, rows)
		}
		if rows[1].User != "owner" || rows[1].Note != "ci" || rows[2].Organization != "acme" || rows[1].RevokedAt != "" {
			t.Errorf("json rows %+v", rows)
		}

		if out := mustCLI(t, 0, "token", "revoke", "--database", db, "2"); out != "revoked token 2\n" {
			t.Errorf("revoke: %q", out)
		}
		if out := mustCLI(t, 1, "token", "revoke", "--database", db, "2"); out != "seatkeeper token: no active token with id 2\n" {
			t.Errorf("revoke again: %q", out)
		}
		mustCLI(t, 1, "token", "revoke", "--database", db, "99")
		json.Unmarshal([]byte(mustCLI(t, 0, "token", "list", "--database", db, "--format", "json")), &rows)
		if rows[1].RevokedAt == "" {
			t.Errorf("revoked token listed as %+v", rows[1])
		}
		if list := mustCLI(t, 0, "token", "list", "--database", db); !strings.Contains(list, "revoked ") {
			t.Errorf("table does not show the revocation:\n%s", list)
		}
	})
}

func TestExportCommand(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := seeded(t, d)
		for _, format := range []string{"json", "yaml"} {
			out := mustCLI(t, 0, "export", "--database", db, "--format", format)
			if !strings.Contains(out, auth.Hash("ghp_cli_owner")) || strings.Contains(out, "ghp_cli_owner") {
				t.Errorf("%s export: token not by hash:\n%s", format, out)
			}
			doc, err := seed.Parse([]byte(out))
			if err != nil {
				t.Fatalf("%s export does not parse: %v", format, err)
			}
			// It loads into an empty database, to the same export.
			other := storetest.DSN(t, d)
			file := filepath.Join(t.TempDir(), "export."+format)
			os.WriteFile(file, []byte(out), 0o600)
			mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", other, file)
			if again := mustCLI(t, 0, "export", "--database", other, "--format", format); again != out {
				t.Errorf("%s export of the reloaded export differs:\n%s\n---\n%s", format, out, again)
			}
			if len(doc.Organizations) != 2 || doc.Organizations[0].Teams[0].Members[0].JoinedAt != "2026-01-10T00:00:00Z" {
				t.Errorf("%s export %+v", format, doc.Organizations)
			}
		}
		if out := mustCLI(t, 0, "export", "--database", db); !strings.HasPrefix(out, "{\n") {
			t.Errorf("default format: %q", out[:min(20, len(out))])
		}
	})
}

func TestSeatsCommand(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := seeded(t, d)
		at := "--at=2026-03-20T12:00:00Z"

		table := mustCLI(t, 0, "seats", "--database", db, "--org", "acme", at)
		want := `LOGIN  LAST ACTIVITY         DAYS IDLE  GRANT          PENDING CANCELLATION  MONTHLY USD
ann    2026-03-18T12:00:00Z  2          direct                               39.00
bob    never                 69         team platform                        39.00
cat    never                 47         direct         2026-04-01            39.00

3 seats in acme (enterprise) at 2026-03-20T12:00:00Z: 117.00 USD a month
`
		if table != want {
			t.Errorf("table:\n%s\nwant:\n%s", table, want)
		}

		out := mustCLI(t, 0, "seats", "--database", db, "--org", "ACME", at, "--format", "csv", "--inactive-days", "30", "--price-enterprise", "40.5")
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantRows := [][]string{
			{"login", "last_activity_at", "last_activity_editor", "days_idle", "grant_type", "grant", "created_at", "pending_cancellation_date", "monthly_cost_usd"},
			{"bob", "", "", "69", "team", "platform", "2026-01-10T00:00:00Z", "", "40.50"},
			{"cat", "", "", "47", "direct", "direct", "2026-02-01T00:00:00Z", "2026-04-01", "40.50"},
		}
		if len(rows) != len(wantRows) {
			t.Fatalf("csv:\n%s", out)
		}
		for i := range rows {
			if strings.Join(rows[i], ",") != strings.Join(wantRows[i], ",") {
				t.Errorf("csv row %d = %v, want %v", i, rows[i], wantRows[i])
			}
		}

		var rep struct {
			Organization string  `json:"organization"`
			PlanType     string  `json:"plan_type"`
			TotalSeats   int     `json:"total_seats"`
			MonthlyCost  float64 `json:"monthly_cost"`
			Seats        []struct {
				Login                   string  `json:"login"`
				DaysIdle                int     `json:"days_idle"`
				GrantType               string  `json:"grant_type"`
				PendingCancellationDate *string `json:"pending_cancellation_date"`
			} `json:"seats"`
		}
		// After the cancellation date, cat's seat is gone.
		if err := json.Unmarshal([]byte(mustCLI(t, 0, "seats", "--database", db, "--org", "acme", "--format", "json", "--at", "2026-04-01T00:00:00Z")), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Organization != "acme" || rep.PlanType != "enterprise" || rep.TotalSeats != 2 || rep.MonthlyCost != 78 ||
			rep.Seats[0].Login != "ann" || rep.Seats[0].DaysIdle != 13 || rep.Seats[1].GrantType != "team" {
			t.Errorf("json report %+v", rep)
		}

		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--org", "nope"}, `seatkeeper seats: no organization named "nope"` + "\n"},
			{[]string{"--org", "plain"}, "seatkeeper seats: plain: Copilot Business is not enabled for this organization.\n"},
		} {
			code, out, errs := cli(t, nil, append([]string{"seats", "--database", db}, c.args...)...)
			if code != 1 || out != "" || errs != c.want {
				t.Errorf("seats %v: exit %d, stdout %q, stderr %q", c.args, code, out, errs)
			}
		}
	})
}

// serveOnce runs "seatkeeper serve" with args and env until check, given
// the base URL, returns; it returns serve's exit code and stderr.
func serveOnce(t *testing.T, env map[string]string, check func(base string), args ...string) (int, string) {
	t.Helper()
	code, _, errs := serveWith(t, env, func(base, _ string) { check(base) }, args...)
	return code, errs
}

// serveWith is serveOnce whose check also gets what serve printed on
// stdout before it was ready, and which returns stdout too.
func serveWith(t *testing.T, env map[string]string, check func(base, stdout string), args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	serveReady = func(addr string) { ready <- addr }
	defer func() { serveReady = nil }()
	type result struct {
		code        int
		out, stderr string
	}
	var out bytes.Buffer
	done := make(chan result, 1)
	go func() {
		var errb bytes.Buffer
		code := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case addr := <-ready:
		check("http://"+addr, out.String())
		cancel()
		r := <-done
		return r.code, r.out, r.stderr
	case r := <-done:
		return r.code, r.out, r.stderr
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return 0, "", ""
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	status, _ := fetch(t, url, token)
	return status
}

func TestServeBootstrap(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := storetest.DSN(t, d)
		const first = "ghp_firstBootstrapToken0000000000000001"
		const second = "second-bootstrap-token-from-a-file"
		env := map[string]string{"SEATKEEPER_ADMIN_TOKEN": first}

		// Nothing is open without an admin token.
		code, errs := serveOnce(t, nil, func(base string) {
			if s := get(t, base+"/_seatkeeper/clock", first); s != 401 {
				t.Errorf("before bootstrap: %d", s)
			}
			if s := get(t, base+"/healthz", ""); s != 200 {
				t.Errorf("healthz: %d", s)
			}
		}, "--database", db)
		if code != 0 {
			t.Fatalf("serve: exit %d: %s", code, errs)
		}

		for range 2 { // idempotent across restarts
			code, errs = serveOnce(t, env, func(base string) {
				if s := get(t, base+"/_seatkeeper/clock", first); s != 200 {
					t.Errorf("bootstrap token: %d", s)
				}
				if s := get(t, base+"/readyz", ""); s != 200 {
					t.Errorf("readyz: %d", s)
				}
			}, "--database", db)
			if code != 0 {
				t.Fatalf("serve: exit %d: %s", code, errs)
			}
		}
		list := mustCLI(t, 0, "token", "list", "--database", db)
		if strings.Count(list, bootstrap.Login) != 1 || !strings.Contains(list, "site_admin,admin:org,admin:enterprise,manage_billing:copilot") {
			t.Errorf("tokens after two starts:\n%s", list)
		}

		// A changed token, from a file: the old one is revoked.
		file := filepath.Join(t.TempDir(), "admin-token")
		os.WriteFile(file, []byte(second+"\n"), 0o600)
		code, errs = serveOnce(t, env, func(base string) {
			if s := get(t, base+"/_seatkeeper/clock", second); s != 200 {
				t.Errorf("new token: %d", s)
			}
			if s := get(t, base+"/_seatkeeper/clock", first); s != 401 {
				t.Errorf("old token: %d", s)
			}
		}, "--database", db, "--admin-token-file", file, "--allow-clock-control")
		if code != 0 || !strings.Contains(errs, "tokens_revoked=1") {
			t.Fatalf("serve: exit %d: %s", code, errs)
		}

		// Refusals: exit 1, one line.
		code, errs = serveOnce(t, map[string]string{"SEATKEEPER_ADMIN_TOKEN": "short"}, func(string) {}, "--database", db)
		if code != 1 || !strings.Contains(errs, "the admin token is too short") {
			t.Errorf("short token: exit %d: %s", code, errs)
		}
		code, errs = serveOnce(t, map[string]string{"SEATKEEPER_ADMIN_TOKEN": first}, func(string) {}, "--database", db)
		if code != 1 || !strings.Contains(errs, "the admin token was revoked: choose another") {
			t.Errorf("revoked token: exit %d: %s", code, errs)
		}
		code, errs = serveOnce(t, nil, func(string) {}, "--database", db, "--admin-token-file", filepath.Join(t.TempDir(), "missing"))
		if code != 1 || !strings.Contains(errs, "no such file") {
			t.Errorf("missing token file: exit %d: %s", code, errs)
		}
	})
}
