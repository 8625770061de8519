package copilot

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// GitHub's messages for an enterprise's own seats.
const (
	MsgEnterpriseNotEnabled = "Copilot Business is not enabled for this enterprise."
	MsgNotEnterpriseMember  = "User does not exist in this enterprise."
	MsgNoEnterpriseSeat     = "No seat found for this user in this enterprise."
)

// EnterpriseSeats returns one row per seat in the enterprise at the
// clock's time: each of its organizations' seats and its own
// (enterprise-level) seats, so that a user seated in two orgs and at the
// enterprise appears three times, in list order: oldest first, then
// enterprise-level before an org's, then by org and user id. users counts
// distinct users, which is what GitHub reports as total_seats.
func (s *Service) EnterpriseSeats(ctx context.Context, ent seatkeeper.Enterprise) (rows []seatkeeper.Seat, users int, err error) {
	rows, err = s.enterpriseSeatsAt(ctx, ent, s.Clock.Now(), 0)
	return rows, DistinctHolders(rows), err
}

// EnterpriseSeatHolders lists the seats held in the enterprise on a UTC
// day, org-level and enterprise-level, in EnterpriseSeats' order: the
// seats the ledger gives at the day's last second (at the clock's time
// for today), each with its org (none for an enterprise-level seat) and
// plan. A user holding several seats appears once for each; the usage
// reports and the CLI's enterprise seat list build on it.
func (s *Service) EnterpriseSeatHolders(ctx context.Context, ent seatkeeper.Enterprise, day seatkeeper.Date) ([]seatkeeper.Seat, error) {
	at := day.AddDate(0, 0, 1).Add(-time.Second)
	if now := s.Clock.Now(); now.Before(at) {
		at = now
	}
	return s.enterpriseSeatsAt(ctx, ent, at, 0)
}

// DistinctHolders counts the users holding the seats, each once.
func DistinctHolders(seats []seatkeeper.Seat) int {
	distinct := map[int64]bool{}
	for _, seat := range seats {
		distinct[seat.User.ID] = true
	}
	return len(distinct)
}

// EnterpriseMemberSeats answers GET /enterprises/{enterprise}/members/{username}/copilot:
// every seat the user holds in the enterprise, in its orgs and at the
// enterprise, checking in the org route's order: 422 when neither the
// enterprise nor any org of it has Copilot; 404 for an unknown user, one
// who is not a member, or one with no seat.
func (s *Service) EnterpriseMemberSeats(ctx context.Context, ent seatkeeper.Enterprise, username string) ([]seatkeeper.Seat, error) {
	enabled, err := s.copilotInEnterprise(ctx, ent)
	if err != nil {
		return nil, err
	}
	if !enabled {
		return nil, seatkeeper.Errorf(seatkeeper.KindInvalid, MsgEnterpriseNotEnabled).WithDoc(DocPlans)
	}
	user, err := s.Store.UserByLogin(ctx, username)
	if err != nil {
		return nil, err // Not Found
	}
	member, err := s.Store.IsEnterpriseMember(ctx, ent.ID, user.ID)
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNotEnterpriseMember)
	}
	seats, err := s.enterpriseSeatsAt(ctx, ent, s.Clock.Now(), user.ID)
	if err == nil && len(seats) == 0 {
		err = seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNoEnterpriseSeat)
	}
	return seats, err
}

// copilotInEnterprise reports whether the enterprise or any org of it has
// Copilot enabled.
func (s *Service) copilotInEnterprise(ctx context.Context, ent seatkeeper.Enterprise) (bool, error) {
	if _, err := s.Store.EnterpriseSubscription(ctx, ent.ID); err == nil || !seatkeeper.IsNotFound(err) {
		return err == nil, err
	}
	orgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return false, err
	}
	for _, org := range orgs {
		if _, err := s.Store.Subscription(ctx, org.ID); err == nil || !seatkeeper.IsNotFound(err) {
			return err == nil, err
		}
	}
	return false, nil
}

