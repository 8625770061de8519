package generate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// A generated user's habits: one editor, one main language, a chance of
// using Copilot on a working day (less at weekends), and how much.
type habit struct {
	ide, ideVersion, plugin, pluginVersion string
	language                               string
	daily                                  int // percent chance of a working day with Copilot
	volume                                 int64
	chat, agent, cli                       int // percent chance, on an active day
}

var (
	ides = []struct {
		weight                                 int
		ide, ideVersion, plugin, pluginVersion string
	}{
		{70, "vscode", "1.99.3", "copilot-chat", "0.26.7"},
		{20, "intellij", "2025.1", "copilot-intellij", "1.5.40"},
		{6, "visualstudio", "17.14.0", "copilot-vs", "1.0.0"},
		{4, "neovim", "0.11.0", "copilot.vim", "1.40.0"},
	}
	languages = []string{"typescript", "python", "go", "java", "javascript", "csharp", "rust", "ruby", "kotlin", "unknown"}
	models    = []string{"gpt-4.1", "gpt-4.1", "claude-sonnet-4", "gpt-5-mini", "gemini-2.5-pro"}
	chats     = []string{"chat_panel_ask_mode", "chat_panel_ask_mode", "chat_panel_edit_mode", "chat_inline", "chat_panel_plan_mode"}
)

func newHabit(rng *rand.Rand) habit {
	w := rng.IntN(100)
	i := 0
	for ; w >= ides[i].weight; i++ {
		w -= ides[i].weight
	}
	d := ides[i]
	// Languages by a rough popularity: earlier ones more often.
	lang := languages[min(rng.IntN(len(languages)), rng.IntN(len(languages)))]
	return habit{ide: d.ide, ideVersion: d.ideVersion, plugin: d.plugin, pluginVersion: d.pluginVersion, language: lang,
		daily: 30 + rng.IntN(65), volume: 1 + rng.Int64N(8), chat: rng.IntN(80), agent: rng.IntN(40), cli: rng.IntN(25)}
}

// generateUsage writes days of usage for the users whose activity acts
// holds, and sets that activity to their last event (the activity of
// those without an event in the window moves before it).
func generateUsage(ctx context.Context, tx *store.Tx, orgID int64, users []seatkeeper.User, acts map[int64]seatkeeper.Activity, days int, rng *rand.Rand, now time.Time) error {
	today := now.Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -days)
	habits := make(map[int64]habit, len(acts))
	for _, u := range users {
		if _, ok := acts[u.ID]; ok {
			habits[u.ID] = newHabit(rng)
			delete(acts, u.ID)
		}
	}
	var batch []seatkeeper.UsageEvent
	prs := newPullRequests(len(users))
	flush := func() error {
		err := tx.AddUsage(ctx, store.UsageScope{OrgID: orgID}, batch)
		batch = batch[:0]
		if err == nil && len(prs.batch) > 0 {
			err = tx.AddPullRequests(ctx, orgID, prs.batch)
			prs.batch = prs.batch[:0]
		}
		return err
	}
	for day := first; !day.After(today); day = day.AddDate(0, 0, 1) {
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		for _, u := range users {
			h, ok := habits[u.ID]
			if !ok {
				continue
			}
			chance := h.daily
			if weekend {
				chance /= 6
			}
			if rng.IntN(100) >= chance {
				continue
			}
			at := day.Add(time.Duration(7*3600+rng.IntN(11*3600)) * time.Second)
			if !at.Before(now) {
				continue
			}
			base := seatkeeper.UsageEvent{UserID: u.ID, At: at, IDE: h.ide, IDEVersion: h.ideVersion, Plugin: h.plugin,
				PluginVersion: h.pluginVersion, Language: h.language}
			gen := h.volume * (3 + rng.Int64N(30))
			acc := gen * (20 + rng.Int64N(20)) / 100
			cc := base
			cc.Feature, cc.Generations, cc.Acceptances = seatkeeper.FeatureCodeCompletion, gen, acc
			cc.LOCSuggestedAdd, cc.LOCAdded = gen*2, acc*2
			batch = append(batch, cc)
			last := cc
			if rng.IntN(100) < h.chat {
				c := base
				c.At = at.Add(time.Duration(rng.IntN(3600)) * time.Second)
				c.Feature, c.Model = chats[rng.IntN(len(chats))], models[rng.IntN(len(models))]
				c.Interactions = 1 + rng.Int64N(8)
				c.Generations = c.Interactions + rng.Int64N(4)
				c.Acceptances = c.Generations / 2
				c.LOCSuggestedAdd, c.LOCAdded = c.Generations*6, c.Acceptances*5
				if c.At.Before(now) {
					batch, last = append(batch, c), c
				}
			}
			if rng.IntN(100) < h.agent {
				a := base
				a.At = at.Add(time.Duration(3600+rng.IntN(3600)) * time.Second)
				a.Feature, a.Model = seatkeeper.FeatureAgentMode, models[rng.IntN(len(models))]
				a.Interactions = 1 + rng.Int64N(4)
				a.Generations, a.Acceptances = a.Interactions*2, a.Interactions
				a.LOCAdded, a.LOCDeleted = 10+rng.Int64N(120), rng.Int64N(40)
				if a.At.Before(now) {
					batch, last = append(batch, a), a
				}
			}
			if rng.IntN(100) < h.cli {
				c := seatkeeper.UsageEvent{UserID: u.ID, At: at.Add(30 * time.Minute), Feature: seatkeeper.FeatureCLI, IDEVersion: "1.0.8", Language: "unknown"}
				c.Sessions = 1 + rng.Int64N(2)
				c.Interactions = c.Sessions * (1 + rng.Int64N(5))
				c.Requests = c.Interactions * (1 + rng.Int64N(3))
				c.PromptTokens, c.OutputTokens = c.Requests*(1500+rng.Int64N(3000)), c.Requests*(300+rng.Int64N(900))
				if c.At.Before(now) {
					batch = append(batch, c)
					if c.At.After(last.At) {
						last = c
					}
				}
			}
			prs.day(rng, u.ID, h, at, now)
			t := last.At
			acts[u.ID] = seatkeeper.Activity{LastActivityAt: &t, LastActivityEditor: last.Editor()}
		}
		if err := flush(); err != nil {
			return err
		}
	}
	// The active users without an event in the window were last active
	// before it.
	for _, u := range users {
		h, ok := habits[u.ID]
		if _, active := acts[u.ID]; ok && !active {
			t := first.Add(-time.Duration(1+rng.IntN(60*24)) * time.Hour)
			e := seatkeeper.UsageEvent{IDE: h.ide, IDEVersion: h.ideVersion, Plugin: h.plugin, PluginVersion: h.pluginVersion}
			acts[u.ID] = seatkeeper.Activity{LastActivityAt: &t, LastActivityEditor: e.Editor()}
		}
	}
	return nil
}

