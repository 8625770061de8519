package copilot

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// RecordUsage records usage events (each naming its user by Login) in
// org, in one transaction: every user must have held a seat in org at
// the event's time, which must not be after the clock's (422 otherwise,
// and nothing is recorded). Each user's seat takes the activity of their
// latest event (last_activity_at and last_activity_editor) when it is
// later than the seat's, through the same write as RecordActivity.
//
// Pull-request events (prs) go to org's repositories in the same
// transaction, under the same rule: each user held a seat in org then.
// They move no seat's activity: they are the repository's, not an
// editor's.
func (s *Service) RecordUsage(ctx context.Context, org seatkeeper.Organization, events []seatkeeper.UsageEvent, prs []seatkeeper.PullRequestEvent) (int, error) {
	now := s.Clock.Now()
	return len(events) + len(prs), s.Store.Tx(ctx, func(tx *store.Tx) error {
		for i := range prs {
			if err := checkPullRequest(i, prs[i], org, now); err != nil {
				return err
			}
			seat, err := seatOf(ctx, tx, org, prs[i].Login, prs[i].At)
			if seatkeeper.IsNotFound(err) {
				return seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d]: %s held no Copilot seat in %s at %s.", i, prs[i].Login, org.Login, prs[i].At.Format(time.RFC3339))
			}
			if err != nil {
				return err
			}
			prs[i].UserID = seat.User.ID
		}
		if len(prs) > 0 {
			if err := tx.AddPullRequests(ctx, org.ID, prs); err != nil {
				return err
			}
		}
		if len(events) == 0 {
			return nil
		}
		return recordOrgUsage(ctx, tx, org, events, now)
	})
}

// checkPullRequest refuses the i-th pull-request event when it is after
// now or names a repository outside org.
func checkPullRequest(i int, e seatkeeper.PullRequestEvent, org seatkeeper.Organization, now time.Time) error {
	if e.At.After(now) {
		return seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d].at %s is after the service clock's time %s.", i, e.At.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if e.Owner != "" && seatkeeper.LoginKey(e.Owner) != seatkeeper.LoginKey(org.Login) {
		return seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d].repository: %s/%s is not a repository of %s.", i, e.Owner, e.Repository, org.Login)
	}
	return nil
}

