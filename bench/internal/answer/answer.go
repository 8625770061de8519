// Package answer is the fixed seat answer the load test's yardsticks
// (bench/static, bench/floor) send: a seat body and, on request, the
// headers GitHub (and seatkeeper) send with it.
package answer

import (
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
)

// DefaultBody is GitHub's documented example of a seat.
const DefaultBody = `{"created_at":"2021-08-04T00:00:00Z","assignee":{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=",` +
	`"avatar_url":"http://127.0.0.1/avatars/u/1?v=4","gravatar_id":"","url":"http://127.0.0.1/users/octocat",` +
	`"html_url":"http://127.0.0.1/octocat","followers_url":"http://127.0.0.1/users/octocat/followers",` +
	`"following_url":"http://127.0.0.1/users/octocat/following{/other_user}","gists_url":"http://127.0.0.1/users/octocat/gists{/gist_id}",` +
	`"starred_url":"http://127.0.0.1/users/octocat/starred{/owner}{/repo}","subscriptions_url":"http://127.0.0.1/users/octocat/subscriptions",` +
	`"organizations_url":"http://127.0.0.1/users/octocat/orgs","repos_url":"http://127.0.0.1/users/octocat/repos",` +
	`"events_url":"http://127.0.0.1/users/octocat/events{/privacy}","received_events_url":"http://127.0.0.1/users/octocat/received_events",` +
	`"type":"User","site_admin":false},"organization":null,"pending_cancellation_date":null,` +
	`"last_activity_at":"2021-10-14T06:53:32Z","last_activity_editor":"vscode/1.77.3/copilot/1.86.82","updated_at":"2021-08-04T00:00:00Z"}` + "\n"

// githubSeatHeaders are the headers of a seat-details answer besides
// Content-Type, Content-Length and Date, with fixed values of the right
// length.
var githubSeatHeaders = [][2]string{
	{"X-GitHub-Request-Id", "A1B2:12345:1234567:1234567:6B0C0A89"},
	{"X-GitHub-Media-Type", "github.v3; format=json"},
	{"Access-Control-Expose-Headers", "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, " +
		"X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, " +
		"X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset, Warning"},
	{"Access-Control-Allow-Origin", "*"},
	{"X-Frame-Options", "deny"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-XSS-Protection", "0"},
	{"Referrer-Policy", "origin-when-cross-origin, strict-origin-when-cross-origin"},
	{"Content-Security-Policy", "default-src 'none'"},
	{"X-GitHub-Api-Version-Selected", "2022-11-28"},
	{"X-OAuth-Scopes", "admin:org"},
	{"X-Accepted-OAuth-Scopes", "manage_billing:copilot, read:org"},
	{"X-Accepted-GitHub-Permissions", "organization_copilot_seat_management=read; organization_administration=read"},
	{"X-RateLimit-Limit", "5000"},
	{"X-RateLimit-Remaining", "4999"},
	{"X-RateLimit-Reset", "1764000000"},
	{"X-RateLimit-Used", "1"},
	{"X-RateLimit-Resource", "core"},
	{"ETag", `W/"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"`},
	{"Cache-Control", "private, max-age=60, s-maxage=60"},
	{"Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"},
	{"Vary", "Accept-Encoding, Accept, X-Requested-With"},
}

// Write answers with body: GitHub's headers first when githubHeaders is
// set, then its type and length. The body is a string converted on every
// answer, as the static server has always done, so that its figures stay
// comparable with those recorded before.
func Write(w http.ResponseWriter, body string, githubHeaders bool) {
	h := w.Header()
	if githubHeaders {
		for _, kv := range githubSeatHeaders {
			h.Add(kv[0], kv[1])
		}
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write([]byte(body))
}

// Serve serves h on addr, printing the address it listens on (addr may
// name port 0), until it fails.
func Serve(addr string, h http.Handler) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.WriteString(ln.Addr().String() + "\n")
	log.Fatal(http.Serve(ln, h))
}
