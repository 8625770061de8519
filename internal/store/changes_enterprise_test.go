package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestEnterpriseScopeOfChange: a write to an enterprise's own seats (a
// grant at the enterprise, their activity) records the enterprise's scope
// of change, so that caches keep every organization's answers; a seat
// write in one of its orgs records that org's and the enterprise's; a
// write to what any answer may read (the subscription) records everything.
func TestEnterpriseScopeOfChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		d, err := seed.Parse([]byte(`users: [{login: boss}, {login: carol}]
enterprises: [{slug: acme, owners: [boss], members: [carol]}]
organizations: [{login: widgets, enterprise: acme, copilot: {public_code_suggestions: allow}, members: [{login: boss, role: admin}]}]
`))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Load(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		ent, _ := st.EnterpriseBySlug(ctx, "acme")
		carol, _ := st.UserByLogin(ctx, "carol")
		changes := func(mark string, write func(tx *store.Tx) error) (scopes []int64, all bool, next string) {
			t.Helper()
			if err := st.Tx(ctx, write); err != nil {
				t.Fatal(err)
			}
			v, err := st.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if scopes, all, next, err = st.ChangesSince(ctx, mark, v); err != nil {
				t.Fatal(err)
			}
			return scopes, all, next
		}
		_, _, mark := changes("", func(*store.Tx) error { return nil })
		scopes, all, mark := changes(mark, func(tx *store.Tx) error {
			sub := seatkeeper.DefaultSubscription()
			sub.EnterpriseID, sub.PublicCodeSuggestions, sub.CreatedAt, sub.UpdatedAt = ent.ID, seatkeeper.PolicyAllow, now, now
			return tx.PutEnterpriseSubscription(ctx, sub)
		})
		if !all {
			t.Errorf("the enterprise's subscription changed %v, want everything", scopes)
		}
		want := []int64{store.EnterpriseScope(ent.ID)}
		scopes, all, mark = changes(mark, func(tx *store.Tx) error {
			return tx.PutEnterpriseGrant(ctx, &seatkeeper.Grant{EnterpriseID: ent.ID, Kind: seatkeeper.GrantUser, UserID: carol.ID, CreatedAt: now, UpdatedAt: now})
		})
		if all || !slices.Equal(scopes, want) {
			t.Errorf("a grant at the enterprise changed %v (all %v), want %v", scopes, all, want)
		}
		org, _ := st.OrgByLogin(ctx, "widgets")
		if store.EnterpriseScope(ent.ID) == org.ID || store.EnterpriseScope(ent.ID) == store.ScopeAll {
			t.Errorf("the enterprise's scope %d names an org or everything", store.EnterpriseScope(ent.ID))
		}
		scopes, all, mark = changes(mark, func(tx *store.Tx) error {
			return tx.PutEnterpriseActivity(ctx, ent.ID, carol.ID, seatkeeper.Activity{LastActivityAt: &now})
		})
		if all || !slices.Equal(scopes, want) {
			t.Errorf("activity at the enterprise changed %v (all %v), want %v", scopes, all, want)
		}
		// A seat in an org of the enterprise changes the org and the
		// enterprise's list (its counted chunks and holders), nothing else.
		boss, _ := st.UserByLogin(ctx, "boss")
		scopes, all, _ = changes(mark, func(tx *store.Tx) error {
			return tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: boss.ID, CreatedAt: now, UpdatedAt: now})
		})
		slices.Sort(scopes)
		if want := []int64{store.EnterpriseScope(ent.ID), org.ID}; all || !slices.Equal(scopes, want) {
			t.Errorf("a seat in the enterprise's org changed %v (all %v), want %v", scopes, all, want)
		}
	})
}
