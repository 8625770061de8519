package usage

import (
	"fmt"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Event is a usage event as the control API and seed documents take it
// (POST …/copilot/usage, a seed's usage:), in the field names of GitHub's
// usage-metrics records.
type Event struct {
	User               string  `json:"user" yaml:"user"`
	At                 *string `json:"at" yaml:"at"`
	Feature            string  `json:"feature" yaml:"feature"`
	IDE                string  `json:"ide,omitempty" yaml:"ide,omitempty"`
	IDEVersion         string  `json:"ide_version,omitempty" yaml:"ide_version,omitempty"`
	Plugin             string  `json:"plugin,omitempty" yaml:"plugin,omitempty"`
	PluginVersion      string  `json:"plugin_version,omitempty" yaml:"plugin_version,omitempty"`
	CLIVersion         string  `json:"cli_version,omitempty" yaml:"cli_version,omitempty"`
	Language           string  `json:"language,omitempty" yaml:"language,omitempty"`
	Model              string  `json:"model,omitempty" yaml:"model,omitempty"`
	Generations        int64   `json:"code_generation_activity_count,omitempty" yaml:"code_generation_activity_count,omitempty"`
	Acceptances        int64   `json:"code_acceptance_activity_count,omitempty" yaml:"code_acceptance_activity_count,omitempty"`
	LOCSuggestedAdd    int64   `json:"loc_suggested_to_add_sum,omitempty" yaml:"loc_suggested_to_add_sum,omitempty"`
	LOCSuggestedDelete int64   `json:"loc_suggested_to_delete_sum,omitempty" yaml:"loc_suggested_to_delete_sum,omitempty"`
	LOCAdded           int64   `json:"loc_added_sum,omitempty" yaml:"loc_added_sum,omitempty"`
	LOCDeleted         int64   `json:"loc_deleted_sum,omitempty" yaml:"loc_deleted_sum,omitempty"`
	Interactions       int64   `json:"user_initiated_interaction_count,omitempty" yaml:"user_initiated_interaction_count,omitempty"`
	PromptTokens       int64   `json:"prompt_tokens_sum,omitempty" yaml:"prompt_tokens_sum,omitempty"`
	OutputTokens       int64   `json:"output_tokens_sum,omitempty" yaml:"output_tokens_sum,omitempty"`
	Requests           int64   `json:"request_count,omitempty" yaml:"request_count,omitempty"`
	Sessions           int64   `json:"session_count,omitempty" yaml:"session_count,omitempty"`
}

// Parse checks an event of the UTC day day at now: at, when given, must
// fall in day; otherwise it is now on today and noon on an earlier day.
func (in Event) Parse(day, now time.Time) (seatkeeper.UsageEvent, error) {
	at, err := eventTime(in.At, day, now)
	if err != nil {
		return seatkeeper.UsageEvent{}, err
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

// eventTime is an event's time: at, when given, must fall in day;
// otherwise it is now on today and noon on an earlier day.
func eventTime(at *string, day, now time.Time) (time.Time, error) {
	if at == nil {
		if day.Equal(now.Truncate(24 * time.Hour)) {
			return now, nil
		}
		return day.Add(12 * time.Hour), nil
	}
	t, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return time.Time{}, fmt.Errorf("at: %q is not an RFC 3339 time such as 2026-03-01T09:00:00Z", *at)
	}
	t = t.UTC().Truncate(time.Second)
	if t.Before(day) || !t.Before(day.Add(24*time.Hour)) {
		return time.Time{}, fmt.Errorf("at: %s is not on %s", *at, day.Format(seatkeeper.DateLayout))
	}
	return t, nil
}

// EventOf is e as an Event, for exports.
func EventOf(e seatkeeper.UsageEvent) Event {
	at := e.At.UTC().Format(time.RFC3339)
	out := Event{User: e.Login, At: &at, Feature: e.Feature, IDE: e.IDE, IDEVersion: e.IDEVersion, Plugin: e.Plugin,
		PluginVersion: e.PluginVersion, Language: e.Language, Model: e.Model, Generations: e.Generations,
		Acceptances: e.Acceptances, LOCSuggestedAdd: e.LOCSuggestedAdd, LOCSuggestedDelete: e.LOCSuggestedDelete,
		LOCAdded: e.LOCAdded, LOCDeleted: e.LOCDeleted, Interactions: e.Interactions, PromptTokens: e.PromptTokens,
		OutputTokens: e.OutputTokens, Requests: e.Requests, Sessions: e.Sessions}
	if e.Feature == seatkeeper.FeatureCLI {
		out.IDEVersion, out.CLIVersion = "", e.IDEVersion
	}
	return out
}
