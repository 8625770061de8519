package seed

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// orgScope plans the entries inside one organization, which refer to each
// other.
type orgScope struct {
	*planner
	enterprise *enterpriseRef // nil when the org belongs to no enterprise

	members map[string]*ref // by login key
	teams   map[string]*ref // by slug key

	memberAt, teamSlugAt, teamNameAt, seatAt, residualAt, activityAt claims[string]
}

func (p *planner) planOrg(l loc, o Organization) (orgPlan, error) {
	r, err := p.declareAccount(l, o.Login, o.ID, p.orgs)
	if err != nil {
		return orgPlan{}, err
	}
	s := &orgScope{
		planner: p, members: map[string]*ref{}, teams: map[string]*ref{},
		memberAt: claims[string]{}, teamSlugAt: claims[string]{}, teamNameAt: claims[string]{},
		seatAt: claims[string]{}, residualAt: claims[string]{}, activityAt: claims[string]{},
	}
	created, updated, err := p.times(l, o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return orgPlan{}, err
	}
	out := orgPlan{ref: r, org: seatkeeper.Organization{
		ID: o.ID, Login: o.Login, Name: o.Name, Description: o.Description, CreatedAt: created, UpdatedAt: updated,
	}}
	if o.Enterprise != "" {
		if s.enterprise, err = resolve(l, "enterprise", o.Enterprise, "enterprise", p.enterprise); err != nil {
			return orgPlan{}, err
		}
		out.enterprise = s.enterprise.ref
	}
	if o.Copilot != nil {
		if out.subscription, err = p.subscription(l, *o.Copilot); err != nil {
			return orgPlan{}, err
		}
	} else if field := cmp.Or(nonEmpty("seats", o.Seats), nonEmpty("residual_seats", o.ResidualSeats),
		nonEmpty("activity", o.Activity), nonEmpty("usage", o.Usage), nonEmpty("pull_requests", o.PullRequests)); field != "" {
		return orgPlan{}, l.errorf(field, "Copilot is not enabled in the organization: add a copilot section")
	}
	if out.members, err = each(l, "members", o.Members, s.planMember); err != nil {
		return orgPlan{}, err
	}
	teams, err := each(l, "teams", o.Teams, s.planTeam)
	if err != nil {
		return orgPlan{}, err
	}
	if out.teams, err = orderTeams(teams); err != nil {
		return orgPlan{}, err
	}
	if out.grants, err = each(l, "seats", o.Seats, s.planSeat); err != nil {
		return orgPlan{}, err
	}
	if out.residuals, err = each(l, "residual_seats", o.ResidualSeats, s.planResidual); err != nil {
		return orgPlan{}, err
	}
	if out.activity, err = each(l, "activity", o.Activity, s.planActivity); err != nil {
		return orgPlan{}, err
	}
	if out.usage, err = each(l, "usage", o.Usage, s.planUsage); err != nil {
		return orgPlan{}, err
	}
	if out.pullRequests, err = each(l, "pull_requests", o.PullRequests, func(l loc, e usage.PullRequest) (pullRequestPlan, error) {
		return s.planPullRequest(l, o.Login, e)
	}); err != nil {
		return orgPlan{}, err
	}
	return out, nil
}

// nonEmpty returns field when list has entries.
func nonEmpty[T any](field string, list []T) string {
	if len(list) == 0 {
		return ""
	}
	return field
}

