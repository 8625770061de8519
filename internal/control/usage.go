package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// usageEvent is an event of POST …/copilot/usage, in the field names of
// GitHub's usage-metrics records.
type usageEvent struct {
	User               string  `json:"user"`
	At                 *string `json:"at"`
	Feature            string  `json:"feature"`
	IDE                string  `json:"ide"`
	IDEVersion         string  `json:"ide_version"`
	Plugin             string  `json:"plugin"`
	PluginVersion      string  `json:"plugin_version"`
	CLIVersion         string  `json:"cli_version"`
	Language           string  `json:"language"`
	Model              string  `json:"model"`
	Generations        int64   `json:"code_generation_activity_count"`
	Acceptances        int64   `json:"code_acceptance_activity_count"`
	LOCSuggestedAdd    int64   `json:"loc_suggested_to_add_sum"`
	LOCSuggestedDelete int64   `json:"loc_suggested_to_delete_sum"`
	LOCAdded           int64   `json:"loc_added_sum"`
	LOCDeleted         int64   `json:"loc_deleted_sum"`
	Interactions       int64   `json:"user_initiated_interaction_count"`
	PromptTokens       int64   `json:"prompt_tokens_sum"`
	OutputTokens       int64   `json:"output_tokens_sum"`
	Requests           int64   `json:"request_count"`
	Sessions           int64   `json:"session_count"`
}

// usageEvents binds the body of POST …/copilot/usage: {"day", "events"}.
// day (default: the clock's) is the UTC day of the events; an event's at,
// within that day, defaults to the clock's time on its own day and to
// noon on an earlier one.
func (c *API) usageEvents(w http.ResponseWriter, r *http.Request) ([]seatkeeper.UsageEvent, error) {
	var day *string
	var raw *[]json.RawMessage
	if err := bindBody(w, r, map[string]any{"day": &day, "events": &raw}); err != nil {
		return nil, err
	}
	now := c.clock.Now()
	start := now.Truncate(24 * time.Hour)
	if day != nil {
		t, err := time.Parse(seatkeeper.DateLayout, *day)
		if err != nil {
			return nil, invalid("day: %q is not a day such as 2026-03-01", *day)
		}
		start = t
	}
	if raw == nil || len(*raw) == 0 {
		return nil, invalid("events: at least one event is needed")
	}
	out := make([]seatkeeper.UsageEvent, len(*raw))
	for i, b := range *raw {
		var in usageEvent
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, invalid("events[%d]: %v", i, err)
		}
		e, err := in.event(start, now)
		if err != nil {
			return nil, invalid("events[%d].%v", i, err)
		}
		out[i] = e
	}
	return out, nil
}

func (in usageEvent) event(day, now time.Time) (seatkeeper.UsageEvent, error) {
	at := day.Add(12 * time.Hour)
	if day.Equal(now.Truncate(24 * time.Hour)) {
		at = now
	}
	if in.At != nil {
		t, err := parseTime("at", *in.At)
		if err != nil {
			return seatkeeper.UsageEvent{}, err
		}
		if t.Before(day) || !t.Before(day.Add(24*time.Hour)) {
			return seatkeeper.UsageEvent{}, fmt.Errorf("at: %s is not on %s", *in.At, day.Format(seatkeeper.DateLayout))
		}
		at = t
	}
	switch {
	case in.User == "":
		return seatkeeper.UsageEvent{}, fmt.Errorf("user: a login is needed")
	case !slices.Contains(seatkeeper.Features, in.Feature):
		return seatkeeper.UsageEvent{}, fmt.Errorf("feature: %q is not one of %v", in.Feature, seatkeeper.Features)
	case in.Feature == seatkeeper.FeatureCLI && (in.IDE != "" || in.CLIVersion == ""):
		return seatkeeper.UsageEvent{}, fmt.Errorf("cli_version: a CLI event names its cli_version, and no ide")
	case in.Feature != seatkeeper.FeatureCLI && (in.IDE == "" || in.CLIVersion != ""):
		return seatkeeper.UsageEvent{}, fmt.Errorf("ide: an editor's event names its ide, and no cli_version")
	}
	e := seatkeeper.UsageEvent{
		Login: in.User, At: at, Feature: in.Feature, IDE: in.IDE, IDEVersion: in.IDEVersion,
		Plugin: in.Plugin, PluginVersion: in.PluginVersion, Language: in.Language, Model: in.Model,
		Generations: in.Generations, Acceptances: in.Acceptances, LOCSuggestedAdd: in.LOCSuggestedAdd,
		LOCSuggestedDelete: in.LOCSuggestedDelete, LOCAdded: in.LOCAdded, LOCDeleted: in.LOCDeleted,
		Interactions: in.Interactions, PromptTokens: in.PromptTokens, OutputTokens: in.OutputTokens,
		Requests: in.Requests, Sessions: in.Sessions,
	}
	if e.Feature == seatkeeper.FeatureCLI {
		e.IDEVersion = in.CLIVersion
	}
	if e.Language == "" {
		e.Language = "unknown"
	}
	for name, n := range map[string]int64{
		"code_generation_activity_count": e.Generations, "code_acceptance_activity_count": e.Acceptances,
		"loc_suggested_to_add_sum": e.LOCSuggestedAdd, "loc_suggested_to_delete_sum": e.LOCSuggestedDelete,
		"loc_added_sum": e.LOCAdded, "loc_deleted_sum": e.LOCDeleted, "user_initiated_interaction_count": e.Interactions,
		"prompt_tokens_sum": e.PromptTokens, "output_tokens_sum": e.OutputTokens, "request_count": e.Requests, "session_count": e.Sessions,
	} {
		if n < 0 {
			return seatkeeper.UsageEvent{}, fmt.Errorf("%s: must not be negative", name)
		}
	}
	return e, nil
}

