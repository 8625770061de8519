package directory

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// EnterpriseRole is a role a user may hold in an enterprise beside
// ownership, as its wire name.
type EnterpriseRole string

const (
	// EnterpriseMember is a user added to the enterprise directly, who may
	// belong to no org of it.
	EnterpriseMember EnterpriseRole = "member"
	// EnterpriseBillingManager reads the enterprise's seats and billing
	// and changes nothing.
	EnterpriseBillingManager EnterpriseRole = "billing_manager"
)

// AddEnterpriseRole gives the user the role in the enterprise; added is
// false when they already held it.
func (s *Service) AddEnterpriseRole(ctx context.Context, ent seatkeeper.Enterprise, login string, role EnterpriseRole) (user seatkeeper.User, added bool, err error) {
	err = s.Store.Tx(ctx, func(tx *store.Tx) error {
		if user, err = tx.UserByLogin(ctx, login); err != nil {
			return err
		}
		if role == EnterpriseMember {
			added, err = tx.AddEnterpriseMember(ctx, ent.ID, user.ID, s.Clock.Now())
		} else {
			added, err = tx.AddEnterpriseBillingManager(ctx, ent.ID, user.ID)
		}
		if err != nil || !added {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: s.Clock.Now(), Action: audit.EnterpriseRoleAdded, Subject: user.Login,
			Details: map[string]any{"enterprise": ent.Slug, "role": string(role)}})
	})
	return user, added, err
}

// RemoveEnterpriseRole takes the role from the user (404 when they do not
// hold it). A direct member who belongs to no org of the enterprise leaves
// it whole: its teams, and their enterprise-level seat at once.
func (s *Service) RemoveEnterpriseRole(ctx context.Context, ent seatkeeper.Enterprise, login string, role EnterpriseRole) error {
	return s.Store.Tx(ctx, func(tx *store.Tx) error {
		user, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		if role == EnterpriseMember {
			err = tx.RemoveEnterpriseMember(ctx, ent.ID, user.ID)
		} else {
			err = tx.RemoveEnterpriseBillingManager(ctx, ent.ID, user.ID)
		}
		if seatkeeper.IsNotFound(err) {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "%s is not a %s of the enterprise %s.", user.Login, role, ent.Slug)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: s.Clock.Now(), Action: audit.EnterpriseRoleRemoved, Subject: user.Login,
			Details: map[string]any{"enterprise": ent.Slug, "role": string(role)}})
	})
}