// subscription checks an org's copilot section and fills in the defaults.
func (p *planner) subscription(org loc, c Copilot) (*seatkeeper.Subscription, error) {
	l := loc{path: org.String() + ".copilot"}
	s := seatkeeper.DefaultSubscription()
	for _, f := range []struct {
		field, value string
		dst          *string
		allowed      []string
	}{
		{"plan_type", c.PlanType, &s.PlanType, seatkeeper.PlanTypes},
		{"seat_management_setting", c.SeatManagementSetting, &s.SeatManagementSetting, seatkeeper.SeatManagementSettings},
		{"public_code_suggestions", c.PublicCodeSuggestions, &s.PublicCodeSuggestions, seatkeeper.PublicCodeSuggestions},
		{"ide_chat", c.IDEChat, &s.IDEChat, seatkeeper.FeatureSettings},
		{"platform_chat", c.PlatformChat, &s.PlatformChat, seatkeeper.FeatureSettings},
		{"cli", c.CLI, &s.CLI, seatkeeper.FeatureSettings},
	} {
		if f.value == "" {
			continue
		}
		if err := oneOf(l, f.field, f.value, f.allowed); err != nil {
			return nil, err
		}
		*f.dst = f.value
	}
	if c.BillingCycleDay != nil {
		if day := *c.BillingCycleDay; day < 1 || day > 28 {
			return nil, l.errorf("billing_cycle_day", "%d is not between 1 and 28", day)
		}
		s.BillingCycleDay = *c.BillingCycleDay
	}
	var err error
	if s.CreatedAt, s.UpdatedAt, err = p.times(l, c.CreatedAt, c.UpdatedAt); err != nil {
		return nil, err
	}
	return &s, nil
}

// member resolves the login of one of the org's members, in any state.
func (s *orgScope) member(login string) (*ref, bool, error) {
	r, ok := s.members[seatkeeper.LoginKey(login)]
	return r, ok, nil
}

// team resolves the slug of one of the org's teams.
func (s *orgScope) team(slug string) (*ref, bool, error) {
	r, ok := s.teams[seatkeeper.LoginKey(slug)]
	return r, ok, nil
}

// enterpriseTeam resolves the slug of a team of the org's enterprise.
func (s *orgScope) enterpriseTeam(slug string) (*ref, bool, error) {
	if s.enterprise == nil {
		return nil, false, nil
	}
	return s.teamIn(s.enterprise, slug)
}

func (s *orgScope) planMember(l loc, m Member) (memberPlan, error) {
	user, err := resolve(loc{path: l.path}, "login", m.Login, "user", s.user)
	if err != nil {
		return memberPlan{}, err
	}
	key := seatkeeper.LoginKey(m.Login)
	if prev, ok := s.memberAt.claim(key, l); !ok {
		return memberPlan{}, l.keyErrorf("login", "duplicate member %q (also %s)", m.Login, prev)
	}
	role, state := cmp.Or(m.Role, seatkeeper.RoleMember), cmp.Or(m.State, seatkeeper.StateActive)
	if err := oneOf(l, "role", role, []string{seatkeeper.RoleAdmin, seatkeeper.RoleMember}); err != nil {
		return memberPlan{}, err
	}
	if err := oneOf(l, "state", state, []string{seatkeeper.StateActive, seatkeeper.StatePending}); err != nil {
		return memberPlan{}, err
	}
	if m.Public && state != seatkeeper.StateActive {
		return memberPlan{}, l.errorf("public", "only an active membership can be public")
	}
	created, updated, err := s.times(l, m.CreatedAt, m.UpdatedAt)
	if err != nil {
		return memberPlan{}, err
	}
	s.members[key] = user
	return memberPlan{user: user, public: m.Public, membership: seatkeeper.Membership{
		Role: role, State: state, CreatedAt: created, UpdatedAt: updated,
	}}, nil
}

// Allowed values of team settings, as GitHub spells them.
var (
	teamPrivacies            = []string{"secret", "closed"}
	teamNotificationSettings = []string{"notifications_enabled", "notifications_disabled"}
	teamPermissions          = []string{"pull", "triage", "push", "maintain", "admin"}
)