type usageRecorded struct {
	Recorded int `json:"recorded"`
}

// handlePostUsage serves POST /_seatkeeper/orgs/{org}/copilot/usage.
func (c *API) handlePostUsage(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	events, err := c.usageEvents(w, r)
	if err != nil {
		return err
	}
	n, err := c.copilot.RecordUsage(r.Context(), org, events)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, usageRecorded{n})
	return nil
}

// handlePostEnterpriseUsage serves POST
// /_seatkeeper/enterprises/{enterprise}/copilot/usage: each event goes to
// the org where its user held a seat.
func (c *API) handlePostEnterpriseUsage(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	ent, err := c.store.EnterpriseBySlug(r.Context(), r.PathValue("enterprise"))
	if seatkeeper.IsNotFound(err) {
		return notFound("No enterprise named %q.", r.PathValue("enterprise"))
	}
	if err != nil {
		return err
	}
	events, err := c.usageEvents(w, r)
	if err != nil {
		return err
	}
	n, err := c.copilot.RecordEnterpriseUsage(r.Context(), ent, events)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, usageRecorded{n})
	return nil
}

// downloadTimeout bounds the writing of one report download.
const downloadTimeout = 15 * time.Minute

// handleUsageDownload serves a signed download link of a usage report,
// without a credential: the signature stands for the token that asked
// for the link. An altered link, or one past its time, answers 403 with
// a basic-error body saying which.
func (c *API) handleUsageDownload(w http.ResponseWriter, r *http.Request) error {
	if err := c.links.Verify(r.Context(), r.URL.Path, r.URL.Query(), c.clock.Now()); err != nil {
		if err == usage.ErrSignature || err == usage.ErrExpired {
			return seatkeeper.Errorf(seatkeeper.KindForbidden, "%s", err.Error())
		}
		return err
	}
	scope, name := r.PathValue("scope"), r.PathValue("name")
	req, ok := usage.ParseLink(scope, r.PathValue("report"), r.PathValue("from"), r.PathValue("to"))
	if !ok {
		return notFound("No such report.")
	}
	if scope == "orgs" {
		org, err := c.store.OrgByLogin(r.Context(), name)
		if err != nil {
			return err
		}
		req.OrgIDs, req.Scope.OrgID = []int64{org.ID}, strconv.FormatInt(org.ID, 10)
	} else {
		ent, err := c.store.EnterpriseBySlug(r.Context(), name)
		if err != nil {
			return err
		}
		if req.OrgIDs, err = c.copilot.EnterpriseUsageOrgs(r.Context(), ent); err != nil {
			return err
		}
		req.Scope.EnterpriseID = strconv.FormatInt(ent.ID, 10)
	}
	// A large report takes longer than the server's write timeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(downloadTimeout))
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "private, no-store")
	return usage.Write(r.Context(), w, c.store, req)
}
