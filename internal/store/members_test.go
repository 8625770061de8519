package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestMemberKeysAfter walks an org's members a range at a time, as a seat
// list's order is built, and checks what each member carries.
func TestMemberKeysAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var org, other seatkeeper.Organization
		want := map[int64]seatkeeper.Membership{} // acme's, by user id
		mustTx(t, st, func(tx *store.Tx) error {
			org = seatkeeper.Organization{Login: "acme", CreatedAt: t0, UpdatedAt: t0}
			other = seatkeeper.Organization{Login: "other", CreatedAt: t0, UpdatedAt: t0}
			for _, g := range []*seatkeeper.Organization{&org, &other} {
				if err := tx.CreateOrg(ctx, g); err != nil {
					return err
				}
			}
			for i := range 7 {
				u := seatkeeper.User{Login: fmt.Sprintf("u%d", i), CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				state := seatkeeper.StateActive
				if i%3 == 2 {
					state = seatkeeper.StatePending
				}
				joined := t0.Add(time.Duration(7-i) * time.Hour)
				m := seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: "member", State: state, CreatedAt: joined, UpdatedAt: joined.Add(time.Minute)}
				if err := tx.PutMembership(ctx, m); err != nil {
					return err
				}
				want[u.ID] = m
				// A membership elsewhere is never walked.
				if err := tx.PutMembership(ctx, seatkeeper.Membership{OrgID: other.ID, UserID: u.ID, Role: "admin", State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		tests := []struct {
			name  string
			state string
			limit int
			n     int // members walked
		}{
			{"active, two at a time", seatkeeper.StateActive, 2, 5},
			{"pending, one at a time", seatkeeper.StatePending, 1, 2},
			{"any state, three at a time", "", 3, 7},
			{"any state, all at once", "", 100, 7},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var walked []store.Member
				for after := int64(0); ; {
					ms, err := st.MemberKeysAfter(ctx, org.ID, tt.state, after, tt.limit)
					if err != nil {
						t.Fatal(err)
					}
					if len(ms) > tt.limit {
						t.Fatalf("%d members, limit %d", len(ms), tt.limit)
					}
					if len(ms) == 0 {
						break
					}
					walked = append(walked, ms...)
					after = ms[len(ms)-1].User.ID
				}
				if len(walked) != tt.n {
					t.Fatalf("walked %d members, want %d", len(walked), tt.n)
				}
				for i, m := range walked {
					w := want[m.User.ID]
					if i > 0 && m.User.ID <= walked[i-1].User.ID {
						t.Errorf("not in user id order: %d after %d", m.User.ID, walked[i-1].User.ID)
					}
					if m.Membership.UserID != w.UserID || m.Membership.OrgID != org.ID || m.Membership.State != w.State ||
						!m.Membership.CreatedAt.Equal(w.CreatedAt) || (tt.state != "" && w.State != tt.state) {
						t.Errorf("member %d: %+v, want %+v", m.User.ID, m.Membership, w)
					}
					if m.User.Login != "" || m.Membership.Role != "" {
						t.Errorf("member %d carries more than its keys: %+v", m.User.ID, m)
					}
				}
			})
		}
	})
}

// TestOrgReaches: each grant kind reaches its users with every field the
// seat rules read, whether asked for one user, an id range or the org.
func TestOrgReaches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var org seatkeeper.Organization
		var ann, bob, cy seatkeeper.User
		var team seatkeeper.Team
		var direct, pending, viaTeam seatkeeper.Grant
		t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
		cancel := seatkeeper.DateOf(t0.AddDate(0, 1, 0))
		mustTx(t, st, func(tx *store.Tx) error {
			org = seatkeeper.Organization{Login: "acme", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateOrg(ctx, &org); err != nil {
				return err
			}
			for i, u := range []*seatkeeper.User{&ann, &bob, &cy} {
				*u = seatkeeper.User{Login: fmt.Sprintf("u%d", i), CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				m := seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: "member", State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.PutMembership(ctx, m); err != nil {
					return err
				}
			}
			team = seatkeeper.Team{OrgID: org.ID, Name: "T", Privacy: "closed", NotificationSetting: "notifications_enabled", Permission: "pull", CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateTeam(ctx, &team); err != nil {
				return err
			}
			if err := tx.AddTeamMember(ctx, team.ID, cy.ID, "member", t2); err != nil {
				return err
			}
			direct = seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: ann.ID, CreatedAt: t0, UpdatedAt: t1}
			pending = seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: bob.ID, CreatedAt: t1, UpdatedAt: t2, PendingCancellationDate: &cancel}
			viaTeam = seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantTeam, TeamID: team.ID, CreatedAt: t1, UpdatedAt: t1}
			for _, g := range []*seatkeeper.Grant{&direct, &pending, &viaTeam} {
				if err := tx.PutGrant(ctx, g); err != nil {
					return err
				}
			}
			return nil
		})
		same := func(got, want seatkeeper.Grant) bool {
			samePending := (got.PendingCancellationDate == nil) == (want.PendingCancellationDate == nil) &&
				(got.PendingCancellationDate == nil || got.PendingCancellationDate.String() == want.PendingCancellationDate.String())
			return got.ID == want.ID && got.OrgID == want.OrgID && got.Kind == want.Kind && got.UserID == want.UserID &&
				got.TeamID == want.TeamID && got.CreatedAt.Equal(want.CreatedAt) && got.UpdatedAt.Equal(want.UpdatedAt) && samePending
		}
		tests := []struct {
			name  string
			users store.Users
			want  map[int64]seatkeeper.Grant
		}{
			{"the org", store.Users{}, map[int64]seatkeeper.Grant{ann.ID: direct, bob.ID: pending, cy.ID: viaTeam}},
			{"one user", store.OnlyUsers(bob.ID), map[int64]seatkeeper.Grant{bob.ID: pending}},
			{"a range", store.UserRange(ann.ID, bob.ID), map[int64]seatkeeper.Grant{ann.ID: direct, bob.ID: pending}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				reaches, err := st.OrgReachesOf(ctx, org.ID, tt.users)
				if err != nil {
					t.Fatal(err)
				}
				if len(reaches) != len(tt.want) {
					t.Fatalf("reaches for %d users, want %d: %+v", len(reaches), len(tt.want), reaches)
				}
				for userID, want := range tt.want {
					rs := reaches[userID]
					if len(rs) != 1 || !same(rs[0].Grant, want) {
						t.Fatalf("user %d: %+v, want %+v", userID, rs, want)
					}
					if want.Kind == seatkeeper.GrantTeam && (rs[0].Team == nil || rs[0].Team.ID != team.ID || !rs[0].JoinedAt.Equal(t2)) {
						t.Errorf("team reach %+v", rs[0])
					}
					if want.Kind == seatkeeper.GrantUser && (rs[0].Team != nil || !rs[0].JoinedAt.IsZero()) {
						t.Errorf("direct reach %+v", rs[0])
					}
				}
			})
		}
	})
}

