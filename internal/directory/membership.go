package directory

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// PutMembership makes username a member of org (role member, state active
// unless role or state say otherwise; created is true) or changes what
// role and state name, as a site administrator may, without GitHub's
// invitation flow; nil leaves a field as it is. An unknown user is a 404
// naming the login.
func (s *Service) PutMembership(ctx context.Context, org seatkeeper.Organization, username string, role, state *string) (m seatkeeper.Membership, user seatkeeper.User, created bool, err error) {
	if role != nil && *role != seatkeeper.RoleAdmin && *role != seatkeeper.RoleMember {
		return m, user, false, seatkeeper.Errorf(seatkeeper.KindInvalid, "role: %q is not one of admin, member", *role)
	}
	if state != nil && *state != seatkeeper.StateActive && *state != seatkeeper.StatePending {
		return m, user, false, seatkeeper.Errorf(seatkeeper.KindInvalid, "state: %q is not one of active, pending", *state)
	}
	err = s.Store.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var err error
		user, err = tx.UserByLogin(ctx, username)
		if seatkeeper.IsNotFound(err) {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "No user named %q.", username)
		}
		if err != nil {
			return err
		}
		m, err = tx.Membership(ctx, org.ID, user.ID)
		created = seatkeeper.IsNotFound(err)
		switch {
		case created:
			m = seatkeeper.Membership{OrgID: org.ID, UserID: user.ID, Role: seatkeeper.RoleMember, State: seatkeeper.StateActive, CreatedAt: now}
		case err != nil:
			return err
		}
		if role != nil {
			m.Role = *role
		}
		if state != nil {
			m.State = *state
		}
		m.UpdatedAt = now
		if err := tx.PutMembership(ctx, m); err != nil {
			return err
		}
		return record(ctx, tx, now, audit.MemberSet, org, user.Login, map[string]any{"role": m.Role, "state": m.State})
	})
	return m, user, created, err
}

// SetPublicMembership makes the caller's membership of org public or
// private, as GitHub's public_members PUT and DELETE do: a user may change
// only their own (403 otherwise), and only an active member has one to
// show (404).
func (s *Service) SetPublicMembership(ctx context.Context, org seatkeeper.Organization, caller seatkeeper.User, username string, public bool) error {
	if seatkeeper.LoginKey(username) != seatkeeper.LoginKey(caller.Login) {
		return seatkeeper.Errorf(seatkeeper.KindForbidden, "You can only change the visibility of your own membership.")
	}
	return s.Store.Tx(ctx, func(tx *store.Tx) error {
		m, err := tx.Membership(ctx, org.ID, caller.ID)
		if seatkeeper.IsNotFound(err) || err == nil && m.State != seatkeeper.StateActive {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
		}
		if err != nil {
			return err
		}
		was, err := tx.IsPublicMember(ctx, org.ID, caller.ID)
		if err != nil || was == public {
			return err
		}
		if err := tx.SetPublicMember(ctx, org.ID, caller.ID, public); err != nil {
			return err
		}
		return record(ctx, tx, s.Clock.Now(), audit.MemberPublic, org, caller.Login, map[string]any{"public": public})
	})
}
