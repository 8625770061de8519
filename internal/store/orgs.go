package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/seatkeeper/seatkeeper"
)

const membershipCols = `org_id, user_id, role, state, created_at, updated_at`

func scanMembership(row interface{ Scan(...any) error }) (seatkeeper.Membership, error) {
	var m seatkeeper.Membership
	var created, updated int64
	err := row.Scan(&m.OrgID, &m.UserID, &m.Role, &m.State, &created, &updated)
	m.CreatedAt, m.UpdatedAt = fromUnix(created), fromUnix(updated)
	return m, err
}

// Membership returns a user's membership in an org; a wrapped ErrNotFound
// when there is none.
func (o ops) Membership(ctx context.Context, orgID, userID int64) (seatkeeper.Membership, error) {
	m, err := scanMembership(o.queryRow(ctx, `SELECT `+membershipCols+` FROM org_memberships WHERE org_id = ? AND user_id = ?`, orgID, userID))
	if err != nil {
		return m, notFound("membership", err)
	}
	return m, nil
}

// Memberships lists an org's memberships in user id order.
func (o ops) Memberships(ctx context.Context, orgID int64) ([]seatkeeper.Membership, error) {
	return queryAll(ctx, o, scanMembership, `SELECT `+membershipCols+` FROM org_memberships WHERE org_id = ? ORDER BY user_id`, orgID)
}

