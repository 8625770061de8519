package httpapi

import (
	"net/http"
)

// apiRoot is GitHub's API root document (meta/root): hypermedia links to
// the API's resources, in GitHub's order. API version 2026-03-10 drops
// hub_url and authorizations_url.
type apiRoot struct {
	CurrentUserURL                   string  `json:"current_user_url"`
	CurrentUserAuthorizationsHTMLURL string  `json:"current_user_authorizations_html_url"`
	AuthorizationsURL                *string `json:"authorizations_url,omitempty"`
	CodeSearchURL                    string  `json:"code_search_url"`
	CommitSearchURL                  string  `json:"commit_search_url"`
	EmailsURL                        string  `json:"emails_url"`
	EmojisURL                        string  `json:"emojis_url"`
	EventsURL                        string  `json:"events_url"`
	FeedsURL                         string  `json:"feeds_url"`
	FollowersURL                     string  `json:"followers_url"`
	FollowingURL                     string  `json:"following_url"`
	GistsURL                         string  `json:"gists_url"`
	HubURL                           *string `json:"hub_url,omitempty"`
	IssueSearchURL                   string  `json:"issue_search_url"`
	IssuesURL                        string  `json:"issues_url"`
	KeysURL                          string  `json:"keys_url"`
	LabelSearchURL                   string  `json:"label_search_url"`
	NotificationsURL                 string  `json:"notifications_url"`
	OrganizationURL                  string  `json:"organization_url"`
	OrganizationRepositoriesURL      string  `json:"organization_repositories_url"`
	OrganizationTeamsURL             string  `json:"organization_teams_url"`
	PublicGistsURL                   string  `json:"public_gists_url"`
	RateLimitURL                     string  `json:"rate_limit_url"`
	RepositoryURL                    string  `json:"repository_url"`
	RepositorySearchURL              string  `json:"repository_search_url"`
	CurrentUserRepositoriesURL       string  `json:"current_user_repositories_url"`
	StarredURL                       string  `json:"starred_url"`
	StarredGistsURL                  string  `json:"starred_gists_url"`
	TopicSearchURL                   string  `json:"topic_search_url"`
	UserURL                          string  `json:"user_url"`
	UserOrganizationsURL             string  `json:"user_organizations_url"`
	UserRepositoriesURL              string  `json:"user_repositories_url"`
	UserSearchURL                    string  `json:"user_search_url"`
}

// newAPIRoot returns the root document for an API at api (with any
// /api/v3 prefix) whose web pages are at html.
func newAPIRoot(api, html, version string) apiRoot {
	const search = "?q={query}{&page,per_page,sort,order}"
	root := apiRoot{
		CurrentUserURL:                   api + "/user",
		CurrentUserAuthorizationsHTMLURL: html + "/settings/connections/applications{/client_id}",
		CodeSearchURL:                    api + "/search/code" + search,
		CommitSearchURL:                  api + "/search/commits" + search,
		EmailsURL:                        api + "/user/emails",
		EmojisURL:                        api + "/emojis",
		EventsURL:                        api + "/events",
		FeedsURL:                         api + "/feeds",
		FollowersURL:                     api + "/user/followers",
		FollowingURL:                     api + "/user/following{/target}",
		GistsURL:                         api + "/gists{/gist_id}",
		IssueSearchURL:                   api + "/search/issues" + search,
		IssuesURL:                        api + "/issues",
		KeysURL:                          api + "/user/keys",
		LabelSearchURL:                   api + "/search/labels?q={query}&repository_id={repository_id}{&page,per_page}",
		NotificationsURL:                 api + "/notifications",
		OrganizationURL:                  api + "/orgs/{org}",
		OrganizationRepositoriesURL:      api + "/orgs/{org}/repos{?type,page,per_page,sort}",
		OrganizationTeamsURL:             api + "/orgs/{org}/teams",
		PublicGistsURL:                   api + "/gists/public",
		RateLimitURL:                     api + "/rate_limit",
		RepositoryURL:                    api + "/repos/{owner}/{repo}",
		RepositorySearchURL:              api + "/search/repositories" + search,
		CurrentUserRepositoriesURL:       api + "/user/repos{?type,page,per_page,sort}",
		StarredURL:                       api + "/user/starred{/owner}{/repo}",
		StarredGistsURL:                  api + "/gists/starred",
		TopicSearchURL:                   api + "/search/topics?q={query}{&page,per_page}",
		UserURL:                          api + "/users/{user}",
		UserOrganizationsURL:             api + "/user/orgs",
		UserRepositoriesURL:              api + "/users/{user}/repos{?type,page,per_page,sort}",
		UserSearchURL:                    api + "/search/users" + search,
	}
	if version < version20260310 {
		hub, authorizations := api+"/hub", api+"/authorizations"
		root.HubURL, root.AuthorizationsURL = &hub, &authorizations
	}
	return root
}

// handleRoot serves GET / (and /api/v3, /api/v3/): the root document, to
// anyone. gh reads the X-OAuth-Scopes header of this answer to check a
// token (set for every classic and OAuth token in ServeHTTP); a bad token
// has already been answered 401.
func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, r, http.StatusOK, newAPIRoot(s.urls.api+apiPrefix(r), s.urls.html, selectedVersion(w)))
	return nil
}

// selectedVersion is the API version the response is for, as ServeHTTP
// set it.
func selectedVersion(w http.ResponseWriter) string {
	if v := w.Header()["X-Github-Api-Version-Selected"]; len(v) > 0 {
		return v[0]
	}
	return DefaultAPIVersion
}
