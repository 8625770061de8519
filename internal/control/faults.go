package control

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// Fault injection (docs/control-api.md, "Faults"): the routes that add,
// list and remove faults. The model is internal/faults; the pipeline's
// step that applies them is internal/httpapi's faults.go.

// faultMatchBody, faultEffectBody and faultBody are the control API's view
// of a fault.
type faultMatchBody struct {
	Method      *string `json:"method"`
	Path        *string `json:"path"`
	TokenPrefix *string `json:"token_prefix"`
}

type faultEffectBody struct {
	Status          *int              `json:"status,omitempty"`
	Body            json.RawMessage   `json:"body,omitempty"`
	Headers         map[string]string `json:"headers,omitempty"`
	DelayMS         *int64            `json:"delay_ms,omitempty"`
	RateLimit       string            `json:"rate_limit,omitempty"`
	RetryAfter      *int              `json:"retry_after,omitempty"`
	RateLimitStatus *int              `json:"rate_limit_status,omitempty"`
	DropConnection  bool              `json:"drop_connection,omitempty"`
}

type faultBody struct {
	ID          int64           `json:"id"`
	Match       faultMatchBody  `json:"match"`
	Effect      faultEffectBody `json:"effect"`
	Times       *int            `json:"times"`
	Remaining   *int            `json:"remaining"`
	Probability *float64        `json:"probability"`
	Seed        *int64          `json:"seed"`
	ExpiresAt   *string         `json:"expires_at"`
	CreatedAt   string          `json:"created_at"`
	Fired       int             `json:"fired"`
	State       string          `json:"state"`
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func newFaultBody(f faults.Fault) faultBody {
	out := faultBody{
		ID:          f.ID,
		Match:       faultMatchBody{Method: nonEmpty(f.Match.Method), Path: nonEmpty(f.Match.Path), TokenPrefix: nonEmpty(f.Match.TokenPrefix)},
		Times:       f.Times,
		Remaining:   f.Remaining,
		Probability: f.Probability,
		Seed:        f.Seed,
		ExpiresAt:   httpapi.NullableTimestamp(f.ExpiresAt),
		CreatedAt:   httpapi.Timestamp(f.CreatedAt),
		Fired:       f.Fired,
		State:       f.State,
	}
	e := f.Effect
	switch e.Kind {
	case faults.KindStatus:
		out.Effect.Status, out.Effect.Body, out.Effect.Headers = &e.Status, e.Body, e.Headers
	case faults.KindDelay:
		ms := e.Delay.Milliseconds()
		out.Effect.DelayMS = &ms
	case faults.KindRateLimit:
		out.Effect.RateLimit, out.Effect.RetryAfter, out.Effect.RateLimitStatus = e.RateLimit, &e.RetryAfter, &e.Status
	case faults.KindDropConnection:
		out.Effect.DropConnection = true
	}
	return out
}

// handleCreateFault serves POST /_seatkeeper/faults (201, the fault).
func (c *API) handleCreateFault(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	obj, err := httpapi.DecodeObject(w, r)
	if err != nil {
		return err
	}
	spec, err := faults.Parse(obj)
	if err != nil {
		return refused(err)
	}
	f, err := c.faults.AddFault(r.Context(), spec, c.clock.Now())
	if err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, newFaultBody(f))
	return nil
}

// handleListFaults serves GET /_seatkeeper/faults: every fault, oldest
// first, spent and expired ones too.
func (c *API) handleListFaults(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	list, err := c.faults.ListFaults(r.Context(), c.clock.Now())
	if err != nil {
		return err
	}
	out := make([]faultBody, len(list))
	for i, f := range list {
		out[i] = newFaultBody(f)
	}
	c.api.WriteJSON(w, r, http.StatusOK, out)
	return nil
}

// handleDeleteFault serves DELETE /_seatkeeper/faults/{id} (204; 404 for
// an unknown id).
func (c *API) handleDeleteFault(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("No fault with id %q.", r.PathValue("id"))
	}
	removed, err := c.faults.RemoveFault(r.Context(), id)
	if err != nil {
		return err
	}
	if !removed {
		return notFound("No fault with id %q.", r.PathValue("id"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleClearFaults serves DELETE /_seatkeeper/faults: every fault goes.
func (c *API) handleClearFaults(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if err := c.faults.ClearFaults(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
