package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// usageEvents binds the body of POST …/copilot/usage: {"day", "events",
// "pull_requests"}, at least one event of either kind. day (default: the
// clock's) is the UTC day of the events; an event's at, within that day,
// defaults to the clock's time on its own day and to noon on an earlier
// one.
func (c *API) usageEvents(w http.ResponseWriter, r *http.Request) ([]seatkeeper.UsageEvent, []seatkeeper.PullRequestEvent, error) {
	var day *string
	var raw, rawPRs *[]json.RawMessage
	if err := bindBody(w, r, map[string]any{"day": &day, "events": &raw, "pull_requests": &rawPRs}); err != nil {
		return nil, nil, err
	}
	now := c.clock.Now()
	start := now.Truncate(24 * time.Hour)
	if day != nil {
		t, err := time.Parse(seatkeeper.DateLayout, *day)
		if err != nil {
			return nil, nil, invalid("day: %q is not a day such as 2026-03-01", *day)
		}
		start = t
	}
	if (raw == nil || len(*raw) == 0) && (rawPRs == nil || len(*rawPRs) == 0) {
		return nil, nil, invalid("events: at least one event (or pull_requests event) is needed")
	}
	events, err := parseEach(raw, "events", func(in usage.Event) (seatkeeper.UsageEvent, error) { return in.Parse(start, now) })
	if err != nil {
		return nil, nil, err
	}
	prs, err := parseEach(rawPRs, "pull_requests", func(in usage.PullRequest) (seatkeeper.PullRequestEvent, error) { return in.Parse(start, now) })
	return events, prs, err
}

// parseEach decodes each element of the list named field strictly as an
// In and parses it.
func parseEach[In, Out any](raw *[]json.RawMessage, field string, parse func(In) (Out, error)) ([]Out, error) {
	if raw == nil {
		return nil, nil
	}
	out := make([]Out, len(*raw))
	for i, b := range *raw {
		var in In
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return nil, invalid("%s[%d]: %v", field, i, err)
		}
		e, err := parse(in)
		if err != nil {
			return nil, invalid("%s[%d].%v", field, i, err)
		}
		out[i] = e
	}
	return out, nil
}

type usageRecorded struct {
	Recorded int `json:"recorded"`
}

// handlePostUsage serves POST /_seatkeeper/orgs/{org}/copilot/usage.
func (c *API) handlePostUsage(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	org, err := c.org(r)
	if err != nil {
		return err
	}
	events, prs, err := c.usageEvents(w, r)
	if err != nil {
		return err
	}
	n, err := c.copilot.RecordUsage(r.Context(), org, events, prs)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, usageRecorded{n})
	return nil
}

// handlePostEnterpriseUsage serves POST
// /_seatkeeper/enterprises/{enterprise}/copilot/usage: each event goes to
// the org where its user held a seat.
func (c *API) handlePostEnterpriseUsage(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	ent, err := c.store.EnterpriseBySlug(r.Context(), r.PathValue("enterprise"))
	if seatkeeper.IsNotFound(err) {
		return notFound("No enterprise named %q.", r.PathValue("enterprise"))
	}
	if err != nil {
		return err
	}
	events, prs, err := c.usageEvents(w, r)
	if err != nil {
		return err
	}
	n, err := c.copilot.RecordEnterpriseUsage(r.Context(), ent, events, prs)
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, usageRecorded{n})
	return nil
}

// downloadTimeout bounds the writing of one report download.
const downloadTimeout = 15 * time.Minute

// handleUsageDownload serves a signed download link of a usage report,
// without a credential: the signature stands for the token that asked
// for the link. An altered link, or one past its time, answers 403 with
// a basic-error body saying which.
func (c *API) handleUsageDownload(w http.ResponseWriter, r *http.Request) error {
	if err := c.links.Verify(r.Context(), r.URL.Path, r.URL.Query(), c.clock.Now()); err != nil {
		if err == usage.ErrSignature || err == usage.ErrExpired {
			return seatkeeper.Errorf(seatkeeper.KindForbidden, "%s", err.Error())
		}
		return err
	}
	scope, name := r.PathValue("scope"), r.PathValue("name")
	req, ok := usage.ParseLink(scope, r.PathValue("report"), r.PathValue("from"), r.PathValue("to"))
	if !ok {
		return notFound("No such report.")
	}
	if scope == "orgs" {
		org, err := c.store.OrgByLogin(r.Context(), name)
		if err != nil {
			return err
		}
		req.OrgIDs, req.Scope.OrgID = []int64{org.ID}, strconv.FormatInt(org.ID, 10)
	} else {
		ent, err := c.store.EnterpriseBySlug(r.Context(), name)
		if err != nil {
			return err
		}
		if req.OrgIDs, err = c.copilot.EnterpriseUsageOrgs(r.Context(), ent); err != nil {
			return err
		}
		req.Scope.EnterpriseID, req.EnterpriseID = strconv.FormatInt(ent.ID, 10), ent.ID
	}
	// A large report takes longer than the server's write timeout.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(downloadTimeout))
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "private, no-store")
	return usage.Write(r.Context(), w, c.store, req)
}
