package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// replicaPair starts two dashboards (each in front of its API, with its
// own pool and memory) on one new PostgreSQL database, the seed loaded
// through a. A browser's cookies go to both: a cookie names a host, not a
// port.
func replicaPair(t *testing.T) (a, b *env) {
	t.Helper()
	dsn := storetest.DSN(t, store.Postgres) // skips without PostgreSQL
	a = newEnv(t, storetest.OpenOn(t, dsn, store.Options{}), testSeed)
	b = newEnv(t, storetest.OpenOn(t, dsn, store.Options{}), "")
	return a, b
}

// TestReplicasShareSessions: a session opened on one replica is good on
// the other, a sign-out on either ends it on both, and the database
// holds a hash of the session's id, never the id.
func TestReplicasShareSessions(t *testing.T) {
	a, b := replicaPair(t)
	br := a.signedIn("ghp_annWrite")
	var id string
	for _, c := range br.c.Jar.Cookies(&url.URL{Scheme: "http", Host: "127.0.0.1", Path: "/ui/"}) {
		if c.Name == sessionCookie {
			id = c.Value
		}
	}
	if id == "" {
		t.Fatal("no session cookie")
	}
	br.e = b
	p := br.get("/ui/orgs/acme")
	if p.status != http.StatusOK {
		t.Fatalf("replica B, with A's session: %d", p.status)
	}
	p.contains(t, "Acme Corp")
	var stored, inClear int
	if err := a.st.DB().QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE position(convert_to($1, 'UTF8') IN id_hash) > 0) FROM dashboard_sessions`, id).
		Scan(&stored, &inClear); err != nil || stored != 1 || inClear != 0 {
		t.Fatalf("sessions stored %d, holding the id in clear %d (%v)", stored, inClear, err)
	}

	if p := br.post("/ui/signout", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", p.status)
	}
	br.e = a
	if p := br.get("/ui/"); p.status != http.StatusSeeOther {
		t.Errorf("replica A after the sign-out on B: %d, want 303 to the sign-in page", p.status)
	}
	if n, err := a.dash.sessions.count(context.Background()); err != nil || n != 0 {
		t.Errorf("%d sessions left (%v)", n, err)
	}
}

// TestReplicasShareTheSignInThrottle: failed sign-ins count toward one
// limit per address whichever replica they reach.
func TestReplicasShareTheSignInThrottle(t *testing.T) {
	a, b := replicaPair(t)
	br := a.browser()
	br.get("/ui/signin")
	for i := range DefaultSignInFailures {
		br.e = []*env{a, b}[i%2]
		if p := br.post("/ui/signin", url.Values{"token": {"ghp_guess"}, "next": {"/ui/"}}); p.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, p.status)
		}
	}
	for _, e := range []*env{a, b} {
		br.e = e
		if p := br.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}, "next": {"/ui/"}}); p.status != http.StatusTooManyRequests {
			t.Errorf("a good token after %d failures spread over both replicas: %d, want 429", DefaultSignInFailures, p.status)
		}
	}
}

// TestReplicasShareUndo: the Undo button of a cancellation made on one
// replica works on the other, once: the offer is kept with the session.
func TestReplicasShareUndo(t *testing.T) {
	a, b := replicaPair(t)
	br := a.signedIn("ghp_annWrite")
	if _, done := br.confirmed("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}, "back": {"/ui/orgs/acme"}}); done.status != http.StatusSeeOther {
		t.Fatalf("cancel on A: %d", done.status)
	}
	m := undoID.FindStringSubmatch(br.get("/ui/orgs/acme").body)
	if m == nil {
		t.Fatal("no Undo button after the cancellation on A")
	}
	br.e = b
	if u := br.post("/ui/orgs/acme/undo", url.Values{"id": {m[1]}}); u.status != http.StatusSeeOther {
		t.Fatalf("undo on B: %d", u.status)
	}
	br.get("/ui/orgs/acme").contains(t, "Kept the seat of bob: the cancellation is withdrawn.")
	if d := a.pendingDate("bob"); d != "" {
		t.Errorf("bob still pending %q after the undo on B", d)
	}
	br.e = a
	br.post("/ui/orgs/acme/undo", url.Values{"id": {m[1]}})
	br.get("/ui/orgs/acme").contains(t, "There is nothing to undo")
}
