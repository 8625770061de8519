package seatkeeper

import (
	"cmp"
	"strings"
	"time"
)

// UsageEvent is one use of Copilot that a seat holder's editor (or the
// Copilot CLI) reported in an organization: what GitHub's usage-metrics
// reports sum, per user and per day. Counts are non-negative.
type UsageEvent struct {
	UserID int64
	Login  string // filled when read back
	At     time.Time
	// Feature is one of Features. FeatureCLI events are the CLI's: they
	// count in totals_by_cli and nowhere else, as on GitHub.
	Feature       string
	IDE           string // empty for the CLI
	IDEVersion    string // the CLI's version for FeatureCLI
	Plugin        string
	PluginVersion string
	Language      string
	Model         string
	// Suggestions shown (code_generation_activity_count) and accepted
	// (code_acceptance_activity_count).
	Generations, Acceptances int64
	// Lines of code suggested to add and delete, and added and deleted.
	LOCSuggestedAdd, LOCSuggestedDelete, LOCAdded, LOCDeleted int64
	// Prompts the user sent (user_initiated_interaction_count; the CLI's
	// prompt_count).
	Interactions int64
	// Tokens, requests and sessions (totals_by_cli).
	PromptTokens, OutputTokens, Requests, Sessions int64
}

// The features of GitHub's usage-metrics field reference.
const (
	FeatureCodeCompletion = "code_completion"
	FeatureAgentEdit      = "agent_edit"
	FeatureAgentMode      = "chat_panel_agent_mode"
	FeatureCLI            = "copilot_cli"
)

// Features are the values UsageEvent.Feature takes.
var Features = []string{
	FeatureCodeCompletion, "chat_inline", "chat_panel_ask_mode", "chat_panel_edit_mode",
	FeatureAgentMode, "chat_panel_plan_mode", "chat_panel_custom_mode", "chat_panel_unknown_mode",
	FeatureAgentEdit, FeatureCLI,
}

// UsedChat and UsedAgent say what an event counts towards: used_chat and
// used_agent in the per-user records, and the chat and agent monthly
// active users of the aggregates.
func (e UsageEvent) UsedChat() bool {
	return e.Feature != FeatureCodeCompletion && e.Feature != FeatureCLI
}

func (e UsageEvent) UsedAgent() bool {
	return e.Feature == FeatureAgentMode || e.Feature == FeatureAgentEdit
}

// The classes of features the active-user counts of the usage-metrics
// reports distinguish: the editors' (the CLI is counted apart, as on
// GitHub), chat's, agents', and the CLI's.
const (
	ClassIDE = iota
	ClassChat
	ClassAgent
	ClassCLI
)

// Classes says which classes of features an event counts towards, by
// the Class constants.
func (e UsageEvent) Classes() (c [4]bool) {
	c[ClassIDE] = e.Feature != FeatureCLI
	c[ClassChat] = e.UsedChat()
	c[ClassAgent] = e.UsedAgent()
	c[ClassCLI] = e.Feature == FeatureCLI
	return c
}

// UsageClasses are the features of each class, by the Class constants.
func UsageClasses() (c [4][]string) {
	for _, f := range Features {
		for i, in := range (UsageEvent{Feature: f}).Classes() {
			if in {
				c[i] = append(c[i], f)
			}
		}
	}
	return c
}

// Newer says whether e's IDE, plugin and versions supersede o's as the
// last known: e is later, or at the same second with greater versions (by
// byte order), so that the choice never depends on the order in which
// events were recorded.
func (e UsageEvent) Newer(o UsageEvent) bool {
	if !e.At.Equal(o.At) {
		return e.At.After(o.At)
	}
	return cmp.Or(strings.Compare(e.IDEVersion, o.IDEVersion), strings.Compare(e.Plugin, o.Plugin),
		strings.Compare(e.PluginVersion, o.PluginVersion)) > 0
}

// Editor is the last_activity_editor an event leaves on the seat, in
// GitHub's "ide/version/plugin/version" form.
func (e UsageEvent) Editor() string {
	if e.Feature == FeatureCLI {
		return "copilot-cli/" + e.IDEVersion
	}
	s := e.IDE + "/" + e.IDEVersion
	if e.Plugin != "" {
		s += "/" + e.Plugin + "/" + e.PluginVersion
	}
	return s
}
