package copilot

import (
	"context"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Documentation for the seat-management setup checks.
const (
	DocSuggestionPolicy = "https://docs.github.com/copilot/managing-copilot/managing-github-copilot-in-your-organization/managing-policies-for-copilot-in-your-organization#policies-for-suggestion-matching"
	DocAccessPolicy     = "https://docs.github.com/copilot/managing-copilot/managing-github-copilot-in-your-organization/managing-access-to-github-copilot-in-your-organization"
)

// checkManageable applies GitHub's setup checks for the seat-management
// writes, in GitHub's order, failing with the first that does not pass.
func checkManageable(ctx context.Context, r Reader, orgID int64) (seatkeeper.Subscription, error) {
	sub, err := subscription(ctx, r, orgID)
	if err != nil {
		return sub, err
	}
	return sub, Manageable(sub)
}

// Manageable applies the setup checks of checkManageable to a
// subscription already read: nil when its seats may be assigned and
// cancelled, else GitHub's 422. The dashboard checks it before asking to
// confirm.
func Manageable(sub seatkeeper.Subscription) error { return manageable(sub, "organization") }

// manageable is Manageable for the subscription of an account of the
// given kind ("organization" or "enterprise"), which GitHub's texts name.
func manageable(sub seatkeeper.Subscription, account string) error {
	var msg, doc string
	switch {
	case sub.PublicCodeSuggestions == seatkeeper.PolicyUnconfigured:
		msg, doc = "An %[1]s owner must configure a public code suggestions policy for this %[1]s.", DocSuggestionPolicy
	case sub.SeatManagementSetting == seatkeeper.SeatsUnconfigured:
		msg, doc = "Your %[1]s has access to GitHub Copilot but has not configured its user access policy. Enable access for selected members in order to manage seats via the API.", DocAccessPolicy
	case sub.SeatManagementSetting == seatkeeper.SeatsAssignAll:
		msg, doc = "Your %[1]s has enabled Copilot access for all members. Enable access for selected members in order to manage seats via the API.", DocAccessPolicy
	case sub.SeatManagementSetting == seatkeeper.SeatsDisabled:
		msg, doc = "Your %[1]s has disabled Copilot access for all members. Enable access for selected members in order to manage seats via the API.", DocAccessPolicy
	default:
		return nil
	}
	return seatkeeper.Errorf(seatkeeper.KindInvalid, msg, account).WithDoc(doc)
}

// manage runs one of the seat-management writes: one transaction under
// the org's lock, at the clock's time, after GitHub's setup checks.
func (s *Service) manage(ctx context.Context, org seatkeeper.Organization,
	fn func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error) error {
	return s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		sub, err := checkManageable(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		return fn(tx, sub, s.Clock.Now())
	})
}

// dedupe drops repeated names, ignoring case, keeping the first spelling.
func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if k := seatkeeper.LoginKey(n); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// orgUsers resolves logins to org members (active or invited), failing
// with GitHub's 404 naming every login that is not one. The members are
// read in one batch, not name by name.
func orgUsers(ctx context.Context, tx *store.Tx, orgID int64, logins []string) ([]seatkeeper.User, error) {
	members, err := tx.OrgMembersByLogin(ctx, orgID, logins)
	if err != nil {
		return nil, err
	}
	return resolveNames(logins, "One or more users do not exist in this organization: ", func(login string) (seatkeeper.User, int64, error) {
		u, ok := members[seatkeeper.LoginKey(login)]
		if !ok {
			return u, 0, seatkeeper.Errorf(seatkeeper.KindNotFound, "user %s", login)
		}
		return u, u.ID, nil
	})
}

// userGrants reads the org's direct grants to users in one batch, by user
// id.
func userGrants(ctx context.Context, tx *store.Tx, orgID int64, users []seatkeeper.User) (map[int64]seatkeeper.Grant, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return tx.UserGrants(ctx, orgID, ids)
}