// planTeam plans a team but its parent, which orderTeams resolves once
// every team of the org is known.
func (s *orgScope) planTeam(l loc, t Team) (teamPlan, error) {
	slug, err := teamSlugOf(l, t.Slug, t.Name)
	if err != nil {
		return teamPlan{}, err
	}
	key := seatkeeper.LoginKey(slug)
	if prev, ok := s.teamSlugAt.claim(key, l); !ok {
		return teamPlan{}, l.keyErrorf(slugField(t.Slug), "duplicate team slug %q (also %s)", slug, prev)
	}
	if prev, ok := s.teamNameAt.claim(seatkeeper.LoginKey(t.Name), l); !ok {
		return teamPlan{}, l.keyErrorf("name", "duplicate team name %q (also %s)", t.Name, prev)
	}
	privacy := cmp.Or(t.Privacy, "secret")
	if t.Parent != "" {
		privacy = cmp.Or(t.Privacy, "closed")
	}
	notification := cmp.Or(t.NotificationSetting, "notifications_enabled")
	permission := cmp.Or(t.Permission, "pull")
	for _, c := range []struct {
		field, value string
		allowed      []string
	}{
		{"privacy", privacy, teamPrivacies},
		{"notification_setting", notification, teamNotificationSettings},
		{"permission", permission, teamPermissions},
	} {
		if err := oneOf(l, c.field, c.value, c.allowed); err != nil {
			return teamPlan{}, err
		}
	}
	if t.Parent != "" && privacy != "closed" {
		return teamPlan{}, l.errorf("privacy", "a nested team must be closed, not %s", privacy)
	}
	err = s.declareID(l, t.ID, s.teamIDs, "a team", func(ctx context.Context, id int64) error {
		_, err := s.tx.TeamByID(ctx, id)
		return err
	})
	if err != nil {
		return teamPlan{}, err
	}
	created, updated, err := s.times(l, t.CreatedAt, t.UpdatedAt)
	if err != nil {
		return teamPlan{}, err
	}
	members, err := s.teamMembers(l, t.Members, "organization member", s.member, true)
	if err != nil {
		return teamPlan{}, err
	}
	r := &ref{}
	s.teams[key] = r
	return teamPlan{ref: r, members: members, at: l, parentSlug: t.Parent, team: seatkeeper.Team{
		ID: t.ID, Name: t.Name, Slug: slug, Description: t.Description, Privacy: privacy,
		NotificationSetting: notification, Permission: permission, CreatedAt: created, UpdatedAt: updated,
	}}, nil
}

