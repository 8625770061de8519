package control

import (
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/journal"
)

// The request journal (docs/control-api.md, "Request journal"): the routes
// that read and clear it. The pipeline's step that records requests is
// internal/httpapi's journal.go.

// requestEntryBody is the control API's view of a journal entry.
type requestEntryBody struct {
	ID            uint64  `json:"id"`
	Time          string  `json:"time"`
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Query         string  `json:"query"`
	Status        *int    `json:"status"`
	DurationMS    float64 `json:"duration_ms"`
	RequestID     string  `json:"request_id"`
	TokenKind     *string `json:"token_kind"`
	Actor         *string `json:"actor"`
	Route         *string `json:"route"`
	Body          *string `json:"body"`
	BodyTruncated bool    `json:"body_truncated"`
	Fault         *int64  `json:"fault"`
}

func newRequestEntryBody(e journal.Entry) requestEntryBody {
	out := requestEntryBody{
		ID: e.Seq, Time: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Method: e.Method, Path: e.Path, Query: e.Query,
		DurationMS: math.Round(float64(e.Duration.Microseconds())) / 1000, RequestID: e.RequestID,
		TokenKind: nonEmpty(e.TokenKind), Actor: nonEmpty(e.Actor), Route: nonEmpty(e.Route),
		Body: e.Body, BodyTruncated: e.BodyTruncated, Fault: e.Fault,
	}
	if e.Status != 0 {
		out.Status = &e.Status
	}
	return out
}

// defaultRequestsLimit is how many entries GET /_seatkeeper/requests
// returns unless limit says otherwise.
const defaultRequestsLimit = 100

// handleListRequests serves GET /_seatkeeper/requests?method&path&status&limit:
// the most recent requests first, filtered (path: a template or a literal
// path, as a fault's; status exact), at most limit (default 100, at most
// the journal's size).
func (c *API) handleListRequests(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	q := r.URL.Query()
	params := []string{"limit", "method", "path", "status"}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(params, k) {
			return invalid("unknown parameter %q: this route takes %s", k, strings.Join(params, ", "))
		}
	}
	limit := defaultRequestsLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return invalid("limit: %q is not a positive integer", v)
		}
		limit = n
	}
	status := 0
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 599 {
			return invalid("status: %q is not an HTTP status", v)
		}
		status = n
	}
	method := strings.ToUpper(q.Get("method"))
	path := q.Get("path")
	if path != "" {
		var err error
		if path, err = faults.CheckFilter("path", path); err != nil {
			return refused(err)
		}
	}
	out := []requestEntryBody{}
	if c.journal != nil {
		keep := func(e *journal.Entry) bool {
			return (method == "" || e.Method == method) && (status == 0 || e.Status == status) &&
				(path == "" || faults.MatchPath(path, e.Path))
		}
		entries, err := c.journal.List(r.Context(), min(limit, c.journal.Cap()), keep)
		if err != nil {
			return err
		}
		for _, e := range entries {
			out = append(out, newRequestEntryBody(e))
		}
	}
	c.api.WriteJSON(w, r, http.StatusOK, out)
	return nil
}

// handleClearRequests serves DELETE /_seatkeeper/requests: the journal is
// emptied (204).
func (c *API) handleClearRequests(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if c.journal != nil {
		if err := c.journal.Empty(r.Context()); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