// PutMembership creates or replaces a membership. created_at is kept when
// the membership already exists. A pending membership gets an invitation
// (see Invitations) if it has none; an active one loses its invitation.
func (o ops) PutMembership(ctx context.Context, m seatkeeper.Membership) error {
	_, err := o.exec(ctx, `INSERT INTO org_memberships (org_id, user_id, role, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role, state = excluded.state, updated_at = excluded.updated_at`,
		m.OrgID, m.UserID, m.Role, m.State, unix(m.CreatedAt), unix(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: membership: %w", err)
	}
	if m.State != seatkeeper.StatePending {
		_, err = o.exec(ctx, `DELETE FROM org_invitations WHERE org_id = ? AND user_id = ?`, m.OrgID, m.UserID)
		if err != nil {
			return fmt.Errorf("store: invitation: %w", err)
		}
	} else if err := o.ensureInvitation(ctx, m); err != nil {
		return err
	}
	return o.seatsChanged(ctx, m.OrgID, m.UserID)
}

// Subscription returns an org's Copilot subscription; a wrapped ErrNotFound
// when Copilot is not enabled.
func (o ops) Subscription(ctx context.Context, orgID int64) (seatkeeper.Subscription, error) {
	s, err := o.subscriptionIn(ctx, orgSubscriptions, orgID)
	if err == nil {
		s.OrgID = orgID
	}
	return s, err
}

// PutSubscription enables Copilot for an org or replaces its settings;
// created_at is kept when it was already enabled.
func (o ops) PutSubscription(ctx context.Context, s seatkeeper.Subscription) error {
	if err := s.Validate(); err != nil {
		return err
	}
	o.touchOrg(s.OrgID)
	was, err := o.Subscription(ctx, s.OrgID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return err
	}
	if err := o.putSubscriptionIn(ctx, orgSubscriptions, s.OrgID, s); err != nil {
		return err
	}
	// Seats depend on whether Copilot is enabled and on who the setting
	// seats, not on the plan, the policies or the billing day.
	if err != nil || was.SeatManagementSetting != s.SeatManagementSetting {
		return o.orgSeatsChanged(ctx, s.OrgID)
	}
	return nil
}

// subscriptionTable names where a kind of subscription is kept: an
// organization's, or an enterprise's own.
type subscriptionTable struct{ table, key string }

var (
	orgSubscriptions        = subscriptionTable{"copilot_subscriptions", "org_id"}
	enterpriseSubscriptions = subscriptionTable{"enterprise_copilot_subscriptions", "enterprise_id"}
)

// subscriptionCols are a subscription's columns as scanSubscription reads
// them.
const subscriptionCols = `plan_type, seat_management_setting, public_code_suggestions, ide_chat, platform_chat, cli,
	billing_cycle_day, created_at, updated_at`

// scanSubscription reads subscriptionCols after the columns in, if any
// (its OrgID and EnterpriseID are left for the caller).
func scanSubscription(row interface{ Scan(...any) error }, in ...any) (seatkeeper.Subscription, error) {
	var s seatkeeper.Subscription
	var created, updated int64
	err := row.Scan(append(in, &s.PlanType, &s.SeatManagementSetting, &s.PublicCodeSuggestions, &s.IDEChat, &s.PlatformChat, &s.CLI,
		&s.BillingCycleDay, &created, &updated)...)
	s.CreatedAt, s.UpdatedAt = fromUnix(created), fromUnix(updated)
	return s, err
}

// subscriptionIn reads the subscription of the org or enterprise id (its
// OrgID and EnterpriseID are left for the caller).
func (o ops) subscriptionIn(ctx context.Context, t subscriptionTable, id int64) (seatkeeper.Subscription, error) {
	s, err := scanSubscription(o.queryRow(ctx, `SELECT `+subscriptionCols+` FROM `+t.table+` WHERE `+t.key+` = ?`, id))
	if err != nil {
		return s, notFound("copilot subscription", err)
	}
	return s, nil
}

// Subscriptions returns the Copilot subscriptions of the orgs that have
// one, by org id, in one query for at most inListMax orgs at a time.
func (o ops) Subscriptions(ctx context.Context, orgIDs []int64) (map[int64]seatkeeper.Subscription, error) {
	out := make(map[int64]seatkeeper.Subscription, len(orgIDs))
	err := inBatches(len(orgIDs), func(lo, hi int) error {
		args := make([]any, 0, hi-lo)
		for _, id := range orgIDs[lo:hi] {
			args = append(args, id)
		}
		return queryEach(ctx, o, func(row interface{ Scan(...any) error }) (seatkeeper.Subscription, error) {
			var id int64
			s, err := scanSubscription(row, &id)
			s.OrgID = id
			return s, err
		}, func(s seatkeeper.Subscription) error {
			out[s.OrgID] = s
			return nil
		}, `SELECT org_id, `+subscriptionCols+` FROM copilot_subscriptions WHERE org_id IN (`+marks(hi-lo)+`)`, args...)
	})
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	return out, nil
}

// putSubscriptionIn writes the subscription of the org or enterprise id,
// keeping created_at when there was one.
func (o ops) putSubscriptionIn(ctx context.Context, t subscriptionTable, id int64, s seatkeeper.Subscription) error {
	_, err := o.exec(ctx, `INSERT INTO `+t.table+` (`+t.key+`, plan_type, seat_management_setting, public_code_suggestions,
		ide_chat, platform_chat, cli, billing_cycle_day, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+t.key+`) DO UPDATE SET plan_type = excluded.plan_type, seat_management_setting = excluded.seat_management_setting,
		public_code_suggestions = excluded.public_code_suggestions, ide_chat = excluded.ide_chat, platform_chat = excluded.platform_chat,
		cli = excluded.cli, billing_cycle_day = excluded.billing_cycle_day, updated_at = excluded.updated_at`,
		id, s.PlanType, s.SeatManagementSetting, s.PublicCodeSuggestions, s.IDEChat, s.PlatformChat, s.CLI,
		s.BillingCycleDay, unix(s.CreatedAt), unix(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: subscription: %w", err)
	}
	return nil
}

// Activity returns the last Copilot activity of a user in an org; the zero
// Activity when none was recorded.
func (o ops) Activity(ctx context.Context, orgID, userID int64) (seatkeeper.Activity, error) {
	a, err := scanActivity(o.queryRow(ctx, `SELECT `+activityCols+` FROM copilot_activity WHERE org_id = ? AND user_id = ?`, orgID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return seatkeeper.Activity{}, nil
	}
	if err != nil {
		return a, fmt.Errorf("store: activity: %w", err)
	}
	return a, nil
}

// activityCols are what scanActivity reads.
const activityCols = `last_activity_at, last_activity_editor, last_authenticated_at`

func scanActivity(row interface{ Scan(...any) error }, before ...any) (seatkeeper.Activity, error) {
	var a seatkeeper.Activity
	var used, signedIn sql.NullInt64
	if err := row.Scan(append(before, &used, &a.LastActivityEditor, &signedIn)...); err != nil {
		return a, err
	}
	a.LastActivityAt, a.LastAuthenticatedAt = fromNullUnix(used), fromNullUnix(signedIn)
	return a, nil
}

// activityRow is an activity's values in activityCols' order.
func activityRow(a seatkeeper.Activity) []any {
	return []any{nullUnix(a.LastActivityAt), a.LastActivityEditor, nullUnix(a.LastAuthenticatedAt)}
}

// PutActivity records a user's last Copilot use and sign-in in an org.
func (o ops) PutActivity(ctx context.Context, orgID, userID int64, a seatkeeper.Activity) error {
	o.touchOrg(orgID)
	if !a.Recorded() {
		return errors.New("store: activity needs a time")
	}
	_, err := o.exec(ctx, `INSERT INTO copilot_activity (org_id, user_id, `+activityCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id, user_id) DO UPDATE SET last_activity_at = excluded.last_activity_at,
		last_activity_editor = excluded.last_activity_editor, last_authenticated_at = excluded.last_authenticated_at`,
		append([]any{orgID, userID}, activityRow(a)...)...)
	if err != nil {
		return fmt.Errorf("store: activity: %w", err)
	}
	return o.copySeatActivity(ctx, orgID, OnlyUsers(userID))
}
