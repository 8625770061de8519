package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestGzip: a JSON body of 1 KB or more goes gzipped to a client that
// accepts gzip, the same bytes once inflated, with the same ETag; smaller
// bodies, clients that do not accept it and HEAD go as before.
func TestGzip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := faultEnv(t, st, serverConfig{})
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_adminorg", users("ann", "dan"), 201)
		raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		get := func(t *testing.T, method, path, token, accept string) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest(method, e.srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if accept != "" {
				req.Header.Set("Accept-Encoding", accept)
			}
			resp, err := raw.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Header.Get("Content-Encoding") == "gzip" && method != "HEAD" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("not gzip: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			spectest.For(t, path).Check(t, method, path, resp.StatusCode, resp.Header, body)
			return resp, body
		}
		plainResp, plain := get(t, "GET", seatsPath, "ghp_billing", "")
		if len(plain) < 1024 || plainResp.Header.Get("Content-Encoding") != "" {
			t.Fatalf("the seat list (%d bytes) came encoded %q without Accept-Encoding", len(plain), plainResp.Header.Get("Content-Encoding"))
		}
		for _, c := range []struct {
			name, method, path, token, accept string
			gzipped                           bool
		}{
			{"a large body", "GET", seatsPath, "ghp_billing", "gzip", true},
			{"among other codings", "GET", seatsPath, "ghp_billing", "br;q=1.0, gzip;q=0.8, deflate", true},
			{"any coding", "GET", seatsPath, "ghp_billing", "*", true},
			{"GZIP", "GET", seatsPath, "ghp_billing", "GZIP", true},
			{"refused", "GET", seatsPath, "ghp_billing", "gzip;q=0", false},
			{"refused, three places", "GET", seatsPath, "ghp_billing", "gzip; q=0.000", false},
			{"another coding only", "GET", seatsPath, "ghp_billing", "br", false},
			{"a small body", "GET", "/orgs/nope", "ghp_billing", "gzip", false},
			{"HEAD", "HEAD", seatsPath, "ghp_billing", "gzip", true},
		} {
			t.Run(c.name, func(t *testing.T) {
				resp, body := get(t, c.method, c.path, c.token, c.accept)
				if got := resp.Header.Get("Content-Encoding") == "gzip"; got != c.gzipped {
					t.Fatalf("Content-Encoding %q, want gzip %v", resp.Header.Get("Content-Encoding"), c.gzipped)
				}
				if c.path == seatsPath && c.method == "GET" {
					if !bytes.Equal(body, plain) || resp.Header.Get("ETag") != plainResp.Header.Get("ETag") {
						t.Errorf("body or ETag differ from the plain answer")
					}
				}
			})
		}
		req, _ := http.NewRequest("GET", e.srv.URL+seatsPath, nil)
		req.Header.Set("Authorization", "Bearer ghp_billing")
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("If-None-Match", plainResp.Header.Get("ETag"))
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("If-None-Match with gzip: %d %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	})
}
