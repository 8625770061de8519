package httpapi

// operationDocs is the documentation_url of errors on each route: the
// operation's page, its externalDocs in GitHub's OpenAPI description (a
// test keeps the two equal). Errors before routing (Bad credentials, an
// unsupported version) and on unknown routes carry DocREST.
var operationDocs = map[string]string{
	"GET /enterprises/{enterprise}/copilot/metrics/reports/enterprise-1-day":         "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-enterprise-usage-metrics-for-a-specific-day",
	"GET /enterprises/{enterprise}/copilot/metrics/reports/enterprise-28-day/latest": "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-enterprise-usage-metrics",
	"GET /enterprises/{enterprise}/copilot/metrics/reports/repos-1-day":              "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-enterprise-repository-report-for-a-specific-day",
	"GET /enterprises/{enterprise}/copilot/metrics/reports/user-teams-1-day":         "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-enterprise-user-teams-report-for-a-specific-day",
	"GET /enterprises/{enterprise}/copilot/metrics/reports/users-1-day":              "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-users-usage-metrics-for-a-specific-day",
	"GET /enterprises/{enterprise}/copilot/metrics/reports/users-28-day/latest":      "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-users-usage-metrics",
	"GET /orgs/{org}/copilot/metrics/reports/organization-1-day":                     "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-usage-metrics-for-a-specific-day",
	"GET /orgs/{org}/copilot/metrics/reports/organization-28-day/latest":             "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-usage-metrics",
	"GET /orgs/{org}/copilot/metrics/reports/repos-1-day":                            "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-repository-report-for-a-specific-day",
	"GET /orgs/{org}/copilot/metrics/reports/user-teams-1-day":                       "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-user-teams-report-for-a-specific-day",
	"GET /orgs/{org}/copilot/metrics/reports/users-1-day":                            "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-users-usage-metrics-for-a-specific-day",
	"GET /orgs/{org}/copilot/metrics/reports/users-28-day/latest":                    "https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-users-usage-metrics",
	"DELETE /admin/users/{username}/authorizations":                                  "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#delete-an-impersonation-oauth-token",
	"DELETE /orgs/{org}/copilot/billing/selected_teams":                              "https://docs.github.com/rest/copilot/copilot-user-management#remove-teams-from-the-copilot-subscription-for-an-organization",
	"DELETE /orgs/{org}/copilot/billing/selected_users":                              "https://docs.github.com/rest/copilot/copilot-user-management#remove-users-from-the-copilot-subscription-for-an-organization",
	"DELETE /orgs/{org}/members/{username}":                                          "https://docs.github.com/rest/orgs/members#remove-an-organization-member",
	"DELETE /orgs/{org}/memberships/{username}":                                      "https://docs.github.com/rest/orgs/members#remove-organization-membership-for-a-user",
	"DELETE /orgs/{org}/teams/{team_slug}":                                           "https://docs.github.com/rest/teams/teams#delete-a-team",
	"DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}":                    "https://docs.github.com/rest/teams/members#remove-team-membership-for-a-user",
	"GET /enterprises/{enterprise}/copilot/billing/seats":                            "https://docs.github.com/enterprise-cloud@latest/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-enterprise",
	"GET /enterprises/{enterprise}/teams":                                            "https://docs.github.com/rest/enterprise-teams/enterprise-teams#list-enterprise-teams",
	"GET /organizations/{org_id}/members":                                            "https://docs.github.com/rest/orgs/members#list-organization-members",
	"GET /organizations/{org_id}/copilot/billing/seats":                              "https://docs.github.com/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-organization",
	"GET /orgs/{org}":                                          "https://docs.github.com/rest/orgs/orgs#get-an-organization",
	"GET /orgs/{org}/copilot/billing":                          "https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-information-and-settings-for-an-organization",
	"GET /orgs/{org}/copilot/billing/seats":                    "https://docs.github.com/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-organization",
	"GET /orgs/{org}/invitations":                              "https://docs.github.com/rest/orgs/members#list-pending-organization-invitations",
	"GET /orgs/{org}/members":                                  "https://docs.github.com/rest/orgs/members#list-organization-members",
	"GET /orgs/{org}/members/{username}":                       "https://docs.github.com/rest/orgs/members#check-organization-membership-for-a-user",
	"GET /orgs/{org}/members/{username}/copilot":               "https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-assignment-details-for-a-user",
	"GET /orgs/{org}/memberships/{username}":                   "https://docs.github.com/rest/orgs/members#get-organization-membership-for-a-user",
	"GET /orgs/{org}/teams":                                    "https://docs.github.com/rest/teams/teams#list-teams",
	"GET /orgs/{org}/teams/{team_slug}":                        "https://docs.github.com/rest/teams/teams#get-a-team-by-name",
	"GET /orgs/{org}/teams/{team_slug}/members":                "https://docs.github.com/rest/teams/members#list-team-members",
	"GET /orgs/{org}/teams/{team_slug}/memberships/{username}": "https://docs.github.com/rest/teams/members#get-team-membership-for-a-user",
	"GET /rate_limit":                                          "https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
	"GET /user":                                                "https://docs.github.com/rest/users/users#get-the-authenticated-user",
	"GET /user/memberships/orgs/{org}":                         "https://docs.github.com/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user",
	"GET /users/{username}":                                    "https://docs.github.com/rest/users/users#get-a-user",
	"GET /versions":                                            "https://docs.github.com/rest/meta/meta#get-all-api-versions",
	"GET /{$}":                                                 "https://docs.github.com/rest/meta/meta#github-api-root",
	"PATCH /orgs/{org}/teams/{team_slug}":                      "https://docs.github.com/rest/teams/teams#update-a-team",
	"PATCH /user/memberships/orgs/{org}":                       "https://docs.github.com/rest/orgs/members#update-an-organization-membership-for-the-authenticated-user",
	"POST /admin/organizations":                                "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/orgs#create-an-organization",
	"POST /admin/users":                                        "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#create-a-user",
	"POST /admin/users/{username}/authorizations":              "https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/users#create-an-impersonation-oauth-token",
	"POST /enterprises/{enterprise}/teams":                     "https://docs.github.com/rest/enterprise-teams/enterprise-teams#create-an-enterprise-team",
	"POST /orgs/{org}/copilot/billing/selected_teams":          "https://docs.github.com/rest/copilot/copilot-user-management#add-teams-to-the-copilot-subscription-for-an-organization",
	"POST /orgs/{org}/copilot/billing/selected_users":          "https://docs.github.com/rest/copilot/copilot-user-management#add-users-to-the-copilot-subscription-for-an-organization",
	"POST /orgs/{org}/teams":                                   "https://docs.github.com/rest/teams/teams#create-a-team",
	"PUT /orgs/{org}/memberships/{username}":                   "https://docs.github.com/rest/orgs/members#set-organization-membership-for-a-user",
	"PUT /orgs/{org}/teams/{team_slug}/memberships/{username}": "https://docs.github.com/rest/teams/members#add-or-update-team-membership-for-a-user",
}

// docURL is the documentation_url of an error on the route with pattern.
func docURL(pattern string) string {
	if u, ok := operationDocs[pattern]; ok {
		return u
	}
	return DocREST
}