// orgTeams resolves team names (or slugs) to the org's teams, failing with
// GitHub's 404 naming every one that is not found.
func orgTeams(ctx context.Context, tx *store.Tx, orgID int64, names []string) ([]seatkeeper.Team, error) {
	return resolveNames(names, "One or more teams do not exist in this organization: ", func(name string) (seatkeeper.Team, int64, error) {
		t, err := tx.TeamByNameOrSlug(ctx, orgID, name)
		return t, t.ID, err
	})
}

// resolveNames finds what each name names (find: the thing, its id, a
// not-found error when there is none), each thing once, failing with a
// 404 of missing followed by every name not found.
func resolveNames[T any](names []string, missing string, find func(name string) (T, int64, error)) ([]T, error) {
	var out []T
	var unknown []string
	seen := map[int64]bool{}
	for _, name := range names {
		v, id, err := find(name)
		switch {
		case seatkeeper.IsNotFound(err):
			unknown = append(unknown, name)
		case err != nil:
			return nil, err
		case !seen[id]:
			seen[id] = true
			out = append(out, v)
		}
	}
	if len(unknown) > 0 {
		return nil, seatkeeper.Errorf(seatkeeper.KindNotFound, "%s%s", missing, strings.Join(unknown, ", "))
	}
	return out, nil
}

// grantState classifies an existing grant at now.
type grantState int

const (
	grantNone    grantState = iota // no grant, or one whose cancellation took effect
	grantPending                   // live, pending cancellation
	grantFirm                      // live, not pending
)

func stateOf(g seatkeeper.Grant, err error, now time.Time) (grantState, error) {
	switch {
	case seatkeeper.IsNotFound(err):
		return grantNone, nil
	case err != nil:
		return grantNone, err
	}
	return heldState(g, true, now), nil
}

// heldState classifies a grant at now that is held (found), or none.
func heldState(g seatkeeper.Grant, held bool, now time.Time) grantState {
	switch {
	case !held, g.Lapsed(now):
		return grantNone
	case g.PendingCancellationDate != nil:
		return grantPending
	}
	return grantFirm
}

// grantTo creates a grant at now, or revives a pending one (keeping when
// it was first granted), as GitHub's "refresh", and records it: the
// assignment now, and no end any more (action expired) for a revived one.
func grantTo(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, g seatkeeper.Grant, state grantState, now time.Time,
	action, expired, subject string, details map[string]any) error {
	if state != grantPending {
		g.CreatedAt = now
	}
	g.UpdatedAt, g.PendingCancellationDate = now, nil
	if err := tx.PutGrant(ctx, &g); err != nil {
		return err
	}
	details["revived"] = state == grantPending
	if err := audit.Record(ctx, tx, audit.Event{At: now, Action: action, Org: &org, Subject: subject, Details: details}); err != nil {
		return err
	}
	return audit.Unschedule(ctx, tx, expired, org, subject, now)
}

// cancel marks a grant to end when the next billing cycle starts, and
// records it: the cancellation now, the end (action expired) at its date.
func cancel(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, g seatkeeper.Grant, sub seatkeeper.Subscription,
	now time.Time, cancelled, expired, subject string, details map[string]any) error {
	d := seatkeeper.NextCycleStart(sub.BillingCycleDay, now)
	g.UpdatedAt, g.PendingCancellationDate = now, &d
	if err := tx.PutGrant(ctx, &g); err != nil {
		return err
	}
	details["pending_cancellation_date"] = d.String()
	if err := audit.Record(ctx, tx, audit.Event{At: now, Action: cancelled, Org: &org, Subject: subject, Details: details}); err != nil {
		return err
	}
	return audit.Schedule(ctx, tx, expired, org, subject, d)
}

