package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/demo"
)

// TestMetricsNeedAnAdminOrTheirOwnAddress: GET /metrics names every org
// with its seat counts. On the API's address it takes a site
// administrator's token; --metrics-addr serves it with none, on loopback
// when the address names no host, and serves nothing else there.
func TestMetricsNeedAnAdminOrTheirOwnAddress(t *testing.T) {
	const admin = "ghp_metricsTestAdminToken000000000000001"
	metricsAddr := make(chan string, 1)
	serveAsideReady = func(name, addr string) {
		if name == "metrics" {
			metricsAddr <- addr
		}
	}
	defer func() { serveAsideReady = nil }()
	code, errs := serveOnce(t, map[string]string{"SEATKEEPER_ADMIN_TOKEN": admin}, func(base string) {
		for _, c := range []struct {
			token string
			want  int
		}{
			{"", http.StatusUnauthorized},
			{demo.OwnerToken, http.StatusForbidden}, // an org owner, not a site administrator
			{admin, http.StatusOK},
		} {
			if got, body := fetch(t, base+"/metrics", c.token); got != c.want {
				t.Errorf("API address, token %q: %d, want %d: %s", c.token, got, c.want, body)
			}
		}
		addr := <-metricsAddr
		if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
			t.Errorf("--metrics-addr :0 listens on %s, not loopback", addr)
		}
		if status, body := plainGet(t, "http://"+addr+"/metrics"); status != http.StatusOK ||
			!strings.Contains(body, `seatkeeper_copilot_seats{org="`+demo.Org+`",state="active"}`) {
			t.Errorf("metrics address: %d\n%s", status, body)
		}
		if status, _ := plainGet(t, "http://"+addr+"/orgs/"+demo.Org+"/copilot/billing/seats"); status != http.StatusNotFound {
			t.Errorf("metrics address serves the API: %d", status)
		}
	}, "--demo", "--metrics-addr", ":0")
	if code != 0 {
		t.Fatalf("serve: exit %d: %s", code, errs)
	}
}

func plainGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
