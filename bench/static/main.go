// Command static is the yardstick for seatkeeper's load test: a minimal
// net/http server that answers GET /orgs/{org}/members/{username}/copilot
// with a fixed seat body after comparing a fixed token, and nothing else.
// Whatever it reaches on this machine is the ceiling for an HTTP service
// in Go; seatkeeper's targets are ratios of it.
package main

import (
	"crypto/subtle"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
)

// defaultBody is GitHub's documented example of a seat.
const defaultBody = `{"created_at":"2021-08-04T00:00:00Z","assignee":{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=",` +
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

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	token := flag.String("token", "ghp_static", "the one token accepted")
	bodyFile := flag.String("body", "", "file whose content is the body (default: GitHub's example seat, 1.3 KB)")
	githubHeaders := flag.Bool("github-headers", false, "also send the fixed headers GitHub (and seatkeeper) send with a seat: 24 instead of 3, to measure what they cost")
	flag.Parse()
	body := defaultBody
	if *bodyFile != "" {
		b, err := os.ReadFile(*bodyFile)
		if err != nil {
			log.Fatal(err)
		}
		body = string(b)
	}
	want := []byte("Bearer " + *token)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orgs/{org}/members/{username}/copilot", func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h := w.Header()
		if *githubHeaders {
			for _, kv := range githubSeatHeaders {
				h.Add(kv[0], kv[1])
			}
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write([]byte(body))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.WriteString(ln.Addr().String() + "\n")
	log.Fatal(http.Serve(ln, mux))
}
