// Package usage computes GitHub's Copilot usage-metrics reports from the
// usage events seatkeeper records (store.EachUsage), as the NDJSON
// records of GitHub's "Copilot usage metrics API and export fields"
// reference, and signs the download links that serve them (sign.go).
// Reports are computed when downloaded, never stored.
package usage

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// counts are the volume counters every breakdown carries.
type counts struct {
	CodeAcceptance     int64 `json:"code_acceptance_activity_count"`
	CodeGeneration     int64 `json:"code_generation_activity_count"`
	LOCAdded           int64 `json:"loc_added_sum"`
	LOCDeleted         int64 `json:"loc_deleted_sum"`
	LOCSuggestedAdd    int64 `json:"loc_suggested_to_add_sum"`
	LOCSuggestedDelete int64 `json:"loc_suggested_to_delete_sum"`
}

func (c *counts) add(e seatkeeper.UsageEvent) {
	c.CodeAcceptance += e.Acceptances
	c.CodeGeneration += e.Generations
	c.LOCAdded += e.LOCAdded
	c.LOCDeleted += e.LOCDeleted
	c.LOCSuggestedAdd += e.LOCSuggestedAdd
	c.LOCSuggestedDelete += e.LOCSuggestedDelete
}

type byFeature struct {
	counts
	Feature      string `json:"feature"`
	Interactions int64  `json:"user_initiated_interaction_count"`
}

type ideVersion struct {
	IDEVersion string `json:"ide_version"`
	SampledAt  string `json:"sampled_at"`
}

type pluginVersion struct {
	Plugin        string `json:"plugin"`
	PluginVersion string `json:"plugin_version"`
	SampledAt     string `json:"sampled_at"`
}

type byIDE struct {
	counts
	IDE             string                `json:"ide"`
	LastKnownIDE    *ideVersion           `json:"last_known_ide_version,omitempty"`
	LastKnownPlugin *pluginVersion        `json:"last_known_plugin_version,omitempty"`
	Interactions    int64                 `json:"user_initiated_interaction_count"`
	last            seatkeeper.UsageEvent // the latest event (Newer) seen
}

type byLanguageFeature struct {
	counts
	Feature  string `json:"feature"`
	Language string `json:"language"`
}

type byLanguageModel struct {
	counts
	Language string `json:"language"`
	Model    string `json:"model"`
}

type byModelFeature struct {
	counts
	Feature      string `json:"feature"`
	Model        string `json:"model"`
	Interactions int64  `json:"user_initiated_interaction_count"`
}

type cliVersion struct {
	CLIVersion string `json:"cli_version"`
	SampledAt  string `json:"sampled_at"`
}

type tokenUsage struct {
	AvgTokensPerRequest float64 `json:"avg_tokens_per_request"`
	OutputTokens        int64   `json:"output_tokens_sum"`
	PromptTokens        int64   `json:"prompt_tokens_sum"`
}

type byCLI struct {
	LastKnown *cliVersion           `json:"last_known_cli_version,omitempty"`
	Prompts   int64                 `json:"prompt_count"`
	Requests  int64                 `json:"request_count"`
	Sessions  int64                 `json:"session_count"`
	Tokens    tokenUsage            `json:"token_usage"`
	last      seatkeeper.UsageEvent // the latest event (Newer) seen
}

// totals is a record's sums and breakdowns, per user or per scope and day.
type totals struct {
	Interactions int64 `json:"user_initiated_interaction_count"`
	counts
	Features                     []*byFeature         `json:"totals_by_feature"`
	IDEs                         []*byIDE             `json:"totals_by_ide"`
	LanguageFeatures             []*byLanguageFeature `json:"totals_by_language_feature"`
	LanguageModels               []*byLanguageModel   `json:"totals_by_language_model"`
	ModelFeatures                []*byModelFeature    `json:"totals_by_model_feature"`
	CLI                          *byCLI               `json:"totals_by_cli,omitempty"`
	usedChat, usedAgent, usedCLI bool
}

func newTotals() totals {
	// Empty breakdowns are [] on GitHub, never null.
	return totals{Features: []*byFeature{}, IDEs: []*byIDE{}, LanguageFeatures: []*byLanguageFeature{},
		LanguageModels: []*byLanguageModel{}, ModelFeatures: []*byModelFeature{}}
}

