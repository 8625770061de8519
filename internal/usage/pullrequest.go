package usage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// PullRequest is a pull-request event as the control API and seed
// documents take it (POST …/copilot/usage's pull_requests, an org seed's
// pull_requests:). Repository is the repository's name, or owner/name.
type PullRequest struct {
	User               string  `json:"user" yaml:"user"`
	At                 *string `json:"at" yaml:"at"`
	Repository         string  `json:"repository" yaml:"repository"`
	Visibility         string  `json:"visibility,omitempty" yaml:"visibility,omitempty"`
	Number             int64   `json:"number" yaml:"number"`
	Action             string  `json:"action" yaml:"action"`
	CopilotCodingAgent bool    `json:"copilot_coding_agent,omitempty" yaml:"copilot_coding_agent,omitempty"`
	CopilotCodeReview  bool    `json:"copilot_code_review,omitempty" yaml:"copilot_code_review,omitempty"`
	Suggestions        int64   `json:"suggestions,omitempty" yaml:"suggestions,omitempty"`
	AppliedSuggestions int64   `json:"applied_suggestions,omitempty" yaml:"applied_suggestions,omitempty"`
	MinutesToMerge     *int64  `json:"minutes_to_merge,omitempty" yaml:"minutes_to_merge,omitempty"`
}

// Owner splits Repository into its owner (empty when not given) and name.
func (in PullRequest) Owner() (owner, name string) {
	if o, n, ok := strings.Cut(in.Repository, "/"); ok {
		return o, n
	}
	return "", in.Repository
}

// Parse checks a pull-request event of the UTC day day at now, as
// Event.Parse does its time. The event's Repository is the name alone,
// and its Owner the owner when given.
func (in PullRequest) Parse(day, now time.Time) (seatkeeper.PullRequestEvent, error) {
	at, err := eventTime(in.At, day, now)
	if err != nil {
		return seatkeeper.PullRequestEvent{}, err
	}
	owner, name := in.Owner()
	merged := in.Action == seatkeeper.PullRequestMerged
	switch {
	case in.User == "":
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("user: a login is needed")
	case name == "" || strings.Contains(name, "/"):
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("repository: %q is not a repository's name or owner/name", in.Repository)
	case in.Visibility != "" && !slices.Contains(seatkeeper.RepositoryVisibilities, in.Visibility):
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("visibility: %q is not one of %v", in.Visibility, seatkeeper.RepositoryVisibilities)
	case in.Number < 1:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("number: a pull request's number (1 or more) is needed")
	case !slices.Contains(seatkeeper.PullRequestActions, in.Action):
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("action: %q is not one of %v", in.Action, seatkeeper.PullRequestActions)
	case in.CopilotCodingAgent && in.Action == seatkeeper.PullRequestReviewed:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("copilot_coding_agent: only a created or merged event says who created the pull request")
	case in.CopilotCodeReview && in.Action == seatkeeper.PullRequestCreated:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("copilot_code_review: only a reviewed or merged event says Copilot reviewed")
	case (in.Suggestions != 0 || in.AppliedSuggestions != 0) && in.Action != seatkeeper.PullRequestReviewed:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("suggestions: only a reviewed event makes suggestions")
	case in.Suggestions < 0 || in.AppliedSuggestions < 0 || in.AppliedSuggestions > in.Suggestions:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("applied_suggestions: suggestions and applied_suggestions are not negative, and no more are applied than made")
	case merged != (in.MinutesToMerge != nil):
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("minutes_to_merge: a merged event, and only a merged one, gives its minutes_to_merge")
	case merged && *in.MinutesToMerge < 0:
		return seatkeeper.PullRequestEvent{}, fmt.Errorf("minutes_to_merge: must not be negative")
	}
	e := seatkeeper.PullRequestEvent{
		Login: in.User, At: at, Repository: name, Owner: owner, Visibility: in.Visibility, Number: in.Number, Action: in.Action,
		ByAgent: in.CopilotCodingAgent, ByCodeReview: in.CopilotCodeReview,
		Suggestions: in.Suggestions, AppliedSuggestions: in.AppliedSuggestions,
	}
	if merged {
		e.MinutesToMerge = *in.MinutesToMerge
	}
	return e, nil
}

// PullRequestOf is e as a PullRequest, for exports: owner names the
// repository's organization.
func PullRequestOf(owner string, e seatkeeper.PullRequestEvent) PullRequest {
	at := e.At.UTC().Format(time.RFC3339)
	out := PullRequest{User: e.Login, At: &at, Repository: owner + "/" + e.Repository, Visibility: e.Visibility,
		Number: e.Number, Action: e.Action, CopilotCodingAgent: e.ByAgent, CopilotCodeReview: e.ByCodeReview,
		Suggestions: e.Suggestions, AppliedSuggestions: e.AppliedSuggestions}
	if e.Action == seatkeeper.PullRequestMerged {
		m := e.MinutesToMerge
		out.MinutesToMerge = &m
	}
	return out
}
