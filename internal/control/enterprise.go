package control

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/directory"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// The control API's writes of an enterprise's own Copilot: its
// subscription, its direct members and billing managers, and the
// activity of its enterprise-level seats.

// enterprise finds the enterprise the path names.
func (c *API) enterprise(r *http.Request) (seatkeeper.Enterprise, error) {
	ent, err := c.store.EnterpriseBySlug(r.Context(), r.PathValue("enterprise"))
	if seatkeeper.IsNotFound(err) {
		return ent, notFound("No enterprise named %q.", r.PathValue("enterprise"))
	}
	return ent, err
}

// handlePutEnterpriseCopilot serves PUT /_seatkeeper/enterprises/{enterprise}/copilot:
// it enables the enterprise's own Copilot (201) or changes the settings
// the body names (200).
func (c *API) handlePutEnterpriseCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	ent, err := c.enterprise(r)
	if err != nil {
		return err
	}
	set, err := bindSettings(w, r)
	if err != nil {
		return err
	}
	sub, created, err := c.copilot.ConfigureEnterprise(r.Context(), ent, set)
	if err != nil {
		return err
	}
	c.writeSettings(w, r, created, settingsBody(sub, copilotSettings{Enterprise: ent.Slug}))
	return nil
}

// handleDeleteEnterpriseCopilot serves DELETE /_seatkeeper/enterprises/{enterprise}/copilot:
// the enterprise's own Copilot is turned off, its enterprise-level seats
// with it (its orgs' stay).
func (c *API) handleDeleteEnterpriseCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	ent, err := c.enterprise(r)
	if err != nil {
		return err
	}
	if err := c.copilot.DisableEnterprise(r.Context(), ent); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// enterpriseRoleBody is the control API's view of a role in an enterprise.
type enterpriseRoleBody struct {
	Enterprise string `json:"enterprise"`
	User       string `json:"user"`
	Role       string `json:"role"`
}

// putEnterpriseRole serves PUT /_seatkeeper/enterprises/{enterprise}/members/{username}
// and …/billing_managers/{username}: 201 when the user gains the role,
// 200 when they held it.
func (c *API) putEnterpriseRole(role directory.EnterpriseRole) func(http.ResponseWriter, *http.Request, seatkeeper.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
		ent, err := c.enterprise(r)
		if err != nil {
			return err
		}
		user, added, err := c.directory.AddEnterpriseRole(r.Context(), ent, r.PathValue("username"), role)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if added {
			status = http.StatusCreated
		}
		c.api.WriteJSON(w, r, status, enterpriseRoleBody{Enterprise: ent.Slug, User: user.Login, Role: string(role)})
		return nil
	}
}

// deleteEnterpriseRole serves DELETE of those: 204, or 404 when the user
// does not hold the role.
func (c *API) deleteEnterpriseRole(role directory.EnterpriseRole) func(http.ResponseWriter, *http.Request, seatkeeper.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
		ent, err := c.enterprise(r)
		if err != nil {
			return err
		}
		if err := c.directory.RemoveEnterpriseRole(r.Context(), ent, r.PathValue("username"), role); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// handlePostEnterpriseActivity serves POST
// /_seatkeeper/enterprises/{enterprise}/members/{username}/copilot/activity:
// it records the use of the user's enterprise-level seat (404 without one).
func (c *API) handlePostEnterpriseActivity(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	ent, err := c.enterprise(r)
	if err != nil {
		return err
	}
	a, err := c.bindActivity(w, r)
	if err != nil {
		return err
	}
	if a.LastActivityAt == nil {
		// The enterprise's own seats keep their last use only.
		return invalid("an enterprise-level seat records last_activity_at; last_authenticated_at alone is kept for organization seats only")
	}
	seat, err := c.copilot.RecordEnterpriseActivity(r.Context(), ent, r.PathValue("username"), a)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusOK, activityBody{
		Enterprise: ent.Slug, User: seat.User.Login, LastActivityAt: httpapi.NullableTimestamp(a.LastActivityAt), LastActivityEditor: a.LastActivityEditor,
	})
	return nil
}
