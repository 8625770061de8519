package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestLogRedactsTokensInPaths: a token pasted into a URL path is redacted
// in the request log line, as the journal redacts it (issue 16 #9).
func TestLogRedactsTokensInPaths(t *testing.T) {
	var log bytes.Buffer
	api := httpapi.New(httpapi.Config{Logger: slog.New(slog.NewTextHandler(&log, nil))}, storetest.Open(t, store.SQLite), &clock.Clock{})
	for _, path := range []string{"/users/ghp_pastedIntoThePath0001", "/api/v3/orgs/github_pat_11AAAApasted/copilot/billing"} {
		api.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	if got := log.String(); strings.Contains(got, "pasted") || !strings.Contains(got, "[REDACTED]") {
		t.Errorf("log:\n%s", got)
	}
}
