package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// world makes two users, an org with Copilot, a team, a grant, a residual
// seat, activity and a token of each user.
func world(t *testing.T, st *store.Store) (keep, gone seatkeeper.User, org seatkeeper.Organization, team seatkeeper.Team) {
	t.Helper()
	ctx := context.Background()
	mustTx(t, st, func(tx *store.Tx) error {
		keep = seatkeeper.User{Login: "keeper", CreatedAt: t0, UpdatedAt: t0}
		gone = seatkeeper.User{Login: "gone", CreatedAt: t0, UpdatedAt: t0}
		ent := seatkeeper.Enterprise{Slug: "e", Name: "E", CreatedAt: t0, UpdatedAt: t0}
		for _, err := range []error{tx.CreateUser(ctx, &keep), tx.CreateUser(ctx, &gone), tx.CreateEnterprise(ctx, &ent)} {
			if err != nil {
				return err
			}
		}
		org = seatkeeper.Organization{Login: "org", EnterpriseID: ent.ID, CreatedAt: t0, UpdatedAt: t0}
		if err := tx.CreateOrg(ctx, &org); err != nil {
			return err
		}
		team = seatkeeper.Team{OrgID: org.ID, Name: "T", Privacy: "closed", NotificationSetting: "notifications_enabled", Permission: "pull", CreatedAt: t0, UpdatedAt: t0}
		sub := seatkeeper.DefaultSubscription()
		sub.OrgID, sub.CreatedAt, sub.UpdatedAt = org.ID, t0, t0
		at := t0.Add(time.Hour)
		d := seatkeeper.DateOf(t0.AddDate(0, 1, 0))
		for _, err := range []error{
			tx.CreateTeam(ctx, &team),
			tx.PutSubscription(ctx, sub),
			tx.PutMembership(ctx, seatkeeper.Membership{OrgID: org.ID, UserID: gone.ID, Role: "member", State: "active", CreatedAt: t0, UpdatedAt: t0}),
			tx.AddTeamMember(ctx, team.ID, gone.ID, "maintainer", at),
			tx.PutGrant(ctx, &seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: gone.ID, CreatedAt: t0, UpdatedAt: t0}),
			tx.PutResidualSeat(ctx, store.ResidualSeat{OrgID: org.ID, UserID: gone.ID, TeamID: team.ID, CreatedAt: t0, UpdatedAt: at, PendingCancellationDate: d}),
			tx.PutActivity(ctx, org.ID, gone.ID, seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: "vim"}),
			tx.CreateToken(ctx, &seatkeeper.Token{Kind: seatkeeper.TokenClassic, Hash: "k", UserID: keep.ID, CreatedAt: t0}),
			tx.CreateToken(ctx, &seatkeeper.Token{Kind: seatkeeper.TokenFineGrained, Hash: "kf", UserID: keep.ID, OrgID: org.ID, CreatedAt: t0}),
			tx.CreateToken(ctx, &seatkeeper.Token{Kind: seatkeeper.TokenClassic, Hash: "g", UserID: gone.ID, CreatedAt: t0}),
			tx.CreateToken(ctx, &seatkeeper.Token{Kind: seatkeeper.TokenInstallation, Hash: "i", OrgID: org.ID, CreatedAt: t0}),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	return keep, gone, org, team
}

func TestControlRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		_, gone, org, team := world(t, st)
		rows, err := st.TeamMemberRows(ctx, team.ID)
		if err != nil || len(rows) != 1 || rows[0].UserID != gone.ID || rows[0].Role != "maintainer" || !rows[0].JoinedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("team member rows %+v, %v", rows, err)
		}
		rs, err := st.ResidualSeatRows(ctx, org.ID)
		if err != nil || len(rs) != 1 || rs[0].TeamID != team.ID || rs[0].PendingCancellationDate.String() != "2026-02-02" {
			t.Errorf("residual rows %+v, %v", rs, err)
		}
		orgs, err := st.CopilotOrgs(ctx)
		if err != nil || len(orgs) != 1 || orgs[0].ID != org.ID {
			t.Errorf("copilot orgs %+v, %v", orgs, err)
		}
		mustTx(t, st, func(tx *store.Tx) error { return tx.MarkSiteAdmin(ctx, gone.ID, t0.Add(time.Hour)) })
		if u, _ := st.UserByID(ctx, gone.ID); !u.SiteAdmin || !u.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("site admin %+v", u)
		}
	})
}

func TestDeleteSubscription(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		_, gone, org, _ := world(t, st)
		mustTx(t, st, func(tx *store.Tx) error { return tx.DeleteSubscription(ctx, org.ID) })
		if _, err := st.Subscription(ctx, org.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("subscription after delete: %v", err)
		}
		reaches, err := st.Reaches(ctx, org.ID, gone.ID)
		if err != nil || len(reaches) != 0 {
			t.Errorf("reaches after delete %+v, %v", reaches, err)
		}
		if a, err := st.Activity(ctx, org.ID, gone.ID); err != nil || a.LastActivityAt != nil {
			t.Errorf("activity after delete %+v, %v", a, err)
		}
		if _, err := st.Membership(ctx, org.ID, gone.ID); err != nil {
			t.Errorf("membership went with Copilot: %v", err)
		}
		err = st.Tx(ctx, func(tx *store.Tx) error { return tx.DeleteSubscription(ctx, org.ID) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting again: %v", err)
		}
	})
}

func TestReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		keep, _, _, _ := world(t, st)
		mustTx(t, st, func(tx *store.Tx) error { return tx.Reset(ctx, []int64{keep.ID}) })
		users, err := st.Users(ctx)
		if err != nil || len(users) != 1 || users[0].ID != keep.ID {
			t.Fatalf("users after reset %+v, %v", users, err)
		}
		for _, table := range []string{"organizations", "enterprises", "teams", "team_members", "org_memberships", "copilot_subscriptions",
			"copilot_grants", "copilot_residual_seats", "copilot_activity", "enterprise_teams"} {
			var n int
			if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s after reset: %d rows, %v", table, n, err)
			}
		}
		tokens, _ := st.Tokens(ctx)
		if len(tokens) != 1 || tokens[0].Hash != "k" {
			t.Errorf("tokens after reset %+v", tokens)
		}
		// Ids are not handed out again.
		var u seatkeeper.User
		mustTx(t, st, func(tx *store.Tx) error {
			u = seatkeeper.User{Login: "new", CreatedAt: t0, UpdatedAt: t0}
			return tx.CreateUser(ctx, &u)
		})
		if u.ID <= keep.ID+2 {
			t.Errorf("new user id %d reuses an id", u.ID)
		}
		mustTx(t, st, func(tx *store.Tx) error { return tx.Reset(ctx, nil) })
		if users, err := st.Users(ctx); err != nil || len(users) != 0 {
			t.Errorf("users after a full reset %+v, %v", users, err)
		}
	})
}