// TestOrgMembersByLogin resolves lists of logins, some spanning several
// of the store's batches, and holds the answer to the rule name by name:
// the user UserByLogin finds, kept when Membership finds them in the org.
func TestOrgMembersByLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const n = 1200 // users; every fourth is an active member, every fourth invited
		var org, other seatkeeper.Organization
		var all []string
		mustTx(t, st, func(tx *store.Tx) error {
			org = seatkeeper.Organization{Login: "acme", CreatedAt: t0, UpdatedAt: t0}
			other = seatkeeper.Organization{Login: "other", CreatedAt: t0, UpdatedAt: t0}
			for _, g := range []*seatkeeper.Organization{&org, &other} {
				if err := tx.CreateOrg(ctx, g); err != nil {
					return err
				}
			}
			first, err := tx.ReserveIDs(ctx, store.SeqAccounts, n)
			if err != nil {
				return err
			}
			us := make([]seatkeeper.User, n)
			var ms []seatkeeper.Membership
			for i := range us {
				us[i] = seatkeeper.User{ID: first + int64(i), Login: fmt.Sprintf("User%04d", i), CreatedAt: t0, UpdatedAt: t0}
				all = append(all, us[i].Login)
				m := seatkeeper.Membership{OrgID: org.ID, UserID: us[i].ID, Role: "member", State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0}
				switch i % 4 {
				case 1:
					m.State = seatkeeper.StatePending
				case 2:
					m.OrgID = other.ID // a member elsewhere only
				case 3:
					continue // no org at all
				}
				ms = append(ms, m)
			}
			if err := tx.BulkUsers(ctx, us); err != nil {
				return err
			}
			return tx.BulkMemberships(ctx, ms)
		})
		// Every login in mixed spellings, each twice, with unknown names
		// between them: 3,600 names, eight batches.
		var mixed []string
		for i, l := range all {
			upper := strings.ToUpper(l)
			if i%2 == 1 {
				upper = strings.ToLower(l)
			}
			mixed = append(mixed, upper, fmt.Sprintf("ghost-%d", i))
		}
		mixed = append(mixed, all...)
		tests := []struct {
			name    string
			logins  []string
			members int
		}{
			{"no logins", nil, 0},
			{"an active member, in another case", []string{"USER0000"}, 1},
			{"an invited member", []string{"user0001"}, 1},
			{"a member elsewhere, no member, unknown", []string{"User0002", "User0003", "nobody"}, 0},
			{"every user, mixed case, duplicated, with unknown names", mixed, n / 2},
			{"the last batch's only member", append(slices.Repeat([]string{"nobody"}, 1000), "user1196"), 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.OrgMembersByLogin(ctx, org.ID, tt.logins)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]seatkeeper.User{}
				for _, l := range tt.logins {
					u, err := st.UserByLogin(ctx, l)
					if seatkeeper.IsNotFound(err) {
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
					if _, err := st.Membership(ctx, org.ID, u.ID); seatkeeper.IsNotFound(err) {
						continue
					} else if err != nil {
						t.Fatal(err)
					}
					want[seatkeeper.LoginKey(l)] = u
				}
				if len(want) != tt.members {
					t.Fatalf("the rule name by name finds %d members, want %d", len(want), tt.members)
				}
				if len(got) != len(want) {
					t.Errorf("%d members, want %d", len(got), len(want))
				}
				for k, u := range want {
					if g, ok := got[k]; !ok || g.ID != u.ID || g.Login != u.Login {
						t.Errorf("%s: got %+v (found %v), want %+v", k, g, ok, u)
					}
				}
			})
		}
	})
}
