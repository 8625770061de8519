package control

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// copilotSettings is the control API's view of a subscription.
type copilotSettings struct {
	Organization          string `json:"organization,omitempty"` // an org's, or
	Enterprise            string `json:"enterprise,omitempty"`   // an enterprise's own
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
	set, err := bindSettings(w, r)
	if err != nil {
		return err
	}
	sub, created, err := c.copilot.Configure(r.Context(), org, set)
	if err != nil {
		return err
	}
	c.writeSettings(w, r, created, settingsBody(sub, copilotSettings{Organization: org.Login}))
	return nil
}

// bindSettings reads a copilot-settings-request body.
func bindSettings(w http.ResponseWriter, r *http.Request) (copilot.Settings, error) {
	var set copilot.Settings
	err := bindBody(w, r, map[string]any{
		"plan_type": &set.PlanType, "seat_management_setting": &set.SeatManagementSetting,
		"public_code_suggestions": &set.PublicCodeSuggestions, "ide_chat": &set.IDEChat, "platform_chat": &set.PlatformChat,
		"cli": &set.CLI, "billing_cycle_day": &set.BillingCycleDay,
	})
	return set, err
}

// settingsBody fills body (naming its org or enterprise) with sub.
func settingsBody(sub seatkeeper.Subscription, body copilotSettings) copilotSettings {
	body.PlanType, body.SeatManagementSetting, body.PublicCodeSuggestions = sub.PlanType, sub.SeatManagementSetting, sub.PublicCodeSuggestions
	body.IDEChat, body.PlatformChat, body.CLI, body.BillingCycleDay = sub.IDEChat, sub.PlatformChat, sub.CLI, sub.BillingCycleDay
	body.CreatedAt, body.UpdatedAt = httpapi.Timestamp(sub.CreatedAt), httpapi.Timestamp(sub.UpdatedAt)
	return body
}

// writeSettings answers 201 when Copilot was enabled, 200 when changed.
func (c *API) writeSettings(w http.ResponseWriter, r *http.Request, created bool, body copilotSettings) {
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.api.WriteJSON(w, r, status, body)
}

// handleDeleteCopilot serves DELETE /_seatkeeper/orgs/{org}/copilot:
// Copilot is disabled, and every seat, residual seat and activity record
// of the org goes with it. Disabling it again is not an error.
func (c *API) handleDeleteCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	if err := c.copilot.Disable(r.Context(), org); err != nil {
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
	if err := bindBody(w, r, map[string]any{"role": &role, "state": &state}); err != nil {
		return err
	}
	m, user, created, err := c.directory.PutMembership(r.Context(), org, r.PathValue("username"), role, state)
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
	Organization        string  `json:"organization,omitempty"` // an org's seat, or
	Enterprise          string  `json:"enterprise,omitempty"`   // an enterprise-level one
	User                string  `json:"user"`
	LastActivityAt      *string `json:"last_activity_at"`
	LastActivityEditor  string  `json:"last_activity_editor"`
	LastAuthenticatedAt *string `json:"last_authenticated_at"`
}

// handlePostActivity serves POST
// /_seatkeeper/orgs/{org}/members/{username}/copilot/activity: it records
// the user's Copilot use, at last_activity_at in last_activity_editor,
// and their Copilot sign-in at last_authenticated_at. A body naming
// neither time records a use now. Only a seat holder can use Copilot:
// otherwise the seat-details errors apply.
func (c *API) handlePostActivity(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	a, err := c.bindActivity(w, r)
	if err != nil {
		return err
	}
	seat, err := c.copilot.RecordActivity(r.Context(), org, r.PathValue("username"), a)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusOK, activityBody{
		Organization: org.Login, User: seat.User.Login, LastActivityAt: httpapi.NullableTimestamp(seat.Activity.LastActivityAt),
		LastActivityEditor: seat.Activity.LastActivityEditor, LastAuthenticatedAt: httpapi.NullableTimestamp(seat.Activity.LastAuthenticatedAt),
	})
	return nil
}

// bindActivity reads an activity-request body: last_activity_at (default
// now, unless last_authenticated_at alone is given), last_activity_editor
// and last_authenticated_at.
func (c *API) bindActivity(w http.ResponseWriter, r *http.Request) (seatkeeper.Activity, error) {
	var editor, at, signedIn *string
	if err := bindBody(w, r, map[string]any{"last_activity_editor": &editor, "last_activity_at": &at, "last_authenticated_at": &signedIn}); err != nil {
		return seatkeeper.Activity{}, err
	}
	var a seatkeeper.Activity
	var err error
	if at != nil || signedIn == nil {
		when := c.clock.Now()
		if at != nil {
			if when, err = parseTime("last_activity_at", *at); err != nil {
				return a, err
			}
		}
		a.LastActivityAt = &when
		if editor != nil {
			a.LastActivityEditor = *editor
		}
	} else if editor != nil {
		return a, invalid("last_activity_editor needs last_activity_at")
	}
	if signedIn != nil {
		when, err := parseTime("last_authenticated_at", *signedIn)
		if err != nil {
			return a, err
		}
		a.LastAuthenticatedAt = &when
	}
	return a, nil
}