// recordOrgUsage is RecordUsage in tx.
func recordOrgUsage(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, events []seatkeeper.UsageEvent, now time.Time) error {
	seats := map[string]seatkeeper.Seat{}
	for i := range events {
		e := &events[i]
		if e.At.After(now) {
			return seatkeeper.Errorf(seatkeeper.KindInvalid, "events[%d].at %s is after the service clock's time %s.", i, e.At.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		seat, err := seatOf(ctx, tx, org, e.Login, e.At)
		if seatkeeper.IsNotFound(err) {
			return seatkeeper.Errorf(seatkeeper.KindInvalid, "events[%d]: %s held no Copilot seat in %s at %s.", i, e.Login, org.Login, e.At.Format(time.RFC3339))
		}
		if err != nil {
			return err
		}
		e.UserID = seat.User.ID
		if prev, ok := seats[e.Login]; !ok || prev.Activity.LastActivityAt == nil || e.At.After(*prev.Activity.LastActivityAt) {
			if ok {
				seat.Activity = prev.Activity
			}
			if last := seat.Activity.LastActivityAt; last == nil || e.At.After(*last) {
				at := e.At
				seat.Activity = seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: e.Editor()}
			}
		}
		seats[e.Login] = seat
	}
	for _, login := range slices.Sorted(maps.Keys(seats)) {
		seat := seats[login]
		if seat.Activity.LastActivityAt != nil {
			if err := tx.PutActivity(ctx, org.ID, seat.User.ID, seat.Activity); err != nil {
				return err
			}
		}
	}
	return tx.AddUsage(ctx, store.UsageScope{OrgID: org.ID}, events)
}

// RecordEnterpriseUsage records usage events in an enterprise, all in one
// transaction: each in the organization where its user held a seat at
// the event's time (EnterpriseSeatHolder), as RecordUsage; the events of
// a user whose only seat then was the enterprise's own, at the
// enterprise itself (recordEnterpriseLevelUsage).
//
// A pull-request event names its repository as owner/name, owner one of
// the enterprise's orgs, and goes there; its user must have held a seat
// in the enterprise (in any of its orgs, or its own) at its time.
func (s *Service) RecordEnterpriseUsage(ctx context.Context, ent seatkeeper.Enterprise, events []seatkeeper.UsageEvent, prs []seatkeeper.PullRequestEvent) (int, error) {
	byOrg := map[int64][]seatkeeper.UsageEvent{}
	orgs := map[int64]seatkeeper.Organization{}
	prsByOrg, err := s.enterprisePullRequests(ctx, ent, prs)
	if err != nil {
		return 0, err
	}
	var atEnterprise []seatkeeper.UsageEvent
	for i, e := range events {
		user, err := s.Store.UserByLogin(ctx, e.Login)
		if seatkeeper.IsNotFound(err) {
			return 0, seatkeeper.Errorf(seatkeeper.KindInvalid, "events[%d]: no user %s.", i, e.Login)
		}
		if err != nil {
			return 0, err
		}
		org, ok, err := s.EnterpriseSeatHolder(ctx, ent, user.ID, e.At)
		if err != nil {
			return 0, err
		}
		if ok {
			orgs[org.ID] = org
			byOrg[org.ID] = append(byOrg[org.ID], e)
			continue
		}
		seats, err := s.Store.EnterpriseLedgerSeats(ctx, ent.ID, e.At, user.ID)
		if err != nil {
			return 0, err
		}
		if len(seats) == 0 {
			return 0, seatkeeper.Errorf(seatkeeper.KindInvalid, "events[%d]: %s held no Copilot seat in %s at %s.", i, e.Login, ent.Slug, e.At.Format(time.RFC3339))
		}
		e.UserID = user.ID
		atEnterprise = append(atEnterprise, e)
	}
	now := s.Clock.Now()
	return len(events) + len(prs), s.Store.Tx(ctx, func(tx *store.Tx) error {
		for _, id := range slices.Sorted(maps.Keys(prsByOrg)) {
			if err := tx.AddPullRequests(ctx, id, prsByOrg[id]); err != nil {
				return err
			}
		}
		for _, id := range slices.Sorted(maps.Keys(byOrg)) {
			if err := recordOrgUsage(ctx, tx, orgs[id], byOrg[id], now); err != nil {
				return err
			}
		}
		if len(atEnterprise) > 0 {
			return recordEnterpriseLevelUsage(ctx, tx, ent, atEnterprise, now)
		}
		return nil
	})
}

// enterprisePullRequests sorts an enterprise's pull-request events by
// their repositories' orgs, each user set and checked to
// have held a seat in the enterprise at the event's time.
func (s *Service) enterprisePullRequests(ctx context.Context, ent seatkeeper.Enterprise, prs []seatkeeper.PullRequestEvent) (map[int64][]seatkeeper.PullRequestEvent, error) {
	out := map[int64][]seatkeeper.PullRequestEvent{}
	if len(prs) == 0 {
		return out, nil
	}
	entOrgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	for i, e := range prs {
		k := slices.IndexFunc(entOrgs, func(o seatkeeper.Organization) bool {
			return seatkeeper.LoginKey(o.Login) == seatkeeper.LoginKey(e.Owner)
		})
		if k < 0 {
			return nil, seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d].repository: %q is not owner/name with owner one of %s's organizations.", i, e.Owner+"/"+e.Repository, ent.Slug)
		}
		org := entOrgs[k]
		if err := checkPullRequest(i, e, org, now); err != nil {
			return nil, err
		}
		user, err := s.Store.UserByLogin(ctx, e.Login)
		if seatkeeper.IsNotFound(err) {
			return nil, seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d]: no user %s.", i, e.Login)
		}
		if err != nil {
			return nil, err
		}
		_, seated, err := s.EnterpriseSeatHolder(ctx, ent, user.ID, e.At)
		if err != nil {
			return nil, err
		}
		if !seated {
			seats, err := s.Store.EnterpriseLedgerSeats(ctx, ent.ID, e.At, user.ID)
			if err != nil {
				return nil, err
			}
			if len(seats) == 0 {
				return nil, seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests[%d]: %s held no Copilot seat in %s at %s.", i, e.Login, ent.Slug, e.At.Format(time.RFC3339))
			}
		}
		e.UserID = user.ID
		out[org.ID] = append(out[org.ID], e)
	}
	return out, nil
}

