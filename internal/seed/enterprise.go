package seed

import (
	"cmp"
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// enterpriseCopilotPlan is what an enterprise holds beyond its owners and
// teams: direct members, billing managers, its own subscription, its
// enterprise-level grants and their activity.
type enterpriseCopilotPlan struct {
	members, billingManagers []*ref
	subscription             *seatkeeper.Subscription // nil: none
	grants                   []grantPlan
	activity                 []activityPlan
	usage                    []usagePlan
}

func (p *planner) planEnterpriseCopilot(l loc, e Enterprise, er *enterpriseRef) (enterpriseCopilotPlan, error) {
	var out enterpriseCopilotPlan
	var err error
	if out.members, err = resolveAll(l, "members", e.Members, "user", p.user); err != nil {
		return out, err
	}
	if out.billingManagers, err = resolveAll(l, "billing_managers", e.BillingManagers, "user", p.user); err != nil {
		return out, err
	}
	if e.Copilot == nil {
		if field := cmp.Or(nonEmpty("seats", e.Seats), nonEmpty("activity", e.Activity), nonEmpty("usage", e.Usage)); field != "" {
			return out, l.errorf(field, "the enterprise has no Copilot subscription of its own: add a copilot section")
		}
		return out, nil
	}
	if out.subscription, err = p.subscription(l, *e.Copilot); err != nil {
		return out, err
	}
	if err := out.subscription.ValidateEnterprise(); err != nil {
		return out, l.errorf("copilot", "%s", err.Error())
	}
	seatAt, activityAt := claims[string]{}, claims[string]{}
	team := func(slug string) (*ref, bool, error) { return p.teamIn(er, slug) }
	if out.grants, err = each(l, "seats", e.Seats, func(l loc, seat Seat) (grantPlan, error) {
		var target seatTarget
		switch {
		case seat.Team != "" || seat.User != "" && seat.EnterpriseTeam != "" || seat.User == "" && seat.EnterpriseTeam == "":
			return grantPlan{}, l.errorf("", "an enterprise seat needs exactly one of user and enterprise_team")
		case seat.User != "":
			target = seatTarget{"user", seat.User, "user", seatkeeper.GrantUser, p.user}
		default:
			target = seatTarget{"enterprise_team", seat.EnterpriseTeam, "enterprise team", seatkeeper.GrantEnterpriseTeam, team}
		}
		return p.planGrant(l, target, seat, seatAt)
	}); err != nil {
		return out, err
	}
	if out.activity, err = each(l, "activity", e.Activity, func(l loc, a Activity) (activityPlan, error) {
		return p.planActivityOf(l, a, p.user, "user", activityAt)
	}); err != nil {
		return out, err
	}
	out.usage, err = each(l, "usage", e.Usage, func(l loc, u usage.Event) (usagePlan, error) {
		return planUsageOf(l, u, "user", p.user)
	})
	return out, err
}

func (c enterpriseCopilotPlan) write(ctx context.Context, tx *store.Tx, entID int64, now time.Time) error {
	for _, m := range c.members {
		if _, err := tx.AddEnterpriseMember(ctx, entID, m.id, now); err != nil {
			return err
		}
	}
	for _, m := range c.billingManagers {
		if _, err := tx.AddEnterpriseBillingManager(ctx, entID, m.id); err != nil {
			return err
		}
	}
	if c.subscription == nil {
		return nil
	}
	sub := *c.subscription
	sub.EnterpriseID = entID
	if err := tx.PutEnterpriseSubscription(ctx, sub); err != nil {
		return err
	}
	for _, g := range c.grants {
		g.grant.EnterpriseID = entID
		if g.grant.Kind == seatkeeper.GrantUser {
			g.grant.UserID = g.target.id
		} else {
			g.grant.EnterpriseTeamID = g.target.id
		}
		if err := tx.PutEnterpriseGrant(ctx, &g.grant); err != nil {
			return err
		}
	}
	for _, a := range c.activity {
		if err := tx.PutEnterpriseActivity(ctx, entID, a.user.id, a.activity); err != nil {
			return err
		}
	}
	events := make([]seatkeeper.UsageEvent, len(c.usage))
	for i, u := range c.usage {
		events[i] = u.event
		events[i].UserID = u.user.id
	}
	return tx.AddUsage(ctx, store.UsageScope{EnterpriseID: entID}, events)
}