// enterpriseSeatsAt reads the enterprise's seats at at from the ledger
// (one user's when userID is not 0), whole and in list order.
func (s *Service) enterpriseSeatsAt(ctx context.Context, ent seatkeeper.Enterprise, at time.Time, userID int64) ([]seatkeeper.Seat, error) {
	var rows []seatkeeper.Seat
	sub, err := s.Store.EnterpriseSubscription(ctx, ent.ID)
	switch {
	case err == nil:
		ledger, err := s.Store.EnterpriseLedgerSeats(ctx, ent.ID, at, userID)
		if err != nil {
			return nil, err
		}
		if rows, err = wholeSeats(ctx, s.Store, seatkeeper.Organization{}, sub, ledger); err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].Enterprise = &ent
		}
	case !seatkeeper.IsNotFound(err):
		return nil, err
	}
	orgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	for _, org := range orgs {
		sub, err := s.Store.Subscription(ctx, org.ID)
		if seatkeeper.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		seats, err := ledgerSeats(ctx, s.Store, org, sub, store.SeatQuery{OrgID: org.ID, At: at, State: seatkeeper.StateActive, UserID: userID})
		if err != nil {
			return nil, err
		}
		rows = append(rows, seats...)
	}
	slices.SortStableFunc(rows, func(a, b seatkeeper.Seat) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Org.ID, b.Org.ID), cmp.Compare(a.User.ID, b.User.ID))
	})
	return rows, complete(ctx, s.Store, rows)
}

// manageEnterprise runs one of the enterprise-level seat writes: one
// transaction under the enterprise's lock, at the clock's time, after
// GitHub's setup checks of the enterprise's own subscription.
func (s *Service) manageEnterprise(ctx context.Context, ent seatkeeper.Enterprise,
	fn func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error) error {
	return s.Store.LockedTx(ctx, store.EnterpriseLock(ent.ID), func(tx *store.Tx) error {
		sub, err := tx.EnterpriseSubscription(ctx, ent.ID)
		if seatkeeper.IsNotFound(err) {
			return seatkeeper.Errorf(seatkeeper.KindInvalid, MsgEnterpriseNotEnabled).WithDoc(DocPlans)
		}
		if err != nil {
			return err
		}
		if err := manageable(sub, "enterprise"); err != nil {
			return err
		}
		return fn(tx, sub, s.Clock.Now())
	})
}

// enterpriseUsers resolves logins to enterprise members, failing with
// GitHub's 404 naming every login that is not one.
func enterpriseUsers(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, logins []string) ([]seatkeeper.User, error) {
	return resolveNames(logins, "One or more users do not exist in this enterprise: ", func(login string) (seatkeeper.User, int64, error) {
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return u, 0, err
		}
		member, err := tx.IsEnterpriseMember(ctx, ent.ID, u.ID)
		if err == nil && !member {
			err = seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNotEnterpriseMember)
		}
		return u, u.ID, err
	})
}

// enterpriseTeams resolves names (or slugs) to the enterprise's teams,
// failing with GitHub's 404 naming every one that is not found.
func enterpriseTeams(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, names []string) ([]seatkeeper.EnterpriseTeam, error) {
	return resolveNames(names, "One or more enterprise teams do not exist in this enterprise: ", func(name string) (seatkeeper.EnterpriseTeam, int64, error) {
		t, err := tx.EnterpriseTeamByNameOrSlug(ctx, ent.ID, name)
		return t, t.ID, err
	})
}

// entEvent is the audit entry of a change to an enterprise's own seats.
func entEvent(ent seatkeeper.Enterprise, now time.Time, action, subject string, details map[string]any) audit.Event {
	details["enterprise"] = ent.Slug
	return audit.Event{At: now, Action: action, Subject: subject, Details: details}
}