// recordEnterpriseLevelUsage records in tx events (UserID set) of users
// who held an enterprise-level seat at their times: at the enterprise, their seats taking the activity of their latest event when
// it is later, through the write RecordEnterpriseActivity uses.
func recordEnterpriseLevelUsage(ctx context.Context, tx *store.Tx, ent seatkeeper.Enterprise, events []seatkeeper.UsageEvent, now time.Time) error {
	latest := map[int64]seatkeeper.UsageEvent{}
	for i, e := range events {
		if e.At.After(now) {
			return seatkeeper.Errorf(seatkeeper.KindInvalid, "events[%d].at %s is after the service clock's time %s.", i, e.At.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		if l, ok := latest[e.UserID]; !ok || e.At.After(l.At) {
			latest[e.UserID] = e
		}
	}
	for _, id := range slices.Sorted(maps.Keys(latest)) {
		e := latest[id]
		seats, err := tx.EnterpriseLedgerSeats(ctx, ent.ID, e.At, id)
		if err != nil {
			return err
		}
		if len(seats) == 0 {
			return seatkeeper.Errorf(seatkeeper.KindInvalid, "%s held no Copilot seat in %s at %s.", e.Login, ent.Slug, e.At.Format(time.RFC3339))
		}
		if last := seats[0].Activity.LastActivityAt; last != nil && !e.At.After(*last) {
			continue
		}
		at := e.At
		if err := tx.PutEnterpriseActivity(ctx, ent.ID, id, seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: e.Editor()}); err != nil {
			return err
		}
	}
	return tx.AddUsage(ctx, store.UsageScope{EnterpriseID: ent.ID}, events)
}

// EnterpriseSeatHolder is the one place that says whether a user held a
// Copilot seat in an enterprise at a time, and through which organization
// (the first, by id, whose seat ledger has the user's seat then): usage
// recorded for an enterprise goes to that organization, and the
// enterprise's reports sum the usage of its organizations. Seats held
// through the enterprise itself, when seatkeeper has them, belong here.
func (s *Service) EnterpriseSeatHolder(ctx context.Context, ent seatkeeper.Enterprise, userID int64, at time.Time) (seatkeeper.Organization, bool, error) {
	orgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return seatkeeper.Organization{}, false, err
	}
	for _, org := range orgs {
		seats, err := s.Store.LedgerSeats(ctx, store.SeatQuery{OrgID: org.ID, At: at, State: seatkeeper.StateActive, UserID: userID})
		if err != nil {
			return seatkeeper.Organization{}, false, err
		}
		if len(seats) > 0 {
			return org, true, nil
		}
	}
	return seatkeeper.Organization{}, false, nil
}

// EnterpriseUsageOrgs are the organizations whose recorded usage an
// enterprise's reports sum, with the usage recorded at the enterprise
// itself.
func (s *Service) EnterpriseUsageOrgs(ctx context.Context, ent seatkeeper.Enterprise) ([]int64, error) {
	orgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	ids := make([]int64, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return ids, err
}