// find returns the element of *list that match selects, adding the one
// make returns when there is none.
func find[T any](list *[]*T, match func(*T) bool, make func() *T) *T {
	for _, x := range *list {
		if match(x) {
			return x
		}
	}
	x := make()
	*list = append(*list, x)
	return x
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// add sums one event; versions tells whether to keep the last known
// IDE, plugin and CLI versions (per-user records only).
func (t *totals) add(e seatkeeper.UsageEvent, versions bool) {
	if e.Feature == seatkeeper.FeatureCLI {
		// The CLI counts in totals_by_cli alone.
		t.usedCLI = true
		if t.CLI == nil {
			t.CLI = &byCLI{}
		}
		c := t.CLI
		c.Prompts += e.Interactions
		c.Requests += e.Requests
		c.Sessions += e.Sessions
		c.Tokens.OutputTokens += e.OutputTokens
		c.Tokens.PromptTokens += e.PromptTokens
		if c.Requests > 0 {
			c.Tokens.AvgTokensPerRequest = float64(c.Tokens.OutputTokens+c.Tokens.PromptTokens) / float64(c.Requests)
		}
		if versions && (c.LastKnown == nil || e.Newer(c.last)) {
			c.last = e
			c.LastKnown = &cliVersion{CLIVersion: e.IDEVersion, SampledAt: stamp(e.At)}
		}
		return
	}
	t.usedChat = t.usedChat || e.UsedChat()
	t.usedAgent = t.usedAgent || e.UsedAgent()
	t.Interactions += e.Interactions
	t.counts.add(e)
	f := find(&t.Features, func(x *byFeature) bool { return x.Feature == e.Feature }, func() *byFeature { return &byFeature{Feature: e.Feature} })
	f.counts.add(e)
	f.Interactions += e.Interactions
	i := find(&t.IDEs, func(x *byIDE) bool { return x.IDE == e.IDE }, func() *byIDE { return &byIDE{IDE: e.IDE} })
	i.counts.add(e)
	i.Interactions += e.Interactions
	if versions && (i.LastKnownIDE == nil || e.Newer(i.last)) {
		i.last = e
		i.LastKnownIDE = &ideVersion{IDEVersion: e.IDEVersion, SampledAt: stamp(e.At)}
		i.LastKnownPlugin = &pluginVersion{Plugin: e.Plugin, PluginVersion: e.PluginVersion, SampledAt: stamp(e.At)}
	}
	lf := find(&t.LanguageFeatures, func(x *byLanguageFeature) bool { return x.Feature == e.Feature && x.Language == e.Language },
		func() *byLanguageFeature { return &byLanguageFeature{Feature: e.Feature, Language: e.Language} })
	lf.counts.add(e)
	if e.Feature == seatkeeper.FeatureCodeCompletion || e.Model == "" {
		return // model breakdowns are for chat activity, not completions
	}
	lm := find(&t.LanguageModels, func(x *byLanguageModel) bool { return x.Language == e.Language && x.Model == e.Model },
		func() *byLanguageModel { return &byLanguageModel{Language: e.Language, Model: e.Model} })
	lm.counts.add(e)
	mf := find(&t.ModelFeatures, func(x *byModelFeature) bool { return x.Model == e.Model && x.Feature == e.Feature },
		func() *byModelFeature { return &byModelFeature{Model: e.Model, Feature: e.Feature} })
	mf.counts.add(e)
	mf.Interactions += e.Interactions
}

// sort orders the breakdowns by their keys, so that a report reads the
// same however its events were recorded.
func (t *totals) sort() {
	slices.SortFunc(t.Features, func(a, b *byFeature) int { return strings.Compare(a.Feature, b.Feature) })
	slices.SortFunc(t.IDEs, func(a, b *byIDE) int { return strings.Compare(a.IDE, b.IDE) })
	slices.SortFunc(t.LanguageFeatures, func(a, b *byLanguageFeature) int {
		return cmp.Or(strings.Compare(a.Language, b.Language), strings.Compare(a.Feature, b.Feature))
	})
	slices.SortFunc(t.LanguageModels, func(a, b *byLanguageModel) int {
		return cmp.Or(strings.Compare(a.Language, b.Language), strings.Compare(a.Model, b.Model))
	})
	slices.SortFunc(t.ModelFeatures, func(a, b *byModelFeature) int {
		return cmp.Or(strings.Compare(a.Model, b.Model), strings.Compare(a.Feature, b.Feature))
	})
}

// Scope is whose usage a report covers: an organization or an enterprise.
type Scope struct {
	OrgID        string `json:"organization_id,omitempty"`
	EnterpriseID string `json:"enterprise_id,omitempty"`
}

// userRecord is a line of the users reports: one user's day.
type userRecord struct {
	Day string `json:"day"`
	Scope
	UserID    int64  `json:"user_id"`
	UserLogin string `json:"user_login"`
	totals
	UsedAgent bool `json:"used_agent"`
	UsedChat  bool `json:"used_chat"`
	UsedCLI   bool `json:"used_cli"`
}

// dayRecord is a line of the 1-day aggregate reports, and each of a
// 28-day report's day_totals.
type dayRecord struct {
	Day string `json:"day"`
	Scope
	DailyActiveUsers        int  `json:"daily_active_users"`
	WeeklyActiveUsers       int  `json:"weekly_active_users"`
	MonthlyActiveUsers      int  `json:"monthly_active_users"`
	MonthlyActiveChatUsers  int  `json:"monthly_active_chat_users"`
	MonthlyActiveAgentUsers int  `json:"monthly_active_agent_users"`
	DailyActiveCLIUsers     *int `json:"daily_active_cli_users,omitempty"`
	totals
	PullRequests *pullRequests `json:"pull_requests,omitempty"` // the reports' (Request.PullRequests)
}
