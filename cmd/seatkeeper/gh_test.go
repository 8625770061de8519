package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/demo"
)

// envRequireGH, set (as CI sets it), makes the gh tests fail rather than
// skip when gh is not installed.
const envRequireGH = "SEATKEEPER_REQUIRE_GH"

// ghPath finds gh, skipping the test when it is missing (unless CI
// requires it).
func ghPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("gh")
	if err != nil {
		if os.Getenv(envRequireGH) != "" {
			t.Fatalf("%s is set but gh is not installed: %v", envRequireGH, err)
		}
		t.Skip("gh is not installed (CI installs Debian's and sets " + envRequireGH + ")")
	}
	return p
}

// startServe runs serve with args until the test ends and returns the
// banner it printed.
func startServe(t *testing.T, args ...string) (banner string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	serveReady = func(addr string) { ready <- addr }
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		serveReady = nil
	})
	select {
	case <-ready:
	case code := <-done:
		done <- code // for the cleanup, which waits for it
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return stdout.String()
}

// ghLine finds the banner's gh line and splits it into its environment
// and its command.
func ghLine(t *testing.T, banner string) (env []string, args []string) {
	t.Helper()
	for line := range strings.Lines(banner) {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[0], "SSL_CERT_FILE=") {
			return f[:3], f[4:]
		}
	}
	t.Fatalf("no gh line in the banner:\n%s", banner)
	return nil, nil
}

// gh runs gh with env (and a fresh HOME and config directory) and stdin,
// and returns its exit code and output.
func gh(t *testing.T, home string, env []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(ghPath(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GH_CONFIG_DIR=" + filepath.Join(home, "gh"),
		"GH_PROMPT_DISABLED=1", "GH_NO_UPDATE_NOTIFIER=1", "NO_COLOR=1", "GH_PAGER=cat"}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// TestGHDemoBanner runs the gh line serve --demo --tls-self-signed prints,
// exactly as printed.
func TestGHDemoBanner(t *testing.T) {
	ghPath(t)
	env, args := ghLine(t, startServe(t, "--demo", "--tls-self-signed"))
	if want := "GH_ENTERPRISE_TOKEN=" + demo.OwnerToken; env[2] != want {
		t.Errorf("banner's token %s, want %s", env[2], want)
	}
	code, out, errs := gh(t, t.TempDir(), env, "", args...)
	if code != 0 || !strings.HasPrefix(out, `{"total_seats":`) {
		t.Errorf("%s %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(env, " "), strings.Join(args, " "), code, out, errs)
	}
}

const ghSeed = `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cat}, {login: dan}]
organizations:
  - login: acme
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}, {login: cat}, {login: dan}]
    seats: [{user: ann, created_at: "2026-01-01T00:00:00Z"}]
tokens:
  - {token: ghp_gh_owner, user: owner, scopes: [repo, read:org, manage_billing:copilot]}
`

// TestGH drives Debian's gh against serve --tls-self-signed, trusting the
// certificate serve wrote and logged in with a token as gh's users are:
// auth login and status (the API root's X-OAuth-Scopes and GraphQL's
// viewer), a GET, a paginated GET, a POST of an array field and a
// DELETE, and the exit code of a failure.
func TestGH(t *testing.T) {
	ghPath(t)
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seedFile, []byte(ghSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "seatkeeper.db")
	env, args := ghLine(t, startServe(t, "--tls-self-signed", "--allow-weak-tokens", "--seed", seedFile, "--database", db))
	if want := "SSL_CERT_FILE=" + filepath.Join(dir, "seatkeeper-localhost.pem"); env[0] != want {
		t.Errorf("certificate at %s, want %s (next to the database)", env[0], want)
	}
	host := strings.TrimPrefix(env[1], "GH_HOST=")
	if !strings.HasPrefix(host, "localhost:") {
		t.Errorf("GH_HOST=%s, want localhost:PORT, the name the certificate and the base URL use", host)
	}
	home := t.TempDir()

	// The banner's line, with a real token for its placeholder.
	lineEnv := append(env[:2:2], "GH_ENTERPRISE_TOKEN=ghp_gh_owner")
	if code, out, errs := gh(t, home, lineEnv, "", args...); code != 0 || !strings.Contains(out, `"login":"owner"`) {
		t.Fatalf("the banner's line: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}

	env = env[:2] // from here on, the token gh stored at login
	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		stdout      string // exactly, when set
		stderr      string // contained, when set
	}{
		{name: "auth login", stdin: "ghp_gh_owner\n", args: []string{"auth", "login", "--with-token"}},
		{name: "auth status", args: []string{"auth", "status"}, stderr: "Logged in to " + host + " as owner"},
		{name: "GET", args: []string{"api", "/orgs/acme/copilot/billing/seats", "--jq", ".total_seats"}, stdout: "1\n"},
		{name: "paginated GET", args: []string{"api", "--paginate", "/orgs/acme/members?per_page=2", "--jq", ".[].login"},
			stdout: "owner\nann\nbob\ncat\ndan\n"},
		{name: "POST an array", args: []string{"api", "-X", "POST", "/orgs/acme/copilot/billing/selected_users",
			"-f", "selected_usernames[]=bob", "-f", "selected_usernames[]=cat"}, stdout: `{"seats_created":2}` + "\n"},
		{name: "the seats after", args: []string{"api", "/orgs/acme/copilot/billing/seats", "--jq", "[.seats[].assignee.login] | join(\",\")"},
			stdout: "ann,bob,cat\n"},
		{name: "DELETE", args: []string{"api", "-X", "DELETE", "/orgs/acme/copilot/billing/selected_users",
			"-f", "selected_usernames[]=bob"}, stdout: `{"seats_cancelled":1}` + "\n"},
		{name: "not found", args: []string{"api", "/orgs/nope"}, code: 1, stderr: "Not Found (HTTP 404)"},
		{name: "POST, not a member", args: []string{"api", "-X", "POST", "/orgs/acme/copilot/billing/selected_users",
			"-f", "selected_usernames[]=nobody"}, code: 1, stderr: "One or more users do not exist in this organization: nobody (HTTP 404)"},
		{name: "auth status, bad token", args: []string{"auth", "status"}, code: 1, stderr: "authentication failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := env
			if c.name == "auth status, bad token" {
				e = append(env[:2:2], "GH_ENTERPRISE_TOKEN=ghp_not_a_token")
			}
			code, out, errs := gh(t, home, e, c.stdin, c.args...)
			if code != c.code || c.stdout != "" && out != c.stdout || !strings.Contains(errs+out, c.stderr) {
				t.Errorf("gh %s: exit %d (want %d)\nstdout: %q (want %q)\nstderr: %q (want it to hold %q)",
					strings.Join(c.args, " "), code, c.code, out, c.stdout, errs, c.stderr)
			}
		})
	}
}
