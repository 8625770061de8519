package copilot

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Settings are changes to an org's Copilot subscription; nil leaves a
// setting as it is.
type Settings struct {
	PlanType, SeatManagementSetting, PublicCodeSuggestions *string
	IDEChat, PlatformChat, CLI                             *string
	BillingCycleDay                                        *int
}

// Configure enables Copilot for org (from seatkeeper.DefaultSubscription,
// then the settings given; created is true) or changes the settings given,
// in one transaction with its audit entry.
func (s *Service) Configure(ctx context.Context, org seatkeeper.Organization, set Settings) (sub seatkeeper.Subscription, created bool, err error) {
	err = s.Store.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		var err error
		sub, err = tx.Subscription(ctx, org.ID)
		created = seatkeeper.IsNotFound(err)
		switch {
		case created:
			sub = seatkeeper.DefaultSubscription()
			sub.OrgID, sub.CreatedAt = org.ID, now
		case err != nil:
			return err
		}
		set.apply(&sub)
		sub.UpdatedAt = now
		if err := tx.PutSubscription(ctx, sub); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.SettingsChange, Org: &org, Subject: org.Login,
			Details: settingsDetails(sub, created)})
	})
	return sub, created, err
}

// apply changes sub as set says.
func (set Settings) apply(sub *seatkeeper.Subscription) {
	for _, f := range []struct{ v, dst *string }{
		{set.PlanType, &sub.PlanType}, {set.SeatManagementSetting, &sub.SeatManagementSetting},
		{set.PublicCodeSuggestions, &sub.PublicCodeSuggestions}, {set.IDEChat, &sub.IDEChat},
		{set.PlatformChat, &sub.PlatformChat}, {set.CLI, &sub.CLI},
	} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if set.BillingCycleDay != nil {
		sub.BillingCycleDay = *set.BillingCycleDay
	}
}

// settingsDetails is the audit record of a subscription's settings.
func settingsDetails(sub seatkeeper.Subscription, created bool) map[string]any {
	return map[string]any{"enabled": created, "plan_type": sub.PlanType, "seat_management_setting": sub.SeatManagementSetting,
		"public_code_suggestions": sub.PublicCodeSuggestions, "ide_chat": sub.IDEChat, "platform_chat": sub.PlatformChat,
		"cli": sub.CLI, "billing_cycle_day": sub.BillingCycleDay}
}

// ConfigureEnterprise is Configure for the enterprise's own subscription
// (which has no assign_all).
func (s *Service) ConfigureEnterprise(ctx context.Context, ent seatkeeper.Enterprise, set Settings) (sub seatkeeper.Subscription, created bool, err error) {
	err = s.Store.LockedTx(ctx, store.EnterpriseLock(ent.ID), func(tx *store.Tx) error {
		now := s.Clock.Now()
		var err error
		sub, err = tx.EnterpriseSubscription(ctx, ent.ID)
		created = seatkeeper.IsNotFound(err)
		switch {
		case created:
			sub = seatkeeper.DefaultSubscription()
			sub.EnterpriseID, sub.CreatedAt = ent.ID, now
		case err != nil:
			return err
		}
		set.apply(&sub)
		sub.UpdatedAt = now
		if err := tx.PutEnterpriseSubscription(ctx, sub); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entEvent(ent, now, audit.SettingsChange, ent.Slug, settingsDetails(sub, created)))
	})
	return sub, created, err
}

// DisableEnterprise turns the enterprise's own Copilot off: its
// enterprise-level grants, seats and activity go with it (its orgs' stay).
// Disabling it again is not an error.
func (s *Service) DisableEnterprise(ctx context.Context, ent seatkeeper.Enterprise) error {
	err := s.Store.LockedTx(ctx, store.EnterpriseLock(ent.ID), func(tx *store.Tx) error {
		if err := tx.DeleteEnterpriseSubscription(ctx, ent.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entEvent(ent, s.Clock.Now(), audit.Disabled, ent.Slug, map[string]any{}))
	})
	if seatkeeper.IsNotFound(err) {
		return nil
	}
	return err
}

// Disable turns Copilot off for org: every seat, residual seat and
// activity record of the org goes with it. Disabling it again is not an
// error.
func (s *Service) Disable(ctx context.Context, org seatkeeper.Organization) error {
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSubscription(ctx, org.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: s.Clock.Now(), Action: audit.Disabled, Org: &org, Subject: org.Login})
	})
	if seatkeeper.IsNotFound(err) {
		return nil
	}
	return err
}