// pullRequests makes the pull requests of a generated org's active
// users: on an active day a user opens one with a chance of 1 in 5 (by
// Copilot's coding agent with half their agent habit's chance), in one of
// the org's repositories (a repository for every 25 users); Copilot code
// review reviews 2 in 5, and 7 in 10 merge, from 10 minutes to about 3
// days after, if that is before now.
type pullRequests struct {
	repos int
	next  map[int]int64 // the next number, by repository
	batch []seatkeeper.PullRequestEvent
}

func newPullRequests(users int) *pullRequests {
	return &pullRequests{repos: max(1, users/25), next: map[int]int64{}}
}

func (p *pullRequests) day(rng *rand.Rand, userID int64, h habit, at, now time.Time) {
	if rng.IntN(100) >= 20 {
		return
	}
	repo := rng.IntN(p.repos)
	p.next[repo]++
	pr := seatkeeper.PullRequestEvent{UserID: userID, At: at.Add(2 * time.Hour), Repository: fmt.Sprintf("repo-%04d", repo),
		Number: p.next[repo], Action: seatkeeper.PullRequestCreated, ByAgent: rng.IntN(200) < h.agent}
	if !pr.At.Before(now) {
		return
	}
	p.batch = append(p.batch, pr)
	if rng.IntN(100) < 40 {
		r := pr
		r.At, r.Action, r.ByAgent, r.ByCodeReview = pr.At.Add(10*time.Minute), seatkeeper.PullRequestReviewed, false, true
		r.Suggestions = rng.Int64N(6)
		r.AppliedSuggestions = rng.Int64N(r.Suggestions + 1)
		if r.At.Before(now) {
			p.batch = append(p.batch, r)
			pr.ByCodeReview = true
		}
	}
	if rng.IntN(100) < 70 {
		m := pr
		m.Action, m.MinutesToMerge = seatkeeper.PullRequestMerged, 10+rng.Int64N(4320)
		m.At = pr.At.Add(time.Duration(m.MinutesToMerge) * time.Minute)
		if m.At.Before(now) {
			p.batch = append(p.batch, m)
		}
	}
}