// grantAtEnterprise creates an enterprise-level grant at now, or revives a
// pending one (keeping when it was first granted), and records it.
func grantAtEnterprise(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, g seatkeeper.Grant, st grantState, now time.Time,
	action, subject string, details map[string]any) error {
	if st != grantPending {
		g.CreatedAt = now
	}
	g.EnterpriseID, g.UpdatedAt, g.PendingCancellationDate = ent.ID, now, nil
	if err := tx.PutEnterpriseGrant(ctx, &g); err != nil {
		return err
	}
	details["revived"] = st == grantPending
	return audit.Record(ctx, tx, entEvent(ent, now, action, subject, details))
}

// cancelAtEnterprise sets an enterprise-level grant to end when the
// enterprise's next billing cycle starts, and records it.
func cancelAtEnterprise(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, g seatkeeper.Grant, sub seatkeeper.Subscription,
	now time.Time, action, subject string, details map[string]any) error {
	d := seatkeeper.NextCycleStart(sub.BillingCycleDay, now)
	g.UpdatedAt, g.PendingCancellationDate = now, &d
	if err := tx.PutEnterpriseGrant(ctx, &g); err != nil {
		return err
	}
	details["pending_cancellation_date"] = d.String()
	return audit.Record(ctx, tx, entEvent(ent, now, action, subject, details))
}

