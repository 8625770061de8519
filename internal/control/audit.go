package control

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// auditEntry is one line of GET /_seatkeeper/audit-log.
type auditEntry struct {
	ID             int64          `json:"id"`
	At             string         `json:"at"`
	Action         string         `json:"action"`
	Actor          *string        `json:"actor"`
	ActorTokenKind *string        `json:"actor_token_kind"`
	RequestID      *string        `json:"request_id"`
	Organization   *string        `json:"organization"`
	Subject        string         `json:"subject"`
	Details        map[string]any `json:"details"`
}

// handleAuditLog serves GET /_seatkeeper/audit-log?org=&action=&page=&per_page=:
// every change, newest first, up to the service clock's now (a seat's
// scheduled expiry appears once its date has come).
func (c *API) handleAuditLog(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	f := store.AuditFilter{Action: r.URL.Query().Get("action"), Until: c.clock.Now()}
	if login := r.URL.Query().Get("org"); login != "" {
		org, err := c.store.OrgByLogin(r.Context(), login)
		if seatkeeper.IsNotFound(err) {
			return notFound("No organization named %q.", login)
		}
		if err != nil {
			return err
		}
		f.OrgID = org.ID
	}
	var entries []store.AuditEntry
	err := c.api.Paginate(w, r, 30, func(lo, n int) (total int, err error) {
		entries, total, err = c.store.AuditLog(r.Context(), f, lo, n)
		return total, err
	})
	if err != nil {
		return err
	}
	out := make([]auditEntry, len(entries))
	for i, e := range entries {
		details := e.Details
		if details == nil {
			details = map[string]any{}
		}
		out[i] = auditEntry{ID: e.ID, At: httpapi.Timestamp(e.At), Action: e.Action, Actor: httpapi.NullableString(e.Actor),
			ActorTokenKind: httpapi.NullableString(e.ActorTokenKind), RequestID: httpapi.NullableString(e.RequestID),
			Organization: httpapi.NullableString(e.Org), Subject: e.Subject, Details: details}
	}
	c.api.WriteJSON(w, r, http.StatusOK, out)
	return nil
}
