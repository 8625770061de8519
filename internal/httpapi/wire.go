package httpapi

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Wire types: the JSON shapes of GitHub's OpenAPI schemas, built from
// domain values. Field order follows GitHub's documentation examples.

// urls builds the URLs objects carry, from the public base URL.
type urls struct{ api, html string }

// nodeID is GitHub's legacy global id: base64 of "0<len>:<Type><id>".
func nodeID(typ string, id int64) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "0%d:%s%d", len(typ), typ, id))
}

// Timestamp formats t as GitHub does: RFC 3339, UTC, whole seconds.
func Timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// NullableTimestamp is Timestamp, or null for nil.
func NullableTimestamp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Timestamp(*t)
	return &s
}

type simpleUser struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	UserViewType      string `json:"user_view_type"`
	SiteAdmin         bool   `json:"site_admin"`
}

func (u urls) simpleUser(x seatkeeper.User) simpleUser {
	api := u.api + "/users/" + x.Login
	return simpleUser{
		Login:             x.Login,
		ID:                x.ID,
		NodeID:            nodeID("User", x.ID),
		AvatarURL:         fmt.Sprintf("%s/avatars/u/%d?v=4", u.html, x.ID),
		GravatarID:        "",
		URL:               api,
		HTMLURL:           u.html + "/" + x.Login,
		FollowersURL:      api + "/followers",
		FollowingURL:      api + "/following{/other_user}",
		GistsURL:          api + "/gists{/gist_id}",
		StarredURL:        api + "/starred{/owner}{/repo}",
		SubscriptionsURL:  api + "/subscriptions",
		OrganizationsURL:  api + "/orgs",
		ReposURL:          api + "/repos",
		EventsURL:         api + "/events{/privacy}",
		ReceivedEventsURL: api + "/received_events",
		Type:              "User",
		UserViewType:      "public",
		SiteAdmin:         x.SiteAdmin,
	}
}

type orgSimple struct {
	Login            string  `json:"login"`
	ID               int64   `json:"id"`
	NodeID           string  `json:"node_id"`
	URL              string  `json:"url"`
	ReposURL         string  `json:"repos_url"`
	EventsURL        string  `json:"events_url"`
	HooksURL         string  `json:"hooks_url"`
	IssuesURL        string  `json:"issues_url"`
	MembersURL       string  `json:"members_url"`
	PublicMembersURL string  `json:"public_members_url"`
	AvatarURL        string  `json:"avatar_url"`
	Description      *string `json:"description"`
}

func (u urls) orgSimple(o seatkeeper.Organization) orgSimple {
	api := u.api + "/orgs/" + o.Login
	return orgSimple{
		Login:            o.Login,
		ID:               o.ID,
		NodeID:           nodeID("Organization", o.ID),
		URL:              api,
		ReposURL:         api + "/repos",
		EventsURL:        api + "/events",
		HooksURL:         api + "/hooks",
		IssuesURL:        api + "/issues",
		MembersURL:       api + "/members{/member}",
		PublicMembersURL: api + "/public_members{/member}",
		AvatarURL:        fmt.Sprintf("%s/avatars/u/%d?v=4", u.html, o.ID),
		Description:      NullableString(o.Description),
	}
}

// NullableString is s, or null for "".
func NullableString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// teamSimple is GitHub's team-simple (a team's parent).
type teamSimple struct {
	ID                  int64   `json:"id"`
	NodeID              string  `json:"node_id"`
	URL                 string  `json:"url"`
	MembersURL          string  `json:"members_url"`
	Name                string  `json:"name"`
	Description         *string `json:"description"`
	Permission          string  `json:"permission"`
	Privacy             string  `json:"privacy"`
	NotificationSetting string  `json:"notification_setting"`
	HTMLURL             string  `json:"html_url"`
	RepositoriesURL     string  `json:"repositories_url"`
	Slug                string  `json:"slug"`
	Type                string  `json:"type"`
	OrganizationID      int64   `json:"organization_id"`
}

// team is GitHub's team schema.
type team struct {
	teamSimple
	Parent *teamSimple `json:"parent"`
}

func (u urls) teamSimple(t seatkeeper.Team, org seatkeeper.Organization) teamSimple {
	api := fmt.Sprintf("%s/organizations/%d/team/%d", u.api, org.ID, t.ID)
	return teamSimple{
		ID:                  t.ID,
		NodeID:              nodeID("Team", t.ID),
		URL:                 api,
		MembersURL:          api + "/members{/member}",
		Name:                t.Name,
		Description:         NullableString(t.Description),
		Permission:          t.Permission,
		Privacy:             t.Privacy,
		NotificationSetting: t.NotificationSetting,
		HTMLURL:             fmt.Sprintf("%s/orgs/%s/teams/%s", u.html, org.Login, t.Slug),
		RepositoriesURL:     api + "/repos",
		Slug:                t.Slug,
		Type:                "organization",
		OrganizationID:      org.ID,
	}
}

