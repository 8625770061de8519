package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestCLIChangesAreAudited: seed, token create and token revoke change the
// database directly, and each leaves an audit entry with actor "cli", as
// every change from any door does (issue 16 #8).
func TestCLIChangesAreAudited(t *testing.T) {
	eachDialect(t, func(t *testing.T, d store.Dialect) {
		db := seeded(t, d)
		mustCLI(t, 0, "token", "create", "--database", db, "--kind", "classic", "--user", "owner", "--scopes", "read:org", "--note", "ci")
		mustCLI(t, 0, "token", "revoke", "--database", db, "2")

		st := storetest.OpenOn(t, db, store.Options{})
		entries, _, err := st.AuditLog(context.Background(), store.AuditFilter{Until: time.Now().AddDate(100, 0, 0)}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, fmt.Sprintf("%s by %s on %s", e.Action, e.Actor, e.Subject))
		}
		want := "token.revoked by cli on 2; token.created by cli on 2; state.seeded by cli on "
		if strings.Join(got, "; ") != want {
			t.Errorf("audit log:\n got %s\nwant %s", strings.Join(got, "; "), want)
		}
	})
}
