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

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	token := flag.String("token", "ghp_static", "the one token accepted")
	bodyFile := flag.String("body", "", "file whose content is the body (default: GitHub's example seat, 1.3 KB)")
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
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write([]byte(body))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.WriteString(ln.Addr().String() + "\n")
	log.Fatal(http.Serve(ln, mux))
}
