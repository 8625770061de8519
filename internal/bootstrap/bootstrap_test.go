package bootstrap_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

var now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func TestAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const first, second = "first-admin-token-000000", "ghp_secondAdminToken0000000000000000001"
		res, err := bootstrap.Admin(ctx, st, first, now)
		if err != nil || !res.UserCreated || !res.TokenCreated || res.Revoked != 0 {
			t.Fatalf("first run: %+v, %v", res, err)
		}
		u, err := st.UserByLogin(ctx, bootstrap.Login)
		if err != nil || !u.SiteAdmin {
			t.Fatalf("admin %+v, %v", u, err)
		}
		tok, err := st.TokenByHash(ctx, auth.Hash(first))
		if err != nil || tok.UserID != u.ID || tok.Kind != seatkeeper.TokenClassic || !slices.Equal(tok.Scopes, bootstrap.Scopes) || tok.Note != bootstrap.Note {
			t.Fatalf("token %+v, %v", tok, err)
		}

		if res, err := bootstrap.Admin(ctx, st, first, now.Add(time.Hour)); err != nil || res != (bootstrap.Result{}) {
			t.Errorf("same token again: %+v, %v", res, err)
		}
		res, err = bootstrap.Admin(ctx, st, second, now.Add(time.Hour))
		if err != nil || res.UserCreated || !res.TokenCreated || res.Revoked != 1 {
			t.Errorf("changed token: %+v, %v", res, err)
		}
		if old, err := st.TokenByHash(ctx, auth.Hash(first)); err != nil {
			t.Errorf("the old admin token is gone rather than revoked: %v", err)
		} else if old.RevokedAt == nil || old.Usable(now.Add(2*time.Hour)) {
			t.Errorf("the old admin token still works: %+v", old)
		}

		for _, c := range []struct{ token, want string }{
			{first, "the admin token was revoked"},
			{"short", "too short"},
			{"has a space in it, sadly", "no spaces"},
			{"gho_notAClassicTokenAtAll00000", "its prefix may be ghp_ or none, not gho_"},
		} {
			if _, err := bootstrap.Admin(ctx, st, c.token, now); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: %v, want %q", c.token, err, c.want)
			}
		}
	})
}

func TestAdminPromotesAndRefusesOthersTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		d, _ := seed.Parse([]byte(`
users: [{login: seatkeeper-admin}, {login: other}]
tokens: [{token: someone-elses-token-0000, kind: classic, user: other}]
`))
		d.AllowWeakTokens = true
		if err := d.Load(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		if _, err := bootstrap.Admin(ctx, st, "someone-elses-token-0000", now); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Errorf("another user's token: %v", err)
		}
		if _, err := bootstrap.Admin(ctx, st, "a-fresh-admin-token-0000", now); err != nil {
			t.Fatal(err)
		}
		if u, _ := st.UserByLogin(ctx, bootstrap.Login); !u.SiteAdmin {
			t.Error("the existing user was not made a site administrator")
		}
	})
}

// TestSeedAfterBootstrap loads the example seed, whose users carry small
// explicit ids, into a database the administrator was made in first.
func TestSeedAfterBootstrap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := bootstrap.Admin(ctx, st, "bootstrap-admin-token-0000", now); err != nil {
			t.Fatal(err)
		}
		if err := seed.LoadFile(ctx, st, "../../examples/seed.yaml", now, seed.FileOptions{}); err != nil {
			t.Fatalf("example seed after bootstrap: %v", err)
		}
		u, err := st.UserByLogin(ctx, bootstrap.Login)
		if err != nil || u.ID != bootstrap.AdminID {
			t.Errorf("admin %+v, %v", u, err)
		}
		// Ids handed out later still come from the low range.
		nu := seatkeeper.User{Login: "later", CreatedAt: now, UpdatedAt: now}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &nu) }); err != nil || nu.ID >= bootstrap.AdminID {
			t.Errorf("later user id %d, %v", nu.ID, err)
		}
	})
}