// orderTeams resolves each team's parent among teams and returns the teams
// with every parent before its children. A parent cycle is an error.
func orderTeams(teams []teamPlan) ([]teamPlan, error) {
	index := make(map[string]int, len(teams))
	for i, t := range teams {
		index[seatkeeper.LoginKey(t.team.Slug)] = i
	}
	parent := make([]int, len(teams))
	for i, t := range teams {
		parent[i] = -1
		if t.parentSlug == "" {
			continue
		}
		j, ok := index[seatkeeper.LoginKey(t.parentSlug)]
		if !ok {
			return nil, t.at.errorf("parent", "unknown team %q", t.parentSlug)
		}
		parent[i] = j
	}

	const (
		unvisited = iota
		visiting  // on the path being followed up to the root
		placed
	)
	state := make([]int, len(teams))
	order := make([]teamPlan, 0, len(teams))
	var place func(i int) error
	place = func(i int) error {
		switch state[i] {
		case placed:
			return nil
		case visiting:
			chain := []string{teams[i].team.Slug}
			for j := parent[i]; j != i; j = parent[j] {
				chain = append(chain, teams[j].team.Slug)
			}
			chain = append(chain, teams[i].team.Slug)
			return teams[i].at.errorf("parent", "cycle %s", strings.Join(chain, " -> "))
		}
		state[i] = visiting
		t := teams[i]
		if j := parent[i]; j >= 0 {
			if err := place(j); err != nil {
				return err
			}
			t.parent = teams[j].ref
		}
		state[i] = placed
		order = append(order, t)
		return nil
	}
	for i := range teams {
		if err := place(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// seatTarget is one of the things a seat may be granted to.
type seatTarget struct {
	field, name, what string
	kind              seatkeeper.GrantKind
	find              func(string) (*ref, bool, error)
}

func (s *orgScope) planSeat(l loc, seat Seat) (grantPlan, error) {
	var target seatTarget
	var given []string
	for _, t := range []seatTarget{
		{"user", seat.User, "organization member", seatkeeper.GrantUser, s.member},
		{"team", seat.Team, "team", seatkeeper.GrantTeam, s.team},
		{"enterprise_team", seat.EnterpriseTeam, "enterprise team", seatkeeper.GrantEnterpriseTeam, s.enterpriseTeam},
	} {
		if t.name != "" {
			target, given = t, append(given, t.field)
		}
	}
	if len(given) != 1 {
		return grantPlan{}, l.errorf("", "a seat needs exactly one of user, team and enterprise_team; it has %s",
			cmp.Or(strings.Join(given, " and "), "none"))
	}
	if target.kind == seatkeeper.GrantEnterpriseTeam && s.enterprise == nil {
		return grantPlan{}, l.errorf(target.field, "the organization belongs to no enterprise")
	}
	return s.planGrant(l, target, seat, s.seatAt)
}

// planGrant plans a seat granted to target, once per target (seatAt).
func (p *planner) planGrant(l loc, target seatTarget, seat Seat, seatAt claims[string]) (grantPlan, error) {
	r, err := resolve(l, target.field, target.name, target.what, target.find)
	if err != nil {
		return grantPlan{}, err
	}
	if prev, ok := seatAt.claim(target.field+" "+seatkeeper.LoginKey(target.name), l); !ok {
		return grantPlan{}, l.errorf(target.field, "duplicate seat for %s %q (also %s)", target.what, target.name, prev)
	}
	created, updated, err := p.times(l, seat.CreatedAt, seat.UpdatedAt)
	if err != nil {
		return grantPlan{}, err
	}
	pending, err := date(l, "pending_cancellation_date", seat.PendingCancellationDate)
	if err != nil {
		return grantPlan{}, err
	}
	return grantPlan{target: r, grant: seatkeeper.Grant{
		Kind: target.kind, CreatedAt: created, UpdatedAt: updated, PendingCancellationDate: pending,
	}}, nil
}

func (s *orgScope) planResidual(l loc, rs ResidualSeat) (residualPlan, error) {
	user, err := resolve(loc{path: l.path}, "user", rs.User, "organization member", s.member)
	if err != nil {
		return residualPlan{}, err
	}
	if prev, ok := s.residualAt.claim(seatkeeper.LoginKey(rs.User), l); !ok {
		return residualPlan{}, l.keyErrorf("user", "duplicate residual seat for %q (also %s)", rs.User, prev)
	}
	out := residualPlan{user: user}
	switch {
	case rs.Team != "" && rs.EnterpriseTeam != "":
		return residualPlan{}, l.errorf("", "a residual seat names at most one of team and enterprise_team")
	case rs.Team != "":
		if out.team, err = resolve(l, "team", rs.Team, "team", s.team); err != nil {
			return residualPlan{}, err
		}
	case rs.EnterpriseTeam != "":
		if s.enterprise == nil {
			return residualPlan{}, l.errorf("enterprise_team", "the organization belongs to no enterprise")
		}
		if out.enterpriseTeam, err = resolve(l, "enterprise_team", rs.EnterpriseTeam, "enterprise team", s.enterpriseTeam); err != nil {
			return residualPlan{}, err
		}
	}
	if out.seat.CreatedAt, out.seat.UpdatedAt, err = s.times(l, rs.CreatedAt, rs.UpdatedAt); err != nil {
		return residualPlan{}, err
	}
	pending, err := date(l, "pending_cancellation_date", rs.PendingCancellationDate)
	if err != nil {
		return residualPlan{}, err
	}
	if pending == nil {
		return residualPlan{}, l.errorf("pending_cancellation_date", "required")
	}
	out.seat.PendingCancellationDate = *pending
	return out, nil
}

func (s *orgScope) planActivity(l loc, a Activity) (activityPlan, error) {
	return s.planActivityOf(l, a, s.member, "organization member", s.activityAt)
}

// planActivityOf plans a user's activity (find resolves them, what names
// what they must be), once per user (activityAt).
func (p *planner) planActivityOf(l loc, a Activity, find func(string) (*ref, bool, error), what string, activityAt claims[string]) (activityPlan, error) {
	user, err := resolve(loc{path: l.path}, "user", a.User, what, find)
	if err != nil {
		return activityPlan{}, err
	}
	if prev, ok := activityAt.claim(seatkeeper.LoginKey(a.User), l); !ok {
		return activityPlan{}, l.keyErrorf("user", "duplicate activity for %q (also %s)", a.User, prev)
	}
	at, err := timestamp(l, "last_activity_at", a.LastActivityAt)
	if err != nil {
		return activityPlan{}, err
	}
	signedIn, err := timestamp(l, "last_authenticated_at", a.LastAuthenticatedAt)
	if err != nil {
		return activityPlan{}, err
	}
	if at == nil && signedIn == nil {
		return activityPlan{}, l.errorf("last_activity_at", "required (or last_authenticated_at)")
	}
	if at == nil && a.LastActivityEditor != "" {
		return activityPlan{}, l.errorf("last_activity_editor", "needs last_activity_at")
	}
	return activityPlan{user: user, activity: seatkeeper.Activity{
		LastActivityAt: at, LastActivityEditor: a.LastActivityEditor, LastAuthenticatedAt: signedIn,
	}}, nil
}

func (s *orgScope) planUsage(l loc, e usage.Event) (usagePlan, error) {
	return planUsageOf(l, e, "organization member", s.member)
}

// planPullRequest plans a pull-request event in org's repositories.
func (s *orgScope) planPullRequest(l loc, org string, e usage.PullRequest) (pullRequestPlan, error) {
	user, err := resolve(loc{path: l.path}, "user", e.User, "user", s.user)
	if err != nil {
		return pullRequestPlan{}, err
	}
	at, err := eventAt(l, e.At)
	if err != nil {
		return pullRequestPlan{}, err
	}
	event, err := e.Parse(at.Truncate(24*time.Hour), *at)
	if err == nil && event.Owner != "" && seatkeeper.LoginKey(event.Owner) != seatkeeper.LoginKey(org) {
		err = fmt.Errorf("repository: %s is not a repository of %s", e.Repository, org)
	}
	if err != nil {
		field, msg, _ := strings.Cut(err.Error(), ": ")
		return pullRequestPlan{}, l.errorf(field, "%s", msg)
	}
	return pullRequestPlan{user: user, event: event}, nil
}

// eventAt is an event's at, which a seed requires.
func eventAt(l loc, at *string) (*time.Time, error) {
	if at == nil || *at == "" {
		return nil, l.errorf("at", "required")
	}
	return timestamp(l, "at", *at)
}

// planUsageOf plans a usage event whose user find resolves (what names
// them in errors).
func planUsageOf(l loc, e usage.Event, what string, find func(string) (*ref, bool, error)) (usagePlan, error) {
	user, err := resolve(loc{path: l.path}, "user", e.User, what, find)
	if err != nil {
		return usagePlan{}, err
	}
	at, err := eventAt(l, e.At)
	if err != nil {
		return usagePlan{}, err
	}
	event, err := e.Parse(at.Truncate(24*time.Hour), *at)
	if err != nil {
		field, msg, _ := strings.Cut(err.Error(), ": ")
		return usagePlan{}, l.errorf(field, "%s", msg)
	}
	return usagePlan{user: user, event: event}, nil
}
