package httpapi

import (
	"net/http"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// usageRoutes registers the Copilot usage-metrics report endpoints: six
// for an org (its owners), six for an enterprise (its owners). Each
// answers signed download links to NDJSON computed when downloaded
// (internal/control serves them), or 204 when the report has no data.
func (s *Server) usageRoutes() {
	for _, rep := range usage.OrgReports {
		s.mux.Handle("GET /orgs/{org}/copilot/metrics/reports/"+rep.Name, s.orgOwner(auth.UsageMetricsRead,
			func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
				return s.usageReport(w, r, rep, "orgs", org.Login, store.UsageQuery{OrgIDs: []int64{org.ID}})
			}))
	}
	for _, rep := range usage.EnterpriseReports {
		s.mux.Handle("GET /enterprises/{enterprise}/copilot/metrics/reports/"+rep.Name, s.enterpriseReader(auth.EnterpriseUsageMetricsRead,
			func(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
				orgs, err := s.copilot.EnterpriseUsageOrgs(r.Context(), ent)
				if err != nil {
					return err
				}
				return s.usageReport(w, r, rep, "enterprises", ent.Slug, store.UsageQuery{OrgIDs: orgs, EnterpriseID: ent.ID})
			}))
	}
}

type oneDayReport struct {
	DownloadLinks []string `json:"download_links"`
	ReportDay     string   `json:"report_day"`
}

type windowReport struct {
	DownloadLinks  []string `json:"download_links"`
	ReportStartDay string   `json:"report_start_day"`
	ReportEndDay   string   `json:"report_end_day"`
}

// usageReport answers a report endpoint: a 1-day report for ?day= (a
// complete day: today and later have no data yet), a 28-day one for the
// 28 days before today, by the service clock.
func (s *Server) usageReport(w http.ResponseWriter, r *http.Request, rep usage.Report, scope, name string, q store.UsageQuery) error {
	now := s.clock.Now()
	from, to := usage.Window(now)
	if !rep.Window {
		day := r.URL.Query().Get("day")
		if _, err := time.Parse(seatkeeper.DateLayout, day); err != nil {
			return seatkeeper.Errorf(seatkeeper.KindBadRequest, "Invalid day: %q. Use the YYYY-MM-DD format.", day)
		}
		from, to = day, day
	}
	if to >= now.Format(seatkeeper.DateLayout) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	q.From, q.To = from, to
	// A report has data when it has usage events, or pull-request events
	// for repos-1-day and the aggregates (which carry pull_requests).
	has := false
	var err error
	if !rep.Repos {
		if has, err = s.store.HasUsage(r.Context(), q); err != nil {
			return err
		}
	}
	if !has && (rep.Repos || rep.Request(from, to).PullRequests) {
		if has, err = s.store.HasPullRequests(r.Context(), q); err != nil {
			return err
		}
	}
	if !has {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	path := usage.LinkPath(scope, name, rep, from, to)
	sig, err := s.links.Sign(r.Context(), path, now)
	if err != nil {
		return err
	}
	links := []string{s.cfg.BaseURL + path + "?" + sig}
	if rep.Window {
		s.writeJSON(w, r, http.StatusOK, windowReport{links, from, to})
	} else {
		s.writeJSON(w, r, http.StatusOK, oneDayReport{links, from})
	}
	return nil
}
