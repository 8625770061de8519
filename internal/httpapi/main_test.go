package httpapi_test

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sync"
	"testing"
)

// Every server the tests start logs here, at debug level; after the whole
// run, TestMain scans the log for token material. Tokens must never be
// logged, whatever a request carried.
var (
	testLog    lockedBuffer
	testLogger = slog.New(slog.NewTextHandler(&testLog, &slog.HandlerOptions{Level: slog.LevelDebug}))
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// tokenMaterial matches GitHub-style token literals as the tests use
// them, and the hex SHA-256 that stands for a token in the database.
var tokenMaterial = regexp.MustCompile(`\b(ghp|gho|ghs|ghu|ghr|github_pat)_[A-Za-z0-9_]{2,}|\b[0-9a-f]{64}\b`)

func TestMain(m *testing.M) {
	code := m.Run()
	testLog.mu.Lock()
	log := testLog.b.String()
	testLog.mu.Unlock()
	if code == 0 {
		if found := tokenMaterial.FindAllString(log, 5); len(found) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the server logged token material: %q\n", found)
			code = 1
		} else if len(log) == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.fuzz").Value.String() == "" {
			// A full run starts servers; an empty log there means the scan
			// was looking at nothing.
			fmt.Fprintln(os.Stderr, "FAIL: the log scan saw no log at all")
			code = 1
		}
	}
	os.Exit(code)
}
