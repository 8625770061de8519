package usage

import (
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Report is one of GitHub's report endpoints, by the last segments of
// its path.
type Report struct {
	Name   string // "users-1-day", "organization-28-day/latest", …
	Users  bool   // per-user records
	Window bool   // the latest 28 days, not ?day=
	Teams  bool   // the active users' team memberships
	Repos  bool   // the repositories' pull-request activity
}

// OrgReports and EnterpriseReports are the six report endpoints of each.
var (
	OrgReports = []Report{
		{Name: "organization-1-day"}, {Name: "organization-28-day/latest", Window: true},
		{Name: "users-1-day", Users: true}, {Name: "users-28-day/latest", Users: true, Window: true},
		{Name: "user-teams-1-day", Teams: true}, {Name: "repos-1-day", Repos: true},
	}
	EnterpriseReports = []Report{
		{Name: "enterprise-1-day"}, {Name: "enterprise-28-day/latest", Window: true},
		{Name: "users-1-day", Users: true}, {Name: "users-28-day/latest", Users: true, Window: true},
		{Name: "user-teams-1-day", Teams: true}, {Name: "repos-1-day", Repos: true},
	}
)

// file is the report's name in its download link.
func (r Report) file() string { return strings.TrimSuffix(r.Name, "/latest") }

// LinkPrefix starts every download link's path.
const LinkPrefix = "/_seatkeeper/copilot-usage/"

// LinkPath is the path of a report's download: scope is "orgs" or
// "enterprises", name the org's login or the enterprise's slug.
func LinkPath(scope, name string, r Report, from, to string) string {
	return LinkPrefix + scope + "/" + name + "/" + r.file() + "/" + from + "/" + to + ".ndjson"
}

// Window is the latest 28 complete days at now: ending yesterday.
func Window(now time.Time) (from, to string) {
	end := now.UTC().AddDate(0, 0, -1)
	return end.AddDate(0, 0, -27).Format(seatkeeper.DateLayout), end.Format(seatkeeper.DateLayout)
}

// Find is the report a scope ("orgs" or "enterprises") serves under a
// download name (users-1-day, organization-28-day, …).
func Find(scope, file string) (Report, bool) {
	reports := OrgReports
	if scope == "enterprises" {
		reports = EnterpriseReports
	} else if scope != "orgs" {
		return Report{}, false
	}
	for _, r := range reports {
		if r.file() == file {
			return r, true
		}
	}
	return Report{}, false
}

// Request is the request for r over the days from to to.
func (r Report) Request(from, to string) Request {
	return Request{Users: r.Users, Teams: r.Teams, Repos: r.Repos, PullRequests: !r.Users && !r.Teams && !r.Repos && !r.Window, Window: r.Window && !r.Users, From: from, To: to}
}

// ParseLink reads a download path's parts back, with the request it
// names (without its scope, which the caller resolves).
func ParseLink(scope, file, from, to string) (Request, bool) {
	to, ok := strings.CutSuffix(to, ".ndjson")
	if !ok {
		return Request{}, false
	}
	r, ok := Find(scope, file)
	if !ok {
		return Request{}, false
	}
	return r.Request(from, to), true
}
