package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestInvitationsFollowMemberships(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var org seatkeeper.Organization
		var owner, ann, bob seatkeeper.User
		var team seatkeeper.Team
		membership := func(u seatkeeper.User, role, state string) seatkeeper.Membership {
			return seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: role, State: state, CreatedAt: t0, UpdatedAt: t0}
		}
		mustTx(t, st, func(tx *store.Tx) error {
			for _, u := range []*seatkeeper.User{&owner, &ann, &bob} {
				u.CreatedAt, u.UpdatedAt = t0, t0
			}
			owner.Login, ann.Login, bob.Login = "owner", "ann", "bob"
			for _, u := range []*seatkeeper.User{&owner, &ann, &bob} {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
			}
			org = seatkeeper.Organization{Login: "acme", Name: "Acme Inc.", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateOrg(ctx, &org); err != nil {
				return err
			}
			team = seatkeeper.Team{OrgID: org.ID, Name: "T", Privacy: "closed", NotificationSetting: "notifications_enabled", Permission: "pull", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateTeam(ctx, &team); err != nil {
				return err
			}
			for _, m := range []seatkeeper.Membership{membership(owner, "admin", "active"), membership(ann, "member", "pending"), membership(bob, "admin", "pending")} {
				if err := tx.PutMembership(ctx, m); err != nil {
					return err
				}
			}
			if err := tx.SetInviter(ctx, org.ID, bob.ID, owner.ID); err != nil {
				return err
			}
			return tx.AddTeamMember(ctx, team.ID, ann.ID, "member", t0)
		})
		if g, err := st.OrgByLogin(ctx, "ACME"); err != nil || g.Name != "Acme Inc." {
			t.Errorf("org %+v, %v", g, err)
		}
		invs, err := st.Invitations(ctx, org.ID)
		if err != nil || len(invs) != 2 {
			t.Fatalf("invitations %+v, %v", invs, err)
		}
		if invs[0].User.Login != "ann" || invs[0].Inviter != nil || invs[0].TeamCount != 1 || invs[0].Role != "member" ||
			invs[1].User.Login != "bob" || invs[1].Inviter == nil || invs[1].Inviter.Login != "owner" || invs[1].Role != "admin" {
			t.Errorf("invitations %+v", invs)
		}
		first := invs[0].ID

		// A role change keeps the invitation; acceptance and removal end it.
		mustTx(t, st, func(tx *store.Tx) error {
			if err := tx.PutMembership(ctx, membership(ann, "admin", "pending")); err != nil {
				return err
			}
			if err := tx.PutMembership(ctx, membership(bob, "admin", "active")); err != nil {
				return err
			}
			return nil
		})
		invs, err = st.Invitations(ctx, org.ID)
		if err != nil || len(invs) != 1 || invs[0].ID != first || invs[0].Role != "admin" {
			t.Fatalf("after changes: %+v, %v", invs, err)
		}
		mustTx(t, st, func(tx *store.Tx) error { return tx.DeleteMembership(ctx, org.ID, ann.ID) })
		if invs, err := st.Invitations(ctx, org.ID); err != nil || len(invs) != 0 {
			t.Errorf("after removal: %+v, %v", invs, err)
		}
		err = st.Tx(ctx, func(tx *store.Tx) error { return tx.DeleteMembership(ctx, org.ID, ann.ID) })
		if !seatkeeper.IsNotFound(err) {
			t.Errorf("deleting a missing membership: %v", err)
		}
		if n, err := st.ActiveOwnerCount(ctx, org.ID); err != nil || n != 2 {
			t.Errorf("owners %d, %v", n, err)
		}
	})
}

func TestTeamTree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var org seatkeeper.Organization
		var root, child, grandchild seatkeeper.Team
		var ann, bob seatkeeper.User
		mustTx(t, st, func(tx *store.Tx) error {
			org = seatkeeper.Organization{Login: "acme", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateOrg(ctx, &org); err != nil {
				return err
			}
			ann = seatkeeper.User{Login: "ann", CreatedAt: t0, UpdatedAt: t0}
			bob = seatkeeper.User{Login: "bob", CreatedAt: t0, UpdatedAt: t0}
			for _, u := range []*seatkeeper.User{&ann, &bob} {
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				if err := tx.PutMembership(ctx, seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: "member", State: "active", CreatedAt: t0, UpdatedAt: t0}); err != nil {
					return err
				}
			}
			var parent int64
			for _, tm := range []*seatkeeper.Team{&root, &child, &grandchild} {
				*tm = seatkeeper.Team{OrgID: org.ID, Name: "Team " + string(rune('A'+parent)), Privacy: "closed", NotificationSetting: "notifications_enabled",
					Permission: "pull", ParentID: parent, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateTeam(ctx, tm); err != nil {
					return err
				}
				parent = tm.ID
			}
			if err := tx.AddTeamMember(ctx, root.ID, ann.ID, "maintainer", t0); err != nil {
				return err
			}
			if err := tx.AddTeamMember(ctx, grandchild.ID, ann.ID, "member", t0.Add(-time.Hour)); err != nil {
				return err
			}
			return tx.AddTeamMember(ctx, child.ID, bob.ID, "member", t0)
		})
		ids, err := st.TeamSubtreeIDs(ctx, root.ID)
		if err != nil || len(ids) != 3 {
			t.Errorf("subtree %v, %v", ids, err)
		}
		members, err := st.TeamSubtreeMembers(ctx, root.ID)
		if err != nil || len(members) != 2 || members[0].User.Login != "ann" || members[0].Role != "maintainer" || members[0].Inherited ||
			!members[0].JoinedAt.Equal(t0.Add(-time.Hour)) || members[1].User.Login != "bob" || !members[1].Inherited || members[1].OrgState != "active" {
			t.Errorf("members %+v, %v", members, err)
		}
		if _, err := st.TeamMember(ctx, root.ID, bob.ID); !seatkeeper.IsNotFound(err) {
			t.Errorf("bob is not a direct member of the root: %v", err)
		}
		if m, err := st.TeamSubtreeMember(ctx, root.ID, bob.ID); err != nil || !m.Inherited {
			t.Errorf("bob through the child: %+v, %v", m, err)
		}
		if taken, err := st.TeamNameTaken(ctx, org.ID, 0, "TEAM A", "x"); err != nil || !taken {
			t.Errorf("name taken %v, %v", taken, err)
		}
		if taken, err := st.TeamNameTaken(ctx, org.ID, root.ID, "Team A", "team-a"); err != nil || taken {
			t.Errorf("a team's own name counts as taken: %v, %v", taken, err)
		}
		mustTx(t, st, func(tx *store.Tx) error { return tx.DeleteTeams(ctx, ids) })
		if teams, err := st.Teams(ctx, org.ID); err != nil || len(teams) != 0 {
			t.Errorf("teams after delete %v, %v", teams, err)
		}
	})
}
