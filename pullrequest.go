package seatkeeper

import "time"

// The actions a PullRequestEvent records.
const (
	PullRequestCreated  = "created"
	PullRequestReviewed = "reviewed"
	PullRequestMerged   = "merged"
)

// PullRequestActions are the values PullRequestEvent.Action takes.
var PullRequestActions = []string{PullRequestCreated, PullRequestReviewed, PullRequestMerged}

// Repository visibilities (repo_visibility in the repos-1-day records).
var RepositoryVisibilities = []string{"private", "internal", "public"}

// PullRequestEvent is one thing that happened to a pull request in one of
// an organization's repositories, on behalf of a seat holder: what
// GitHub's repos-1-day usage-metrics reports count per repository and
// day, with the parts Copilot's coding agent and code review took.
type PullRequestEvent struct {
	UserID int64
	Login  string // filled when read back
	At     time.Time
	// Repository is the repository's name in its organization; RepoID is
	// filled when read back. Visibility, when set, is the repository's
	// (RepositoryVisibilities); a repository first named without one is
	// private.
	Repository string
	Owner      string // the repository's organization, when the event names it
	RepoID     int64
	Visibility string
	// Number is the pull request's number in its repository: a pull
	// request reviewed twice in a day counts once that day.
	Number int64
	Action string // one of PullRequestActions
	// ByAgent: the pull request was created by Copilot's coding agent
	// (created, merged). ByCodeReview: Copilot code review reviewed it
	// (reviewed: this review is Copilot's; merged: it had one).
	ByAgent, ByCodeReview bool
	// Suggestions the review made and those applied (reviewed).
	Suggestions, AppliedSuggestions int64
	// MinutesToMerge is the time from creation to merge (merged).
	MinutesToMerge int64
}