// AddEnterpriseUsers grants seats at the enterprise to enterprise members,
// as POST /enterprises/{enterprise}/copilot/billing/selected_users does,
// and returns seats_created: new grants and refreshed (revived) ones; a
// member who already holds a firm grant is not counted. All or nothing.
func (s *Service) AddEnterpriseUsers(ctx context.Context, ent seatkeeper.Enterprise, logins []string) (created int, err error) {
	err = s.manageEnterprise(ctx, ent, func(tx *store.Tx, _ seatkeeper.Subscription, now time.Time) error {
		created = 0
		users, err := enterpriseUsers(ctx, tx, ent, dedupe(logins))
		if err != nil {
			return err
		}
		for _, u := range users {
			g, err := tx.EnterpriseUserGrant(ctx, ent.ID, u.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			if st == grantFirm {
				continue
			}
			g.Kind, g.UserID = seatkeeper.GrantUser, u.ID
			if err := grantAtEnterprise(ctx, tx, ent, g, st, now, audit.SeatAssigned, u.Login, map[string]any{}); err != nil {
				return err
			}
			created++
		}
		return nil
	})
	return created, err
}

// CancelEnterpriseUsers sets members' enterprise-level direct seats
// pending cancellation until the enterprise's next billing cycle, as
// DELETE /enterprises/{enterprise}/copilot/billing/selected_users does,
// and returns seats_cancelled. A seat held at the enterprise only through
// an enterprise team cannot be cancelled this way (422); members already
// pending or holding no such seat count 0. All or nothing.
func (s *Service) CancelEnterpriseUsers(ctx context.Context, ent seatkeeper.Enterprise, logins []string) (cancelled int, err error) {
	err = s.manageEnterprise(ctx, ent, func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error {
		cancelled = 0
		users, err := enterpriseUsers(ctx, tx, ent, dedupe(logins))
		if err != nil {
			return err
		}
		type cancellation struct {
			g     seatkeeper.Grant
			login string
		}
		var firm []cancellation
		for _, u := range users {
			g, err := tx.EnterpriseUserGrant(ctx, ent.ID, u.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			switch st {
			case grantFirm:
				firm = append(firm, cancellation{g, u.Login})
			case grantNone:
				reaches, err := tx.EnterpriseReachesOf(ctx, ent.ID, store.OnlyUsers(u.ID))
				if err != nil {
					return err
				}
				if chosen, _, ok := seatkeeper.ResolveSeat(reaches[u.ID], now); ok && chosen.ETeam != nil {
					return seatkeeper.Errorf(seatkeeper.KindInvalid,
						"Seat assignment could not be cancelled: user %s was assigned via team %s.", u.Login, chosen.ETeam.Name)
				}
			}
		}
		for _, c := range firm {
			if err := cancelAtEnterprise(ctx, tx, ent, c.g, sub, now, audit.SeatCancelled, c.login, map[string]any{}); err != nil {
				return err
			}
		}
		cancelled = len(firm)
		return nil
	})
	return cancelled, err
}

// AddEnterpriseTeams grants seats at the enterprise to enterprise teams,
// as POST /enterprises/{enterprise}/copilot/billing/selected_enterprise_teams
// does, and returns seats_created: each newly granted (or revived) team's
// number of members. A team with no members is refused (404). All or
// nothing.
func (s *Service) AddEnterpriseTeams(ctx context.Context, ent seatkeeper.Enterprise, names []string) (created int, err error) {
	err = s.manageEnterprise(ctx, ent, func(tx *store.Tx, _ seatkeeper.Subscription, now time.Time) error {
		created = 0
		teams, err := enterpriseTeams(ctx, tx, ent, names)
		if err != nil {
			return err
		}
		for _, t := range teams {
			members, err := tx.EnterpriseTeamMemberIDs(ctx, t.ID)
			if err != nil {
				return err
			}
			if len(members) == 0 {
				return seatkeeper.Errorf(seatkeeper.KindNotFound, "Team %s has no members", t.Name)
			}
			g, err := tx.EnterpriseTeamGrant(ctx, ent.ID, t.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			if st == grantFirm {
				continue
			}
			g.Kind, g.EnterpriseTeamID = seatkeeper.GrantEnterpriseTeam, t.ID
			if err := grantAtEnterprise(ctx, tx, ent, g, st, now, audit.TeamAssigned, t.Slug, map[string]any{"members": len(members)}); err != nil {
				return err
			}
			created += len(members)
		}
		return nil
	})
	return created, err
}

// CancelEnterpriseTeams sets enterprise teams' enterprise-level grants
// pending cancellation, as DELETE
// /enterprises/{enterprise}/copilot/billing/selected_enterprise_teams does,
// and returns seats_cancelled: each cancelled team's number of members. A
// member also seated through another grant keeps that seat. Teams without
// a firm grant count 0. All or nothing.
func (s *Service) CancelEnterpriseTeams(ctx context.Context, ent seatkeeper.Enterprise, names []string) (cancelled int, err error) {
	err = s.manageEnterprise(ctx, ent, func(tx *store.Tx, sub seatkeeper.Subscription, now time.Time) error {
		cancelled = 0
		teams, err := enterpriseTeams(ctx, tx, ent, names)
		if err != nil {
			return err
		}
		for _, t := range teams {
			g, err := tx.EnterpriseTeamGrant(ctx, ent.ID, t.ID)
			st, err := stateOf(g, err, now)
			if err != nil {
				return err
			}
			if st != grantFirm {
				continue
			}
			members, err := tx.EnterpriseTeamMemberIDs(ctx, t.ID)
			if err != nil {
				return err
			}
			if err := cancelAtEnterprise(ctx, tx, ent, g, sub, now, audit.TeamCancelled, t.Slug, map[string]any{"members": len(members)}); err != nil {
				return err
			}
			cancelled += len(members)
		}
		return nil
	})
	return cancelled, err
}

// RecordEnterpriseActivity records a user's last Copilot use of their
// enterprise-level seat, as RecordActivity does for an org's seat: 404
// unless they hold one at the clock's time.
func (s *Service) RecordEnterpriseActivity(ctx context.Context, ent seatkeeper.Enterprise, username string, a seatkeeper.Activity) (seatkeeper.Seat, error) {
	var seat seatkeeper.Seat
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		user, err := tx.UserByLogin(ctx, username)
		if err != nil {
			return err
		}
		rows, err := tx.EnterpriseLedgerSeats(ctx, ent.ID, s.Clock.Now(), user.ID)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, MsgNoEnterpriseSeat)
		}
		if err := tx.PutEnterpriseActivity(ctx, ent.ID, user.ID, a); err != nil {
			return err
		}
		seat = seatkeeper.Seat{User: user, Enterprise: &ent, CreatedAt: rows[0].CreatedAt, UpdatedAt: rows[0].UpdatedAt,
			PendingCancellationDate: rows[0].PendingCancellationDate, Activity: a}
		return nil
	})
	return seat, err
}
