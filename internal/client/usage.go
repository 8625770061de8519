package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// UsageReport asks for a Copilot usage-metrics report — scope "orgs" or
// "enterprises", name the org's login or the enterprise's slug, report
// the endpoint's last segments (users-1-day, organization-28-day/latest,
// …), day for a 1-day report — and copies the NDJSON of each of its
// download links to w, in order. It reports false when the report has no
// data (204).
func (c *Client) UsageReport(ctx context.Context, scope, name, report, day string, w io.Writer) (bool, error) {
	path := "/" + scope + "/" + url.PathEscape(name) + "/copilot/metrics/reports/" + report
	if day != "" {
		path += "?day=" + url.QueryEscape(day)
	}
	resp, err := c.do(ctx, http.MethodGet, path, nil, "application/vnd.github+json")
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return false, nil
	}
	var links struct {
		DownloadLinks []string `json:"download_links"`
	}
	if err := decode(resp, &links); err != nil {
		return false, err
	}
	for _, link := range links.DownloadLinks {
		if err := c.download(ctx, link, w); err != nil {
			return false, err
		}
	}
	return true, nil
}

// download copies a download link's body to w. The link is signed: it is
// fetched without the token, which must not reach whatever serves it.
func (c *Client) download(ctx context.Context, link string, w io.Writer) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("download link %q is not an http:// or https:// URL", link)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "seatkeeper-cli")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return errorOf(resp)
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}

// LastUsage reads the users-28-day report of scope's name (as
// UsageReport) and returns, by login, the time of each user's latest
// usage in it: the latest sampled_at of their last known IDE and CLI
// versions, or the end of their latest day with a record when none is
// given. Users without usage in the 28 days are absent. The report
// streams through: only the map is kept.
func (c *Client) LastUsage(ctx context.Context, scope, name string) (map[string]time.Time, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := c.UsageReport(ctx, scope, name, "users-28-day/latest", "", pw)
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	out := map[string]time.Time{}
	dec := json.NewDecoder(pr)
	for {
		var rec struct {
			Day       string `json:"day"`
			UserLogin string `json:"user_login"`
			IDEs      []struct {
				LastKnown *sampledAt `json:"last_known_ide_version"`
			} `json:"totals_by_ide"`
			CLI *struct {
				LastKnown *sampledAt `json:"last_known_cli_version"`
			} `json:"totals_by_cli"`
		}
		if err := dec.Decode(&rec); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("users-28-day: %w", err)
		}
		var stamps []*sampledAt
		for _, i := range rec.IDEs {
			stamps = append(stamps, i.LastKnown)
		}
		if rec.CLI != nil {
			stamps = append(stamps, rec.CLI.LastKnown)
		}
		var last time.Time
		for _, s := range stamps {
			if s == nil {
				continue
			}
			if t, err := time.Parse(time.RFC3339, s.SampledAt); err == nil && t.After(last) {
				last = t
			}
		}
		if last.IsZero() {
			d, err := time.Parse(seatkeeper.DateLayout, rec.Day)
			if err != nil {
				return nil, fmt.Errorf("users-28-day: a record's day %q", rec.Day)
			}
			last = d.Add(24*time.Hour - time.Second)
		}
		if last.After(out[rec.UserLogin]) {
			out[rec.UserLogin] = last
		}
	}
}

// sampledAt is when a last known version was seen.
type sampledAt struct {
	SampledAt string `json:"sampled_at"`
}