func (u urls) team(t seatkeeper.Team, parent *seatkeeper.Team, org seatkeeper.Organization) team {
	out := team{teamSimple: u.teamSimple(t, org)}
	if parent != nil {
		p := u.teamSimple(*parent, org)
		out.Parent = &p
	}
	return out
}

type enterpriseTeam struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Slug        string  `json:"slug"`
	URL         string  `json:"url"`
	GroupID     *string `json:"group_id"`
	HTMLURL     string  `json:"html_url"`
	MembersURL  string  `json:"members_url"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (u urls) enterpriseTeam(t seatkeeper.EnterpriseTeam, ent seatkeeper.Enterprise) enterpriseTeam {
	api := fmt.Sprintf("%s/enterprises/%s/teams/%s", u.api, ent.Slug, t.Slug)
	return enterpriseTeam{
		ID:          t.ID,
		Name:        t.Name,
		Description: t.Description,
		Slug:        t.Slug,
		URL:         api,
		HTMLURL:     fmt.Sprintf("%s/enterprises/%s/teams/%s", u.html, ent.Slug, t.Slug),
		MembersURL:  api + "/members{/member}",
		CreatedAt:   Timestamp(t.CreatedAt),
		UpdatedAt:   Timestamp(t.UpdatedAt),
	}
}

// seatDetails is copilot-seat-details, in the order of GitHub's example
// (organization, not in the example, last): no field beyond that schema,
// assigning_team only for team-held seats.
type seatDetails struct {
	seatOwn
	AssigningTeam any        `json:"assigning_team,omitempty"`
	Organization  *orgSimple `json:"organization"`
}

// seatOwn is the part of a seat's details that is the seat's own (the
// rest, the team and the organization, are shared by many seats' bodies:
// see encodeSeat).
type seatOwn struct {
	CreatedAt               string     `json:"created_at"`
	UpdatedAt               string     `json:"updated_at"`
	PendingCancellationDate *string    `json:"pending_cancellation_date"`
	LastActivityAt          *string    `json:"last_activity_at"`
	LastActivityEditor      *string    `json:"last_activity_editor"`
	LastAuthenticatedAt     *string    `json:"last_authenticated_at"`
	PlanType                string     `json:"plan_type"`
	Assignee                simpleUser `json:"assignee"`
}

func (u urls) seatDetails(s seatkeeper.Seat) seatDetails {
	out := seatDetails{seatOwn: u.seatOwn(s)}
	if !s.AtEnterprise() { // an enterprise-level seat has organization null
		org := u.orgSimple(s.Org)
		out.Organization = &org
	}
	if team := u.assigningTeam(s); team != nil {
		out.AssigningTeam = team
	}
	return out
}

// assigningTeam is a team-held seat's assigning_team: a team or an
// enterprise team; nil for a seat granted directly.
func (u urls) assigningTeam(s seatkeeper.Seat) any {
	switch {
	case s.Team != nil:
		return u.team(*s.Team, s.TeamParent, s.Org)
	case s.EnterpriseTeam != nil:
		return u.enterpriseTeam(*s.EnterpriseTeam, teamEnterprise(s))
	}
	return nil
}

// teamEnterprise is the enterprise of an enterprise team's seat (the zero
// Enterprise when it is not known).
func teamEnterprise(s seatkeeper.Seat) seatkeeper.Enterprise {
	if s.TeamEnterprise != nil {
		return *s.TeamEnterprise
	}
	return seatkeeper.Enterprise{}
}

func (u urls) seatOwn(s seatkeeper.Seat) seatOwn {
	out := seatOwn{
		CreatedAt:           Timestamp(s.CreatedAt),
		UpdatedAt:           Timestamp(s.UpdatedAt),
		LastActivityAt:      NullableTimestamp(s.Activity.LastActivityAt),
		LastActivityEditor:  NullableString(s.Activity.LastActivityEditor),
		LastAuthenticatedAt: NullableTimestamp(s.Activity.LastAuthenticatedAt),
		PlanType:            s.PlanType,
		Assignee:            u.simpleUser(s.User),
	}
	if d := s.PendingCancellationDate; d != nil {
		str := d.String()
		out.PendingCancellationDate = &str
	}
	return out
}
