package httpapi

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
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
func (s *Server) handleAuditLog(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	f := store.AuditFilter{Action: r.URL.Query().Get("action"), Until: s.clock.Now()}
	if login := r.URL.Query().Get("org"); login != "" {
		org, err := s.store.OrgByLogin(r.Context(), login)
		if seatkeeper.IsNotFound(err) {
			return controlNotFound("No organization named %q.", login)
		}
		if err != nil {
			return err
		}
		f.OrgID = org.ID
	}
	p := pageOf(r, 30)
	lo, _ := p.bounds(1 << 62)
	entries, total, err := s.store.AuditLog(r.Context(), f, lo, p.perPage)
	if err != nil {
		return err
	}
	out := make([]auditEntry, len(entries))
	for i, e := range entries {
		details := e.Details
		if details == nil {
			details = map[string]any{}
		}
		out[i] = auditEntry{ID: e.ID, At: timestamp(e.At), Action: e.Action, Actor: nullableString(e.Actor),
			ActorTokenKind: nullableString(e.ActorTokenKind), RequestID: nullableString(e.RequestID),
			Organization: nullableString(e.Org), Subject: e.Subject, Details: details}
	}
	s.setLink(w, r, p, total)
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}
