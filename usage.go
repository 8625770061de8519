package seatkeeper

import "time"

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
