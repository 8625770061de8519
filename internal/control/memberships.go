package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// The control API: seatkeeper's own routes under /_seatkeeper, for site
// administrators, that set up and inspect the state the GitHub routes
// answer from (docs/control-api.md; controlapi.openapi.json describes
// them). Besides them, /healthz, /readyz and /metrics serve operators
// without authentication.

// controlState is the server's state for the control API and operations.
type controlState struct {
	patterns []string // every route controlRoutes registers, in order
	metrics  *reqMetrics
}

// controlRoutes registers the control API and the operations routes.
func (s *Server) controlRoutes() {
	s.ctl.metrics = newReqMetrics()
	admin := func(pattern string, h func(w http.ResponseWriter, r *http.Request, p seatkeeper.Principal) error) {
		s.ctl.patterns = append(s.ctl.patterns, pattern)
		s.mux.Handle(pattern, s.siteAdmin(h))
	}
	open := func(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
		s.ctl.patterns = append(s.ctl.patterns, pattern)
		s.mux.Handle(pattern, s.handle(h))
	}

	admin("PUT /_seatkeeper/orgs/{org}/copilot", s.handlePutCopilot)
	admin("DELETE /_seatkeeper/orgs/{org}/copilot", s.handleDeleteCopilot)
	admin("PUT /_seatkeeper/orgs/{org}/memberships/{username}", s.handlePutMembership)
	admin("POST /_seatkeeper/orgs/{org}/members/{username}/copilot/activity", s.handlePostActivity)

	admin("POST /_seatkeeper/tokens", s.handleCreateToken)
	admin("GET /_seatkeeper/tokens", s.handleListTokens)
	admin("DELETE /_seatkeeper/tokens/{id}", s.handleRevokeToken)

	admin("GET /_seatkeeper/clock", s.handleGetClock)
	admin("PUT /_seatkeeper/clock", s.handlePutClock)
	admin("DELETE /_seatkeeper/clock", s.handleDeleteClock)

	admin("POST /_seatkeeper/reset", s.handleReset)
	admin("POST /_seatkeeper/seed", s.handleSeed)
	admin("GET /_seatkeeper/export", s.handleExport)
	admin("GET /_seatkeeper/audit-log", s.handleAuditLog)
	s.faultRoutes()   // control_faults.go
	s.journalRoutes() // control_requests.go
	open("GET /_seatkeeper/openapi.json", s.handleControlOpenAPI)

	open("GET /healthz", s.handleHealthz)
	open("GET /readyz", s.handleReadyz)
	open("GET /metrics", s.handleMetrics)
}

// invalidf is the control API's 422.
func controlInvalid(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, format, args...)
}

// bind decodes the request body, a JSON object, into the destinations
// fields names, each a pointer to a pointer (nil: not given, or null). A
// key fields does not name, or a value of the wrong type, is a 422 naming
// the key.
func bindControl(w http.ResponseWriter, r *http.Request, fields map[string]any) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		dst, ok := fields[k]
		if !ok {
			return controlInvalid("unknown field %q: this body takes %s", k, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		if string(obj[k]) == "null" {
			continue
		}
		if err := json.Unmarshal(obj[k], dst); err != nil {
			return controlInvalid("%s: must be %s", k, describeType(reflect.TypeOf(dst)))
		}
	}
	return nil
}

// describe names a destination type for bind's messages.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "an object whose values are " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
}

// rfc3339 parses an RFC 3339 time in any offset, to UTC whole seconds.
func controlTime(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, controlInvalid("%s: %q is not an RFC 3339 time such as 2026-03-01T09:00:00Z", field, v)
	}
	return t.UTC().Truncate(time.Second), nil
}

