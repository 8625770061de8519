package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// checkAPI checks every response the CLI's --server client receives
// against the OpenAPI descriptions, until the test ends.
func checkAPI(t *testing.T) {
	apiTransport = spectest.Transport(t, nil)
	t.Cleanup(func() { apiTransport = nil })
}

// fetch GETs url with token, checking the response against the OpenAPI
// descriptions, and returns its status and body.
func fetch(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Transport: spectest.Transport(t, nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestNewcomerPath is the README's first hour: serve --demo, the curl it
// prints, the dashboard, then the CLI against the running server.
func TestNewcomerPath(t *testing.T) {
	checkAPI(t)
	code, _, errs := serveWith(t, nil, func(base, printed string) {
		// The curl the demo prints answers a seat with recent activity.
		curl := "curl -H 'Authorization: Bearer " + demo.OwnerToken + "' " + base + "/orgs/" + demo.Org + "/members/" + demo.SeatUser + "/copilot"
		if !strings.Contains(printed, curl) || !strings.Contains(printed, "dashboard: "+base+"/ui/") {
			t.Errorf("serve --demo printed %q, want the curl %q and the dashboard", printed, curl)
		}
		status, body := fetch(t, base+"/orgs/"+demo.Org+"/members/"+demo.SeatUser+"/copilot", demo.OwnerToken)
		var seat struct {
			LastActivityAt string `json:"last_activity_at"`
		}
		if err := json.Unmarshal([]byte(body), &seat); status != 200 || err != nil || seat.LastActivityAt == "" {
			t.Fatalf("the demo's curl: %d %s", status, body)
		}
		if status, body := fetch(t, base+"/ui/", ""); status != 200 || !strings.Contains(body, "<form") {
			t.Errorf("dashboard: %d", status)
		}
		// The CLI through the server's API, by flags and by environment.
		env := map[string]string{"SEATKEEPER_SERVER": base, "SEATKEEPER_TOKEN": demo.OwnerToken}
		code, out, errs := cli(t, env, "seats", "--org", demo.Org, "--sort", "-days-idle")
		if code != 0 {
			t.Fatalf("seats through the server: exit %d: %s", code, errs)
		}
		lines := strings.Split(out, "\n")
		for i, want := range []string{"LOGIN", "eve ", "nestor   never", "paula ", "hubot ", "mona ", "octocat "} {
			if i >= len(lines) || !strings.HasPrefix(lines[i], want) {
				t.Errorf("seats line %d: want %q first:\n%s", i, want, out)
			}
		}
		if !strings.Contains(out, "6 seats in octo-org (business)") {
			t.Errorf("seats:\n%s", out)
		}
		code, _, errs = cli(t, nil, "seats", "--server", base, "--token", demo.OwnerToken, "--org", "no-copilot-org")
		if code != 1 || !strings.Contains(errs, "Copilot Business is not enabled for this organization.") {
			t.Errorf("seats of an org without Copilot: exit %d: %q", code, errs)
		}
	}, "--demo")
	if code != 0 {
		t.Fatalf("serve --demo: exit %d: %s", code, errs)
	}
}

// TestRemoteCommands: seats, token and export through a running server
// give what they give on its database.
func TestRemoteCommands(t *testing.T) {
	checkAPI(t)
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := seeded(t, d)
		const admin = "remote-admin-token-0123456789"
		local := func(args ...string) string { return mustCLI(t, 0, append(args, "--database", db)...) }
		wantExport := local("export", "--format", "yaml")
		var wantSeats map[string]any
		json.Unmarshal([]byte(local("seats", "--org", "acme", "--format", "json")), &wantSeats)

		code, errs := serveOnce(t, map[string]string{"SEATKEEPER_ADMIN_TOKEN": admin}, func(base string) {
			remote := func(token string, args ...string) (int, string, string) {
				return cli(t, nil, append(args, "--server", base, "--token", token)...)
			}
			// seats: the same report, but for the moment it is made.
			code, out, errs := remote("ghp_cli_owner", "seats", "--org", "acme", "--format", "json")
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
				t.Fatalf("seats --server: exit %d: %s %s", code, out, errs)
			}
			delete(got, "at")
			delete(wantSeats, "at")
			if g, w := mustJSON(got), mustJSON(wantSeats); g != w {
				t.Errorf("seats --server:\n%s\nwant (as on the database):\n%s", g, w)
			}

			// token create, list and revoke through the control API.
			code, out, errs = remote(admin, "token", "create", "--kind", "classic", "--user", "owner", "--scopes", "read:org", "--note", "remote")
			secret := strings.TrimSpace(out)
			if code != 0 || !strings.HasPrefix(secret, "ghp_") || !strings.Contains(errs, "it is not shown again") {
				t.Fatalf("token create --server: exit %d: %q %q", code, out, errs)
			}
			if status, _ := fetch(t, base+"/orgs/acme/copilot/billing/seats", secret); status != 200 {
				t.Errorf("the minted token: %d", status)
			}
			code, _, errs = remote(admin, "token", "create", "--kind", "classic", "--user", "owner", "--scopes", "read:orgg")
			if code != 1 || !strings.Contains(errs, `422 Unprocessable Entity: scopes[0]: "read:orgg" is not a GitHub OAuth scope (did you mean "read:org"?)`) {
				t.Errorf("token create --server with a misspelt scope: exit %d: %s", code, errs)
			}
			_, list, _ := remote(admin, "token", "list", "--format", "json")
			var rows []tokenRow
			if err := json.Unmarshal([]byte(list), &rows); err != nil || len(rows) != 3 || rows[2].Note != "remote" || rows[2].User != "owner" {
				t.Fatalf("token list --server: %v\n%s", err, list)
			}
			if code, out, _ := remote(admin, "token", "revoke", strconvI(rows[2].ID)); code != 0 || out != "revoked token "+strconvI(rows[2].ID)+"\n" {
				t.Errorf("token revoke --server: exit %d: %q", code, out)
			}
			if code, _, errs := remote(admin, "token", "revoke", strconvI(rows[2].ID)); code != 1 || !strings.Contains(errs, "no active token with id") {
				t.Errorf("token revoke --server again: exit %d: %q", code, errs)
			}
			if status, _ := fetch(t, base+"/orgs/acme/copilot/billing/seats", secret); status != 401 {
				t.Errorf("the revoked token: %d", status)
			}

			// export through the control API: the database's export (the
			// minted token, revoked, is left out as revoked tokens are).
			if code, out, errs := remote(admin, "export", "--format", "yaml"); code != 0 || out != wantExport {
				t.Errorf("export --server: exit %d (%s):\n%s\nwant:\n%s", code, errs, out, wantExport)
			}

			// Refusals.
			for _, c := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"seats", "--org", "acme", "--server", base, "--token", "ghp_nope"}, 1, "401 Unauthorized: Bad credentials"},
				{[]string{"seats", "--org", "acme", "--server", base}, 2, "a token is required with a server (--token or SEATKEEPER_TOKEN)"},
				{[]string{"seats", "--org", "acme", "--server", "localhost:8080", "--token", "x"}, 2, `--server: server "localhost:8080" is not an http:// or https:// URL`},
				{[]string{"seats", "--org", "acme", "--server", base, "--token", "x", "--database", db}, 2, "give --server or --database, not both"},
				{[]string{"seats", "--org", "acme", "--server", base, "--token", "x", "--at", "2026-01-01T00:00:00Z"}, 2, "--at works on a database"},
				{[]string{"export", "--server", base, "--token", "ghp_cli_owner"}, 1, "GET /_seatkeeper/export: 403 Forbidden"},
			} {
				code, _, errs := cli(t, nil, c.args...)
				if code != c.code || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
					t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
				}
			}
			// A server in the environment gives way to a --database flag.
			env := map[string]string{"SEATKEEPER_SERVER": base, "SEATKEEPER_TOKEN": "ghp_nope"}
			if code, _, errs := cli(t, env, "seats", "--org", "acme", "--database", db); code != 0 {
				t.Errorf("--database with SEATKEEPER_SERVER set: exit %d: %s", code, errs)
			}
		}, "--database", db)
		if code != 0 {
			t.Fatalf("serve: exit %d: %s", code, errs)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func strconvI(id int64) string { return strconv.FormatInt(id, 10) }

// TestSeatsEnterprise: seats --enterprise reports every seat of the
// enterprise's organizations, each with its org and its plan's price, from
// the database and, every page of the enterprise seat list, through a
// server, the same.
func TestSeatsEnterprise(t *testing.T) {
	checkAPI(t)
	var doc strings.Builder
	doc.WriteString("users:\n  - {login: eowner}\n")
	for i := range 130 {
		fmt.Fprintf(&doc, "  - {login: u%03d}\n", i)
	}
	doc.WriteString("enterprises: [{slug: globex, owners: [eowner]}]\norganizations:\n")
	for _, o := range []struct {
		login, copilot string
		from, to       int
	}{{"g-biz", "{plan_type: business}", 0, 80}, {"g-ent", "{plan_type: enterprise, public_code_suggestions: allow}", 80, 130}} {
		fmt.Fprintf(&doc, "  - login: %s\n    enterprise: globex\n    copilot: %s\n    members: [{login: eowner, role: admin}", o.login, o.copilot)
		for i := o.from; i < o.to; i++ {
			fmt.Fprintf(&doc, ", {login: u%03d}", i)
		}
		doc.WriteString("]\n    seats:\n")
		for i := o.from; i < o.to; i++ {
			fmt.Fprintf(&doc, "      - {user: u%03d, created_at: \"2026-01-01T%02d:%02d:00Z\"}\n", i, i/60, i%60)
		}
	}
	doc.WriteString(`  - login: outside
    copilot: {plan_type: business}
    members: [{login: eowner, role: admin}, {login: u000}]
    seats: [{user: u000}]
tokens:
  - {token: ghp_ent_owner, user: eowner, scopes: [manage_billing:copilot, read:org]}
`)
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := storetest.DSN(t, d)
		file := filepath.Join(t.TempDir(), "seed.yaml")
		if err := os.WriteFile(file, []byte(doc.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		mustCLI(t, 0, "seed", "--allow-weak-tokens", "--database", db, file)
		out := mustCLI(t, 0, "seats", "--enterprise", "globex", "--database", db, "--format", "json")
		var want report.Report
		if err := json.Unmarshal([]byte(out), &want); err != nil {
			t.Fatal(err)
		}
		orgs := map[string]int{}
		for _, row := range want.Seats {
			orgs[row.Organization]++
			if (row.Organization == "g-ent") != (row.MonthlyCost == 39) {
				t.Errorf("row %+v: the price of another plan", row)
			}
		}
		if want.Enterprise != "globex" || want.TotalSeats != 130 || orgs["g-biz"] != 80 || orgs["g-ent"] != 50 || want.MonthlyCost != 80*19+50*39 {
			t.Errorf("seats --enterprise: %s", out)
		}
		table := mustCLI(t, 0, "seats", "--enterprise", "globex", "--database", db, "--sort", "-organization")
		lines := strings.Split(table, "\n")
		if !strings.HasPrefix(lines[0], "ORGANIZATION  LOGIN") || !strings.HasPrefix(lines[1], "g-ent ") ||
			!strings.Contains(table, "130 seats in enterprise globex at ") || !strings.HasSuffix(table, ": 3,470.00 USD a month\n") {
			t.Errorf("seats --enterprise table:\n%s", table)
		}
		if csv := mustCLI(t, 0, "seats", "--enterprise", "globex", "--database", db, "--format", "csv"); !strings.HasPrefix(csv, "organization,login,") {
			t.Errorf("seats --enterprise csv:\n%s", csv)
		}

		code, errs := serveOnce(t, nil, func(base string) {
			code, out, errs := cli(t, nil, "seats", "--enterprise", "globex", "--server", base, "--token", "ghp_ent_owner", "--format", "json")
			var got report.Report
			if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
				t.Fatalf("seats --enterprise --server: exit %d: %s %s", code, out, errs)
			}
			got.At = want.At
			if g, w := mustJSON(got), mustJSON(want); g != w {
				t.Errorf("seats --enterprise --server:\n%s\nwant (as on the database):\n%s", g, w)
			}
			code, _, errs = cli(t, nil, "seats", "--enterprise", "nope", "--server", base, "--token", "ghp_ent_owner")
			if code != 1 || !strings.Contains(errs, "404 Not Found") {
				t.Errorf("seats --enterprise nope --server: exit %d: %s", code, errs)
			}
		}, "--database", db)
		if code != 0 {
			t.Fatalf("serve: exit %d: %s", code, errs)
		}
	})
}
