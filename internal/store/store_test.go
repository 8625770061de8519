package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func mustTx(t *testing.T, st *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := st.Tx(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsConcurrentAndIdempotent(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			// Replicas starting at the same moment must not race.
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, err := store.Open(context.Background(), dsn, store.Options{})
					if err == nil {
						st.Close()
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			st, err := store.Open(context.Background(), dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			v, err := st.SchemaVersion(context.Background())
			if err != nil || v != store.LatestSchemaVersion(d) {
				t.Fatalf("schema version %d, %v; want %d", v, err, store.LatestSchemaVersion(d))
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var octo, auto seatkeeper.User
		var org seatkeeper.Organization
		mustTx(t, st, func(tx *store.Tx) error {
			octo = seatkeeper.User{ID: 100, Login: "Octocat", Name: "The Octocat", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateUser(ctx, &octo); err != nil {
				return err
			}
			auto = seatkeeper.User{Login: "hubot", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateUser(ctx, &auto); err != nil {
				return err
			}
			org = seatkeeper.Organization{Login: "GitHub", CreatedAt: t0, UpdatedAt: t0}
			return tx.CreateOrg(ctx, &org)
		})
		if auto.ID != 101 || org.ID != 102 {
			t.Errorf("allocated ids %d, %d: users and orgs share one id space after the largest given id", auto.ID, org.ID)
		}
		u, err := st.UserByLogin(ctx, "OCTOCAT")
		if err != nil || u.ID != 100 || u.Login != "Octocat" || u.Name != "The Octocat" || !u.CreatedAt.Equal(t0) {
			t.Errorf("UserByLogin = %+v, %v", u, err)
		}
		if _, err := st.OrgByLogin(ctx, "github"); err != nil {
			t.Error(err)
		}
		if _, err := st.UserByLogin(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: %v", err)
		}
		for _, login := range []string{"octocat", "GITHUB"} {
			err := st.Tx(ctx, func(tx *store.Tx) error {
				return tx.CreateUser(ctx, &seatkeeper.User{Login: login, CreatedAt: t0, UpdatedAt: t0})
			})
			if seatkeeper.KindOf(err) != seatkeeper.KindConflict {
				t.Errorf("duplicate login %q: %v", login, err)
			}
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := st.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &seatkeeper.User{Login: "ghost", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := st.UserByLogin(ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("write survived a failed transaction: %v", err)
		}
	})
}

func TestReaches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var user, other seatkeeper.User
		var org seatkeeper.Organization
		var parent, child, grandchild seatkeeper.Team
		var et seatkeeper.EnterpriseTeam
		joined := t0.Add(time.Hour)
		mustTx(t, st, func(tx *store.Tx) error {
			user = seatkeeper.User{Login: "u", CreatedAt: t0, UpdatedAt: t0}
			other = seatkeeper.User{Login: "o", CreatedAt: t0, UpdatedAt: t0}
			ent := seatkeeper.Enterprise{Slug: "acme", Name: "Acme", CreatedAt: t0, UpdatedAt: t0}
			for _, err := range []error{tx.CreateUser(ctx, &user), tx.CreateUser(ctx, &other), tx.CreateEnterprise(ctx, &ent)} {
				if err != nil {
					return err
				}
			}
			org = seatkeeper.Organization{Login: "org", EnterpriseID: ent.ID, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateOrg(ctx, &org); err != nil {
				return err
			}
			parent = seatkeeper.Team{OrgID: org.ID, Name: "Parent Team", Privacy: "closed", NotificationSetting: "notifications_enabled", Permission: "pull", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateTeam(ctx, &parent); err != nil {
				return err
			}
			child = parent
			child.ID, child.Name, child.Slug, child.ParentID = 0, "Child", "", parent.ID
			if err := tx.CreateTeam(ctx, &child); err != nil {
				return err
			}
			grandchild = child
			grandchild.ID, grandchild.Name, grandchild.Slug, grandchild.ParentID = 0, "Grandchild", "", child.ID
			if err := tx.CreateTeam(ctx, &grandchild); err != nil {
				return err
			}
			et = seatkeeper.EnterpriseTeam{EnterpriseID: ent.ID, Name: "Pioneers", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateEnterpriseTeam(ctx, &et); err != nil {
				return err
			}
			for _, err := range []error{
				tx.AddTeamMember(ctx, grandchild.ID, user.ID, "", joined),
				tx.AddTeamMember(ctx, parent.ID, other.ID, "", t0),
				tx.AddEnterpriseTeamMember(ctx, et.ID, user.ID, joined),
				tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantTeam, TeamID: parent.ID, CreatedAt: t0, UpdatedAt: t0}),
				tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantEnterpriseTeam, EnterpriseTeamID: et.ID, CreatedAt: t0, UpdatedAt: t0}),
				tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: other.ID, CreatedAt: t0, UpdatedAt: t0}),
			} {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if parent.Slug != "parent-team" {
			t.Errorf("slug %q", parent.Slug)
		}
		rs, err := st.Reaches(ctx, org.ID, user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 {
			t.Fatalf("reaches = %+v, want the parent team's grant and the enterprise team's", rs)
		}
		var sawTeam, sawETeam bool
		for _, r := range rs {
			switch {
			case r.Team != nil:
				sawTeam = r.Team.ID == parent.ID && r.JoinedAt.Equal(joined) && r.Grant.Kind == seatkeeper.GrantTeam
			case r.ETeam != nil:
				sawETeam = r.ETeam.ID == et.ID && r.JoinedAt.Equal(joined)
			}
		}
		if !sawTeam || !sawETeam {
			t.Errorf("reaches = %+v", rs)
		}
		rs, err = st.Reaches(ctx, org.ID, other.ID)
		if err != nil || len(rs) != 2 {
			t.Errorf("other's reaches = %+v, %v: want direct and team", rs, err)
		}

		// Re-granting replaces the pending date rather than adding a grant.
		d := seatkeeper.Date{Time: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
		mustTx(t, st, func(tx *store.Tx) error {
			return tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: other.ID, CreatedAt: t0, UpdatedAt: t0, PendingCancellationDate: &d})
		})
		gs, err := st.Grants(ctx, org.ID)
		if err != nil || len(gs) != 3 {
			t.Fatalf("grants = %+v, %v", gs, err)
		}
		for _, g := range gs {
			if g.Kind == seatkeeper.GrantUser && (g.PendingCancellationDate == nil || g.PendingCancellationDate.String() != "2026-02-01") {
				t.Errorf("direct grant pending date = %v", g.PendingCancellationDate)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exp := t0.Add(time.Hour)
		tok := seatkeeper.Token{Kind: seatkeeper.TokenFineGrained, Hash: "abc", Hint: "github_pat_…abcd",
			Permissions: map[string]string{"organization_copilot_seat_management": "read"}, ExpiresAt: &exp, CreatedAt: t0}
		mustTx(t, st, func(tx *store.Tx) error { return tx.CreateToken(ctx, &tok) })
		got, err := st.TokenByHash(ctx, "abc")
		if err != nil || got.ID != tok.ID || got.Permissions["organization_copilot_seat_management"] != "read" || !got.ExpiresAt.Equal(exp) {
			t.Fatalf("TokenByHash = %+v, %v", got, err)
		}
		if !got.Usable(t0) || got.Usable(exp) {
			t.Error("expiry not honoured")
		}
		mustTx(t, st, func(tx *store.Tx) error { return tx.RevokeToken(ctx, tok.ID, t0) })
		got, _ = st.TokenByHash(ctx, "abc")
		if got.Usable(t0) {
			t.Error("revoked token usable")
		}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.RevokeToken(ctx, tok.ID, t0) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
	})
}

// TestUnstorableText: text PostgreSQL cannot hold (a NUL byte, invalid
// UTF-8) is refused on writes and finds nothing on reads, on both stores
// alike (issue 16: PostgreSQL answered 500, SQLite kept it).
func TestUnstorableText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var org seatkeeper.Organization
		mustTx(t, st, func(tx *store.Tx) error {
			org = seatkeeper.Organization{Login: "acme", CreatedAt: t0, UpdatedAt: t0}
			return tx.CreateOrg(ctx, &org)
		})
		for _, bad := range []string{"nul\x00", "\x00", "bad\xffutf8", "a\xc3"} {
			err := st.Tx(ctx, func(tx *store.Tx) error {
				return tx.CreateUser(ctx, &seatkeeper.User{Login: bad, CreatedAt: t0, UpdatedAt: t0})
			})
			if seatkeeper.KindOf(err) != seatkeeper.KindInvalid || !errors.Is(err, store.ErrUnstorable) {
				t.Errorf("CreateUser(%q) = %v, want ErrUnstorable", bad, err)
			}
			err = st.Tx(ctx, func(tx *store.Tx) error {
				return tx.CreateTeam(ctx, &seatkeeper.Team{OrgID: org.ID, Name: bad, Slug: "ok", CreatedAt: t0, UpdatedAt: t0})
			})
			if seatkeeper.KindOf(err) != seatkeeper.KindInvalid {
				t.Errorf("CreateTeam(%q) = %v, want a 422", bad, err)
			}
			if _, err := st.UserByLogin(ctx, bad); !seatkeeper.IsNotFound(err) {
				t.Errorf("UserByLogin(%q) = %v, want not found", bad, err)
			}
			if _, err := st.OrgByLogin(ctx, bad); !seatkeeper.IsNotFound(err) {
				t.Errorf("OrgByLogin(%q) = %v, want not found", bad, err)
			}
			if _, err := st.TeamBySlug(ctx, org.ID, bad); !seatkeeper.IsNotFound(err) {
				t.Errorf("TeamBySlug(%q) = %v, want not found", bad, err)
			}
		}
		if users, err := st.Users(ctx); err != nil || len(users) != 0 {
			t.Errorf("users after refused writes: %v, %v", users, err)
		}
	})
}