// AddUsers grants seats directly to org members, as POST
// /orgs/{org}/copilot/billing/selected_users does, and returns
// seats_created: new grants and revived pending ones; a member who already
// holds a firm direct grant is not counted. All or nothing.
func (s *Service) AddUsers(ctx context.Context, org seatkeeper.Organization, logins []string) (created int, err error) {
	err = s.manage(ctx, org, func(tx *store.Tx, _ seatkeeper.Subscription, now time.Time) error {
		created = 0
		users, err := orgUsers(ctx, tx, org.ID, dedupe(logins))
		if err != nil {
			return err
		}
		grants, err := userGrants(ctx, tx, org.ID, users)
		if err != nil {
			return err
		}
		// Sorted into three kinds of write, each done once for the request:
		// new grants inserted, pending ones revived (keeping when they were
		// first granted), ended ones renewed as of now.
		var fresh []seatkeeper.Grant
		var revive, renew []int64
		var revived []string
		var events []audit.Event
		for _, u := range users {
			g, held := grants[u.ID]
			st := heldState(g, held, now)
			switch {
			case st == grantFirm:
				continue
			case st == grantPending:
				revive = append(revive, g.ID)
				revived = append(revived, u.Login)
			case held: // a grant whose cancellation took effect
				renew = append(renew, g.ID)
			default:
				fresh = append(fresh, seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantUser, UserID: u.ID, CreatedAt: now, UpdatedAt: now})
			}
			events = append(events, audit.Event{At: now, Action: audit.SeatAssigned, Org: &org, Subject: u.Login,
				Details: map[string]any{"revived": st == grantPending}})
			created++
		}
		if len(fresh) > 0 {
			first, err := tx.ReserveIDs(ctx, store.SeqGrants, int64(len(fresh)))
			if err != nil {
				return err
			}
			for i := range fresh {
				fresh[i].ID = first + int64(i)
			}
			if err := tx.BulkGrants(ctx, fresh); err != nil {
				return err
			}
		}
		if err := tx.ReviveGrants(ctx, revive, now, false); err != nil {
			return err
		}
		if err := tx.ReviveGrants(ctx, renew, now, true); err != nil {
			return err
		}
		if err := tx.UnscheduleAll(ctx, org.ID, audit.SeatExpired, revived, now); err != nil {
			return err
		}
		return audit.RecordAll(ctx, tx, events)
	})
	return created, err
}

// CancelUsers sets members' direct seats pending cancellation, as DELETE
// /orgs/{org}/copilot/billing/selected_users does, and returns
// seats_cancelled. A seat held only through a team cannot be cancelled
// this way (422); members already pending or holding no seat count 0. All
// or nothing: every name is checked before anything changes.
func (s *Service) CancelUsers(ctx context.Context, org seatkeeper.Organization, logins []string) (cancelled int, err error) {
	err = s.manage(ctx, org, func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error {
		cancelled = 0
		users, err := orgUsers(ctx, tx, org.ID, dedupe(logins))
		if err != nil {
			return err
		}
		grants, err := userGrants(ctx, tx, org.ID, users)
		if err != nil {
			return err
		}
		type cancellation struct {
			g     seatkeeper.Grant
			login string
		}
		var firm []cancellation
		for _, u := range users {
			g, held := grants[u.ID]
			switch heldState(g, held, now) {
			case grantFirm:
				firm = append(firm, cancellation{g, u.Login})
			case grantNone:
				if team, ok, err := teamHolding(ctx, tx, org.ID, u.ID, now); err != nil {
					return err
				} else if ok {
					return seatkeeper.Errorf(seatkeeper.KindInvalid,
						"Seat assignment could not be cancelled: user %s was assigned via team %s.", u.Login, team)
				}
			}
		}
		// One update and one batch of audit entries, however many seats.
		d := seatkeeper.NextCycleStart(sub.BillingCycleDay, now)
		ids := make([]int64, len(firm))
		events := make([]audit.Event, 0, 2*len(firm))
		for i, c := range firm {
			ids[i] = c.g.ID
			events = append(events,
				audit.Event{At: now, Action: audit.SeatCancelled, Org: &org, Subject: c.login,
					Details: map[string]any{"pending_cancellation_date": d.String()}},
				audit.Event{At: d.Time, Action: audit.SeatExpired, Org: &org, Subject: c.login,
					Details: map[string]any{"pending_cancellation_date": d.String()}})
		}
		if err := tx.CancelGrants(ctx, ids, d, now); err != nil {
			return err
		}
		if err := audit.RecordAll(ctx, tx, events); err != nil {
			return err
		}
		cancelled = len(firm)
		return nil
	})
	return cancelled, err
}