// controlOrg finds the org a control route names, with a 404 saying so.
func (s *Server) controlOrg(r *http.Request) (seatkeeper.Organization, error) {
	org, err := s.store.OrgByLogin(r.Context(), r.PathValue("org"))
	if seatkeeper.IsNotFound(err) {
		return org, seatkeeper.Errorf(seatkeeper.KindNotFound, "No organization named %q.", r.PathValue("org"))
	}
	return org, err
}

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
func (s *Server) handlePutCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := s.controlOrg(r)
	if err != nil {
		return err
	}
	var plan, seats, suggestions, ideChat, platformChat, cli *string
	var day *int
	if err := bindControl(w, r, map[string]any{
		"plan_type": &plan, "seat_management_setting": &seats, "public_code_suggestions": &suggestions,
		"ide_chat": &ideChat, "platform_chat": &platformChat, "cli": &cli, "billing_cycle_day": &day,
	}); err != nil {
		return err
	}
	var sub seatkeeper.Subscription
	created := false
	err = s.store.Tx(r.Context(), func(tx *store.Tx) error {
		now := s.clock.Now()
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
	s.writeJSON(w, r, status, copilotSettings{
		Organization: org.Login, PlanType: sub.PlanType, SeatManagementSetting: sub.SeatManagementSetting,
		PublicCodeSuggestions: sub.PublicCodeSuggestions, IDEChat: sub.IDEChat, PlatformChat: sub.PlatformChat,
		CLI: sub.CLI, BillingCycleDay: sub.BillingCycleDay, CreatedAt: timestamp(sub.CreatedAt), UpdatedAt: timestamp(sub.UpdatedAt),
	})
	return nil
}

// handleDeleteCopilot serves DELETE /_seatkeeper/orgs/{org}/copilot:
// Copilot is disabled, and every seat, residual seat and activity record
// of the org goes with it. Disabling it again is not an error.
func (s *Server) handleDeleteCopilot(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := s.controlOrg(r)
	if err != nil {
		return err
	}
	err = s.store.Tx(r.Context(), func(tx *store.Tx) error {
		if err := tx.DeleteSubscription(r.Context(), org.ID); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{At: s.clock.Now(), Action: audit.Disabled, Org: &org, Subject: org.Login})
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
func (s *Server) handlePutMembership(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := s.controlOrg(r)
	if err != nil {
		return err
	}
	var role, state *string
	if err := bindControl(w, r, map[string]any{"role": &role, "state": &state}); err != nil {
		return err
	}
	if role != nil && *role != seatkeeper.RoleAdmin && *role != seatkeeper.RoleMember {
		return controlInvalid("role: %q is not one of admin, member", *role)
	}
	if state != nil && *state != seatkeeper.StateActive && *state != seatkeeper.StatePending {
		return controlInvalid("state: %q is not one of active, pending", *state)
	}
	var m seatkeeper.Membership
	var user seatkeeper.User
	created := false
	err = s.store.Tx(r.Context(), func(tx *store.Tx) error {
		now := s.clock.Now()
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
	s.writeJSON(w, r, status, membershipBody{
		Organization: org.Login, User: user.Login, Role: m.Role, State: m.State,
		CreatedAt: timestamp(m.CreatedAt), UpdatedAt: timestamp(m.UpdatedAt),
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
func (s *Server) handlePostActivity(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := s.controlOrg(r)
	if err != nil {
		return err
	}
	var editor, at *string
	if err := bindControl(w, r, map[string]any{"last_activity_editor": &editor, "last_activity_at": &at}); err != nil {
		return err
	}
	when := s.clock.Now()
	if at != nil {
		if when, err = controlTime("last_activity_at", *at); err != nil {
			return err
		}
	}
	a := seatkeeper.Activity{LastActivityAt: &when}
	if editor != nil {
		a.LastActivityEditor = *editor
	}
	seat, err := s.copilot.RecordActivity(r.Context(), org, r.PathValue("username"), a)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, activityBody{
		Organization: org.Login, User: seat.User.Login, LastActivityAt: timestamp(when), LastActivityEditor: a.LastActivityEditor,
	})
	return nil
}

// notFoundf is a 404 with a message.
func controlNotFound(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindNotFound, "%s", fmt.Sprintf(format, args...))
}
