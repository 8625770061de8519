// Command floor is the least a seat-details read-cache miss can cost on
// seatkeeper's stack: the static server's answer (a fixed body with
// GitHub's 24 headers, after comparing a fixed token) preceded by the one
// store read a miss cannot do without, store.UserSeatByLogin, on the same
// database through the same store (database/sql, the same driver, pool,
// pragmas and prepared statement). No authentication of the token, no
// read cache, no rate limit, journal, metrics or log line, no encoding of
// the seat: seatkeeper does all of those besides.
//
// bench/run.sh runs it in seatkeeper's place with STANDIN=floor: what it
// reaches against the minimal static server bounds what seatkeeper can
// reach in cold mode, where every request is such a miss.
package main

import (
	"context"
	"crypto/subtle"
	"flag"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/bench/internal/answer"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dsn := flag.String("database", "", "the database seatkeeper serves (a SQLite file or a postgres:// URL)")
	token := flag.String("token", "ghp_static", "the one token accepted")
	bodyFile := flag.String("body", "", "file whose content is the body (bench/run.sh: seatkeeper's answer to a target)")
	flag.Parse()
	if *dsn == "" || *bodyFile == "" {
		log.Fatal("floor: --database and --body are required")
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.Open(context.Background(), *dsn, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	answer.Serve(*addr, handler(st, *token, string(body), time.Now()))
}

// handler answers GET /orgs/{org}/members/{username}/copilot with body
// once the store has found the user (404 otherwise) and their seat row at
// at, if any, as a seat-details miss reads it.
func handler(st *store.Store, token, body string, at time.Time) http.Handler {
	want := []byte("Bearer " + token)
	// seatkeeper finds an org in its read cache; this keeps each org's id
	// after its first request.
	var orgs sync.Map // login → id
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orgs/{org}/members/{username}/copilot", func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ctx := r.Context()
		login := r.PathValue("org")
		id, ok := orgs.Load(login)
		if !ok {
			org, err := st.OrgByLogin(ctx, login)
			if err != nil {
				http.Error(w, err.Error(), http.StatusNotFound)
				return
			}
			id, _ = orgs.LoadOrStore(login, org.ID)
		}
		if _, err := st.UserSeatByLogin(ctx, id.(int64), r.PathValue("username"), at); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		answer.Write(w, body, true)
	})
	return mux
}
