// Package directory holds the rules of GitHub's account directory:
// organization membership (invitations, roles, leaving), teams (names,
// nesting, members), enterprise teams, and the site administrator's
// accounts and impersonation tokens. Every change runs in one transaction
// at the clock's time and keeps Copilot seats as GitHub does: joining a
// team that holds a grant seats the user at once; losing a team (leaving
// it, its deletion, its move to another parent) leaves the seat pending
// cancellation until the next billing cycle unless another grant remains;
// leaving the organization ends the seat at once.
package directory

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Messages for refusals GitHub's documentation does not word.
const (
	MsgLastOwnerRemove = "You cannot remove the last owner of an organization."
	MsgLastOwnerDemote = "You cannot demote the last owner of an organization."
)

// Service applies directory changes to the store at the clock's time.
type Service struct {
	Store *store.Store
	Clock *clock.Clock
}

func notFound() error { return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found") }

// member returns a user's membership of org, nil when there is none.
func member(ctx context.Context, tx *store.Tx, orgID, userID int64) (*seatkeeper.Membership, error) {
	m, err := tx.Membership(ctx, orgID, userID)
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Membership is a user's membership of an organization, with the user.
type Membership struct {
	seatkeeper.Membership
	User seatkeeper.User
}

// SetMembership invites a user who is not a member of org (pending, with
// role, member when empty), or sets a member's role (kept when empty), as
// PUT /orgs/{org}/memberships/{username} does. inviter, when not nil, is
// recorded on a new invitation. Demoting the last active owner is refused.
func (s *Service) SetMembership(ctx context.Context, org seatkeeper.Organization, login, role string, inviter *seatkeeper.User) (Membership, error) {
	var out Membership
	err := s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		now := s.Clock.Now()
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		m, err := member(ctx, tx, org.ID, u.ID)
		if err != nil {
			return err
		}
		if m == nil {
			if role == "" {
				role = seatkeeper.RoleMember
			}
			out = Membership{seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: role, State: seatkeeper.StatePending, CreatedAt: now, UpdatedAt: now}, u}
			if err := invite(ctx, tx, out.Membership, inviter); err != nil {
				return err
			}
			return record(ctx, tx, now, audit.MemberInvited, org, u.Login, map[string]any{"role": role})
		}
		out = Membership{*m, u}
		if role == "" || role == m.Role {
			return nil
		}
		if m.IsActiveOwner() {
			if err := keepAnOwner(ctx, tx, org.ID, MsgLastOwnerDemote); err != nil {
				return err
			}
		}
		out.Role, out.UpdatedAt = role, now
		if err := tx.PutMembership(ctx, out.Membership); err != nil {
			return err
		}
		return record(ctx, tx, now, audit.MemberRole, org, u.Login, map[string]any{"from": m.Role, "to": role})
	})
	return out, err
}

// record appends an audit entry about org.
func record(ctx context.Context, tx *store.Tx, now time.Time, action string, org seatkeeper.Organization, subject string, details map[string]any) error {
	return audit.Record(ctx, tx, audit.Event{At: now, Action: action, Org: &org, Subject: subject, Details: details})
}

// invite stores a pending membership and who sent it.
func invite(ctx context.Context, tx *store.Tx, m seatkeeper.Membership, inviter *seatkeeper.User) error {
	if err := tx.PutMembership(ctx, m); err != nil {
		return err
	}
	if inviter == nil {
		return nil
	}
	return tx.SetInviter(ctx, m.OrgID, m.UserID, inviter.ID)
}

// keepAnOwner refuses (403, with msg) a change that would take the org's
// only active owner away.
func keepAnOwner(ctx context.Context, tx *store.Tx, orgID int64, msg string) error {
	n, err := tx.ActiveOwnerCount(ctx, orgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return seatkeeper.Errorf(seatkeeper.KindForbidden, "%s", msg)
	}
	return nil
}

// RemoveMember takes a user out of org, as DELETE
// /orgs/{org}/members/{username} and /orgs/{org}/memberships/{username}
// do: an active membership ends, an invitation is cancelled. The user
// leaves every team of the org, and their seat there ends at once: the
// org's direct grant to them and any residual seat are deleted, so no seat
// of theirs is listed or billed in the org any more. Removing the last
// active owner is refused; a user with no membership is Not Found.
func (s *Service) RemoveMember(ctx context.Context, org seatkeeper.Organization, login string) error {
	return s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		m, err := member(ctx, tx, org.ID, u.ID)
		switch {
		case err != nil:
			return err
		case m == nil:
			return notFound()
		case m.IsActiveOwner():
			if err := keepAnOwner(ctx, tx, org.ID, MsgLastOwnerRemove); err != nil {
				return err
			}
		}
		if err := tx.RemoveFromOrgTeams(ctx, org.ID, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteUserSeats(ctx, org.ID, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteMembership(ctx, org.ID, u.ID); err != nil {
			return err
		}
		now := s.Clock.Now()
		// The seat ended now: an end scheduled for later will not come.
		if err := audit.Unschedule(ctx, tx, audit.SeatExpired, org, u.Login, now); err != nil {
			return err
		}
		return record(ctx, tx, now, audit.MemberRemoved, org, u.Login, map[string]any{"state": m.State, "role": m.Role})
	})
}

// AcceptInvitation makes the user's pending membership of org active, as
// PATCH /user/memberships/orgs/{org} with {"state": "active"} does; an
// active membership is returned as it is. Teams the invitation added them
// to take effect at once, seats included. No membership: Not Found.
func (s *Service) AcceptInvitation(ctx context.Context, org seatkeeper.Organization, user seatkeeper.User) (Membership, error) {
	var out Membership
	err := s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		m, err := member(ctx, tx, org.ID, user.ID)
		if err != nil {
			return err
		}
		if m == nil {
			return notFound()
		}
		out = Membership{*m, user}
		if m.State == seatkeeper.StateActive {
			return nil
		}
		out.State, out.UpdatedAt = seatkeeper.StateActive, s.Clock.Now()
		if err := tx.PutMembership(ctx, out.Membership); err != nil {
			return err
		}
		return record(ctx, tx, out.UpdatedAt, audit.MemberAccepted, org, user.Login, nil)
	})
	return out, err
}

// keepSeats runs change, which takes a team away from userIDs in org,
// under copilot.KeepSeats: the seats of those who are active members stay,
// pending cancellation, unless another grant remains. An invitee's seat
// is not billed before they accept, so there is nothing to keep.
func (s *Service) keepSeats(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, userIDs []int64, change func() error) error {
	var active []int64
	for _, id := range userIDs {
		m, err := member(ctx, tx, org.ID, id)
		if err != nil {
			return err
		}
		if m != nil && m.State == seatkeeper.StateActive {
			active = append(active, id)
		}
	}
	return copilot.KeepSeats(ctx, tx, org, active, s.Clock.Now(), change)
}
