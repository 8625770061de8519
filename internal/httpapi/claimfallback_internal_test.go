package httpapi

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestClaimsFallBackForASpell: once PostgreSQL refuses a claim because it
// cannot write (its sessions read-only), the shared limiter and the shared
// slots count in memory for fallbackSpell without asking the database on
// each request (before, every request made a failed claim and a ping):
// with the database closed after the first request, the next ones in the
// spell are still answered; after the spell the database is asked again,
// and, closed, fails the request.
func TestClaimsFallBackForASpell(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	storetest.OpenOn(t, dsn, store.Options{}).Close() // migrated, then read-only
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	readOnly := u.String()

	ctx := context.Background()
	for _, c := range []struct {
		name  string
		claim func(st *store.Store, now func() time.Time) func() error
	}{
		{"rate limit", func(st *store.Store, now func() time.Time) func() error {
			l := newSharedLimiter(st)
			l.now = now
			key := rateKey{tokenHash: "t", resource: resourceCore}
			return func() error { _, _, err := l.reserve(ctx, key, 5000); return err }
		}},
		{"concurrency slots", func(st *store.Store, now func() time.Time) func() error {
			l := newSharedSlots(st)
			l.now = now
			return func() error {
				release, _, err := l.acquire(ctx, "t", 100)
				if release != nil {
					release()
				}
				return err
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.OpenOn(t, readOnly, store.Options{})
			at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			claim := c.claim(st, func() time.Time { return at })
			if err := claim(); err != nil {
				t.Fatalf("first request, database read-only: %v", err)
			}
			st.Close()
			for _, step := range []struct {
				after   time.Duration
				wantErr bool
			}{
				{0, false},
				{fallbackSpell - time.Millisecond, false},
				{fallbackSpell, true}, // the spell is over: the database is asked, and it is closed
			} {
				at = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC).Add(step.after)
				if err := claim(); (err != nil) != step.wantErr {
					t.Errorf("%v after the first: err %v, want an error %v", step.after, err, step.wantErr)
				}
			}
		})
	}
}
