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
	"net/http"
	"os"

	"github.com/seatkeeper/seatkeeper/bench/internal/answer"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	token := flag.String("token", "ghp_static", "the one token accepted")
	bodyFile := flag.String("body", "", "file whose content is the body (default: GitHub's example seat, 1.3 KB)")
	githubHeaders := flag.Bool("github-headers", false, "also send the fixed headers GitHub (and seatkeeper) send with a seat: 24 instead of 3, to measure what they cost")
	flag.Parse()
	body := answer.DefaultBody
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
		answer.Write(w, body, *githubHeaders)
	})
	answer.Serve(*addr, mux)
}
