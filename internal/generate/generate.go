// Package generate writes large synthetic data sets (organizations, users,
// teams, seats, activity, tokens) into a store, for benchmarks and load
// tests. The data are deterministic for a given Options.
package generate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Options shape a data set.
type Options struct {
	Orgs           int   // organizations, named gen-org-0001 ...
	SeatsPerOrg    int   // members with a seat in each org
	TokensPerOrg   int   // owner tokens per org (see Token)
	Seed           int64 // random seed for activity and cancellations
	TeamShare      int   // percent of seats held through a team grant (default 10)
	ActiveShare    int   // percent of seats with recorded activity (default 70)
	CancelledShare int   // percent of direct seats pending cancellation (default 5)
	// UsageDays, when set, gives the active seats that many days of Copilot
	// usage events before now (usage.go), from which their activity is
	// taken, and pull requests on some of their active days; 0 writes none.
	UsageDays int

	// Progress, when set, is called after each organization is written
	// with the number written so far.
	Progress func(orgs int)
}

// Org returns the login of the i-th generated organization (from 0).
func Org(i int) string { return fmt.Sprintf("gen-org-%04d", i) }

// Member returns the login of the j-th member of the i-th organization.
func Member(i, j int) string { return fmt.Sprintf("gen-%04d-u%07d", i, j) }

// Owner returns the login of the i-th organization's owner.
func Owner(i int) string { return fmt.Sprintf("gen-%04d-owner", i) }

// Token returns the k-th owner token of the i-th organization: a classic
// token with read:org and manage_billing:copilot.
func Token(i, k int) string { return fmt.Sprintf("ghp_gen%04dtoken%04d", i, k) }

// Generate writes the data set, one transaction per organization, at now.
func Generate(ctx context.Context, st *store.Store, o Options, now time.Time) error {
	if o.TeamShare == 0 {
		o.TeamShare = 10
	}
	if o.ActiveShare == 0 {
		o.ActiveShare = 70
	}
	if o.CancelledShare == 0 {
		o.CancelledShare = 5
	}
	if o.TokensPerOrg == 0 {
		o.TokensPerOrg = 1
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5ea7))
	for i := range o.Orgs {
		if err := st.Tx(ctx, func(tx *store.Tx) error { return generateOrg(ctx, tx, o, i, rng, now) }); err != nil {
			return fmt.Errorf("generate %s: %w", Org(i), err)
		}
		if o.Progress != nil {
			o.Progress(i + 1)
		}
	}
	// A bulk load: the query planner's statistics, taken anew.
	return st.Analyze(ctx)
}

func generateOrg(ctx context.Context, tx *store.Tx, o Options, i int, rng *rand.Rand, now time.Time) error {
	org := seatkeeper.Organization{Login: Org(i), Description: "A generated organization.", CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateOrg(ctx, &org); err != nil {
		return err
	}
	sub := seatkeeper.DefaultSubscription()
	sub.OrgID, sub.PublicCodeSuggestions, sub.CreatedAt, sub.UpdatedAt = org.ID, seatkeeper.PolicyAllow, now, now
	if err := tx.PutSubscription(ctx, sub); err != nil {
		return err
	}

	n := o.SeatsPerOrg
	first, err := tx.ReserveIDs(ctx, store.SeqAccounts, int64(n+1))
	if err != nil {
		return err
	}
	users := make([]seatkeeper.User, n+1)
	members := make([]seatkeeper.Membership, n+1)
	for j := range users {
		login := Member(i, j-1)
		role := seatkeeper.RoleMember
		if j == 0 {
			login, role = Owner(i), seatkeeper.RoleAdmin
		}
		id := first + int64(j)
		users[j] = seatkeeper.User{ID: id, Login: login, CreatedAt: now, UpdatedAt: now}
		members[j] = seatkeeper.Membership{OrgID: org.ID, UserID: id, Role: role, State: seatkeeper.StateActive, CreatedAt: now, UpdatedAt: now}
	}
	if err := tx.BulkUsers(ctx, users); err != nil {
		return err
	}
	if err := tx.BulkMemberships(ctx, members); err != nil {
		return err
	}

	// Members 0..viaTeam-1 hold their seat through one team; the rest directly.
	viaTeam := n * o.TeamShare / 100
	seatStart := now.AddDate(0, -6, 0)
	span := int64(now.Sub(seatStart) / time.Second)
	if viaTeam > 0 {
		team := seatkeeper.Team{OrgID: org.ID, Name: "Generated Team", Privacy: "closed",
			NotificationSetting: "notifications_enabled", Permission: "pull", CreatedAt: seatStart, UpdatedAt: seatStart}
		if err := tx.CreateTeam(ctx, &team); err != nil {
			return err
		}
		ids := make([]int64, viaTeam)
		for j := range ids {
			ids[j] = users[j+1].ID
		}
		if err := tx.BulkTeamMembers(ctx, team.ID, ids, seatStart.Unix()); err != nil {
			return err
		}
		g := seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantTeam, TeamID: team.ID, CreatedAt: seatStart, UpdatedAt: seatStart}
		if err := tx.PutGrant(ctx, &g); err != nil {
			return err
		}
	}
	direct := n - viaTeam
	gid, err := tx.ReserveIDs(ctx, store.SeqGrants, int64(direct))
	if err != nil {
		return err
	}
	cancelDate := seatkeeper.NextCycleStart(sub.BillingCycleDay, now)
	grants := make([]seatkeeper.Grant, direct)
	for k := range grants {
		created := seatStart.Add(time.Duration(rng.Int64N(span)) * time.Second)
		g := seatkeeper.Grant{ID: gid + int64(k), OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: users[1+viaTeam+k].ID,
			CreatedAt: created, UpdatedAt: created}
		if rng.IntN(100) < o.CancelledShare {
			g.PendingCancellationDate = &cancelDate
		}
		grants[k] = g
	}
	if err := tx.BulkGrants(ctx, grants); err != nil {
		return err
	}
	editors := []string{"vscode/1.99.3/copilot-chat/0.26.7", "JetBrains-IC/2024.1/copilot-intellij/1.5.0", "vim/9.1/copilot.vim/1.40.0"}
	acts := map[int64]seatkeeper.Activity{}
	for j := 1; j <= n; j++ {
		if rng.IntN(100) < o.ActiveShare {
			at := now.Add(-time.Duration(rng.Int64N(90*24*3600)) * time.Second)
			acts[users[j].ID] = seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: editors[rng.IntN(len(editors))]}
		}
	}
	if o.UsageDays > 0 {
		if err := generateUsage(ctx, tx, org.ID, users[1:], acts, o.UsageDays, rng, now); err != nil {
			return err
		}
	}
	if err := tx.BulkActivity(ctx, org.ID, acts); err != nil {
		return err
	}
	for k := range o.TokensPerOrg {
		tok := Token(i, k)
		t := seatkeeper.Token{Kind: seatkeeper.TokenClassic, Hash: auth.Hash(tok), Hint: auth.Hint(tok), UserID: users[0].ID,
			Scopes: []string{"read:org", "manage_billing:copilot"}, CreatedAt: now}
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
	}
	return nil
}
