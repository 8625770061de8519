package control

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// copilotSettings is the control API's view of a subscription.
type copilotSettings struct {
	Organization          string `json:"organization"`
	PlanType              string `json:"plan_type"`
	SeatManagementSetting string `json:"seat_management_setting"`
	PublicCodeSuggestions string `json:"public_code_suggestions"`
	IDEChat               string `json:"ide_chat"`
	PlatformChat          string `json:"platform_chat"`
	CLI                   string `json:"cli"`
	BillingCycleDay       int    `json:"billing_cycle_day"`
	CreatedAt             string `json:"created_at"`
	UpdatedAt             string `json:"updated_at"`
}

// handlePutCopilot serves PUT /_seatkeeper/orgs/{org}/copilot: it enables
// Copilot (from seatkeeper.DefaultSubscription; 201) or changes the
// settings the body names (200).
func (c *API) handlePutCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	var plan, seats, suggestions, ideChat, platformChat, cli *string
	var day *int
	if err := bind(w, r, map[string]any{
		"plan_type": &plan, "seat_management_setting": &seats, "public_code_suggestions": &suggestions,
		"ide_chat": &ideChat, "platform_chat": &platformChat, "cli": &cli, "billing_cycle_day": &day,
	}); err != nil {
		return err
	}
	var sub seatkeeper.Subscription
	created := false
	err = c.store.Tx(r.Context(), func(tx *store.Tx) error {
		now := c.clock.Now()
		var err error
		sub, err = tx.Subscription(r.Context(), org.ID)
		created = seatkeeper.IsNotFound(err)
		switch {
		case created:
			sub = seatkeeper.DefaultSubscription()
			sub.OrgID, sub.CreatedAt = org.ID, now
		case err != nil:
			return err
		}
		for _, f := range []struct {
			v   *string
			dst *string
		}{{plan, &sub.PlanType}, {seats, &sub.SeatManagementSetting}, {suggestions, &sub.PublicCodeSuggestions},
			{ideChat, &sub.IDEChat}, {platformChat, &sub.PlatformChat}, {cli, &sub.CLI}} {
			if f.v != nil {
				*f.dst = *f.v
			}
		}
		if day != nil {
			sub.BillingCycleDay = *day
		}
		sub.UpdatedAt = now
		if err := tx.PutSubscription(r.Context(), sub); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{At: now, Action: audit.SettingsChange, Org: &org, Subject: org.Login,
			Details: map[string]any{"enabled": created, "plan_type": sub.PlanType, "seat_management_setting": sub.SeatManagementSetting,
				"public_code_suggestions": sub.PublicCodeSuggestions, "ide_chat": sub.IDEChat, "platform_chat": sub.PlatformChat,
				"cli": sub.CLI, "billing_cycle_day": sub.BillingCycleDay}})
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.api.WriteJSON(w, r, status, copilotSettings{
		Organization: org.Login, PlanType: sub.PlanType, SeatManagementSetting: sub.SeatManagementSetting,
		PublicCodeSuggestions: sub.PublicCodeSuggestions, IDEChat: sub.IDEChat, PlatformChat: sub.PlatformChat,
		CLI: sub.CLI, BillingCycleDay: sub.BillingCycleDay, CreatedAt: httpapi.Timestamp(sub.CreatedAt), UpdatedAt: httpapi.Timestamp(sub.UpdatedAt),
	})
	return nil
}

// handleDeleteCopilot serves DELETE /_seatkeeper/orgs/{org}/copilot:
// Copilot is disabled, and every seat, residual seat and activity record
// of the org goes with it. Disabling it again is not an error.
func (c *API) handleDeleteCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	err = c.store.Tx(r.Context(), func(tx *store.Tx) error {
		if err := tx.DeleteSubscription(r.Context(), org.ID); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{At: c.clock.Now(), Action: audit.Disabled, Org: &org, Subject: org.Login})
	})
	if err != nil && !seatkeeper.IsNotFound(err) {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// membershipBody is the control API's view of a membership.
type membershipBody struct {
	Organization string `json:"organization"`
	User         string `json:"user"`
	Role         string `json:"role"`
	State        string `json:"state"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

// handlePutMembership serves PUT /_seatkeeper/orgs/{org}/memberships/{username}:
// it makes the user a member (role member, state active unless the body
// says otherwise; 201) or changes what the body names (200).
func (c *API) handlePutMembership(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	var role, state *string
	if err := bind(w, r, map[string]any{"role": &role, "state": &state}); err != nil {
		return err
	}
	if role != nil && *role != seatkeeper.RoleAdmin && *role != seatkeeper.RoleMember {
		return invalid("role: %q is not one of admin, member", *role)
	}
	if state != nil && *state != seatkeeper.StateActive && *state != seatkeeper.StatePending {
		return invalid("state: %q is not one of active, pending", *state)
	}
	var m seatkeeper.Membership
	var user seatkeeper.User
	created := false
	err = c.store.Tx(r.Context(), func(tx *store.Tx) error {
		now := c.clock.Now()
		var err error
		user, err = tx.UserByLogin(r.Context(), r.PathValue("username"))
		if seatkeeper.IsNotFound(err) {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "No user named %q.", r.PathValue("username"))
		}
		if err != nil {
			return err
		}
		m, err = tx.Membership(r.Context(), org.ID, user.ID)
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
		if err := tx.PutMembership(r.Context(), m); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{At: now, Action: audit.MemberSet, Org: &org, Subject: user.Login,
			Details: map[string]any{"role": m.Role, "state": m.State}})
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.api.WriteJSON(w, r, status, membershipBody{
		Organization: org.Login, User: user.Login, Role: m.Role, State: m.State,
		CreatedAt: httpapi.Timestamp(m.CreatedAt), UpdatedAt: httpapi.Timestamp(m.UpdatedAt),
	})
	return nil
}

// activityBody is the control API's view of recorded Copilot use.
type activityBody struct {
	Organization       string `json:"organization"`
	User               string `json:"user"`
	LastActivityAt     string `json:"last_activity_at"`
	LastActivityEditor string `json:"last_activity_editor"`
}

// handlePostActivity serves POST
// /_seatkeeper/orgs/{org}/members/{username}/copilot/activity: it records
// the user's Copilot use, at last_activity_at (default now) in
// last_activity_editor. Only a seat holder can use Copilot: otherwise the
// seat-details errors apply.
func (c *API) handlePostActivity(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	var editor, at *string
	if err := bind(w, r, map[string]any{"last_activity_editor": &editor, "last_activity_at": &at}); err != nil {
		return err
	}
	when := c.clock.Now()
	if at != nil {
		if when, err = parseTime("last_activity_at", *at); err != nil {
			return err
		}
	}
	a := seatkeeper.Activity{LastActivityAt: &when}
	if editor != nil {
		a.LastActivityEditor = *editor
	}
	seat, err := c.copilot.RecordActivity(r.Context(), org, r.PathValue("username"), a)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusOK, activityBody{
		Organization: org.Login, User: seat.User.Login, LastActivityAt: httpapi.Timestamp(when), LastActivityEditor: a.LastActivityEditor,
	})
	return nil
}