// teamHolding names the team through which a live grant reaches the user
// (the oldest such grant), if any.
func teamHolding(ctx context.Context, tx *store.Tx, orgID, userID int64, now time.Time) (string, bool, error) {
	reaches, err := tx.Reaches(ctx, orgID, userID)
	if err != nil {
		return "", false, err
	}
	var teamReaches []seatkeeper.Reach
	for _, r := range reaches {
		if r.Team != nil || r.ETeam != nil {
			teamReaches = append(teamReaches, r)
		}
	}
	chosen, _, ok := seatkeeper.ResolveSeat(teamReaches, now)
	switch {
	case !ok:
		return "", false, nil
	case chosen.Team != nil:
		return chosen.Team.Name, true, nil
	default:
		return chosen.ETeam.Name, true, nil
	}
}

// AddTeams grants seats to teams, as POST
// /orgs/{org}/copilot/billing/selected_teams does, and returns
// seats_created: for every team newly granted (or revived), its number of
// members, counted as GitHub counts them even if some already held seats.
// A team with no members is refused (404). All or nothing.
func (s *Service) AddTeams(ctx context.Context, org seatkeeper.Organization, names []string) (created int, err error) {
	err = s.manage(ctx, org, func(tx *store.Tx, _ seatkeeper.Subscription, now time.Time) error {
		created = 0
		teams, err := orgTeams(ctx, tx, org.ID, names)
		if err != nil {
			return err
		}
		type change struct {
			g       seatkeeper.Grant
			st      grantState
			members int
			slug    string
		}
		var changes []change
		for _, t := range teams {
			members, err := tx.TeamSubtreeUserIDs(ctx, t.ID)
			if err != nil {
				return err
			}
			if len(members) == 0 {
				return seatkeeper.Errorf(seatkeeper.KindNotFound, "Team %s has no members", t.Name)
			}
			g, err := tx.TeamGrant(ctx, org.ID, t.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			if st == grantFirm {
				continue
			}
			g.OrgID, g.Kind, g.TeamID = org.ID, seatkeeper.GrantTeam, t.ID
			changes = append(changes, change{g, st, len(members), t.Slug})
		}
		for _, c := range changes {
			if err := grantTo(ctx, tx, org, c.g, c.st, now, audit.TeamAssigned, audit.TeamExpired, c.slug,
				map[string]any{"members": c.members}); err != nil {
				return err
			}
			created += c.members
		}
		return nil
	})
	return created, err
}

// CancelTeams sets teams' grants pending cancellation, as DELETE
// /orgs/{org}/copilot/billing/selected_teams does, and returns
// seats_cancelled: each cancelled team's number of members. Teams without
// a firm grant count 0. All or nothing.
func (s *Service) CancelTeams(ctx context.Context, org seatkeeper.Organization, names []string) (cancelled int, err error) {
	err = s.manage(ctx, org, func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error {
		cancelled = 0
		teams, err := orgTeams(ctx, tx, org.ID, names)
		if err != nil {
			return err
		}
		for _, t := range teams {
			g, err := tx.TeamGrant(ctx, org.ID, t.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			if st != grantFirm {
				continue
			}
			members, err := tx.TeamSubtreeUserIDs(ctx, t.ID)
			if err != nil {
				return err
			}
			if err := cancel(ctx, tx, org, g, sub, now, audit.TeamCancelled, audit.TeamExpired, t.Slug,
				map[string]any{"members": len(members)}); err != nil {
				return err
			}
			cancelled += len(members)
		}
		return nil
	})
	return cancelled, err
}
