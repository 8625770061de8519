package seatkeepertest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/seatkeepertest"
)

func status(t *testing.T, method, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Transport: spectest.Transport(t, nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServer: the demo's tokens, the admin token on the control API, the
// GHES prefix, the dashboard, and the server gone when its test ends.
func TestServer(t *testing.T) {
	var url string
	t.Run("running", func(t *testing.T) {
		srv := seatkeepertest.New(t, seatkeepertest.Demo())
		url = srv.URL
		owner := srv.TokenOf("octocat")
		for _, c := range []struct {
			path, token string
			want        int
		}{
			{"/orgs/octo-org/members/mona/copilot", owner, 200},
			{"/api/v3/orgs/octo-org/copilot/billing/seats", owner, 200},
			{"/orgs/octo-org/members/mona/copilot", srv.TokenOf("mona"), 404},
			{"/orgs/octo-org/members/mona/copilot", "", 401},
			{"/_seatkeeper/tokens", srv.AdminToken, 200},
			{"/_seatkeeper/tokens", owner, 403},
			{"/ui/", "", 200},
		} {
			if got := status(t, "GET", srv.URL+c.path, c.token); got != c.want {
				t.Errorf("GET %s: %d, want %d", c.path, got, c.want)
			}
		}
		if len(srv.Tokens) != 4 || srv.Tokens[3].Kind != "installation" || srv.TokenOf("octo-org") != srv.Tokens[3].Token {
			t.Errorf("tokens %+v", srv.Tokens)
		}
	})
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("URL %q is not on loopback", url)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after its test ended")
	}
}
