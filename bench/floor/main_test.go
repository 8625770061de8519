package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestFloorReadsTheStore: the floor answers only once the store has found
// the org and the user, so what it measures includes the read.
func TestFloorReadsTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if err := generate.Generate(context.Background(), st, generate.Options{Orgs: 2, SeatsPerOrg: 3, TokensPerOrg: 1, Seed: 1}, now); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(handler(st, "ghp_static", `{"seat":1}`, now))
		defer srv.Close()
		for _, tc := range []struct {
			name, path, token string
			status            int
		}{
			{"a member's seat", "/orgs/" + generate.Org(1) + "/members/" + generate.Member(1, 2) + "/copilot", "ghp_static", http.StatusOK},
			{"an unknown user", "/orgs/" + generate.Org(1) + "/members/nobody-here/copilot", "ghp_static", http.StatusNotFound},
			{"an unknown org", "/orgs/no-such-org/members/" + generate.Member(1, 2) + "/copilot", "ghp_static", http.StatusNotFound},
			{"another token", "/orgs/" + generate.Org(1) + "/members/" + generate.Member(1, 2) + "/copilot", "ghp_other", http.StatusUnauthorized},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
				req.Header.Set("Authorization", "Bearer "+tc.token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
				}
				if tc.status == http.StatusOK {
					if string(b) != `{"seat":1}` || res.Header.Get("X-GitHub-Media-Type") == "" || res.Header.Get("Etag") == "" {
						t.Fatalf("not the fixed answer with GitHub's headers: %q %v", b, res.Header)
					}
				}
			})
		}
	})
}
