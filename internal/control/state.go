package control

import (
	_ "embed"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
)

// openAPI describes the control API and the operations routes.
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI serves GET /_seatkeeper/openapi.json, to anyone.
func handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(openAPI)
	}
	return nil
}

// clockBody is the service clock as the control API shows it.
type clockBody struct {
	Now            string `json:"now"`
	Frozen         bool   `json:"frozen"`
	ControlAllowed bool   `json:"control_allowed"`
}

func (c *API) clockState() clockBody {
	return clockBody{Now: httpapi.Timestamp(c.clock.Now()), Frozen: c.clock.IsSet(), ControlAllowed: c.allowClock}
}

// msgClockControl is the 403 for moving the clock of a server that does
// not allow it.
const msgClockControl = "Clock control is disabled on this server: start it with --allow-clock-control to set or release the clock."

// handleGetClock serves GET /_seatkeeper/clock.
func (c *API) handleGetClock(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	c.api.WriteJSON(w, r, http.StatusOK, c.clockState())
	return nil
}

// handlePutClock serves PUT /_seatkeeper/clock: {now} stops the clock
// there. Every time-dependent answer follows.
func (c *API) handlePutClock(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if !c.allowClock {
		return seatkeeper.Errorf(seatkeeper.KindForbidden, msgClockControl)
	}
	var now *string
	if err := bindBody(w, r, map[string]any{"now": &now}); err != nil {
		return err
	}
	if now == nil {
		return invalid("now: required: an RFC 3339 time such as 2026-03-01T09:00:00Z")
	}
	t, err := parseTime("now", *now)
	if err != nil {
		return err
	}
	if err := c.clock.Put(r.Context(), t); err != nil {
		return err
	}
	if err := audit.RecordAlone(r.Context(), c.store, audit.Event{At: t, Action: audit.ClockSet, Details: map[string]any{"now": httpapi.Timestamp(t)}}); err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusOK, c.clockState())
	return nil
}

// handleDeleteClock serves DELETE /_seatkeeper/clock: the clock follows
// the system clock again.
func (c *API) handleDeleteClock(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if !c.allowClock {
		return seatkeeper.Errorf(seatkeeper.KindForbidden, msgClockControl)
	}
	if err := c.clock.Free(r.Context()); err != nil {
		return err
	}
	if err := audit.RecordAlone(r.Context(), c.store, audit.Event{At: c.clock.Now(), Action: audit.ClockReleased}); err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusOK, c.clockState())
	return nil
}

// handleReset serves POST /_seatkeeper/reset: everything is deleted but
// the bootstrap administrator and their tokens.
func (c *API) handleReset(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if err := bootstrap.Reset(r.Context(), c.store, c.clock.Now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxSeedBody bounds a seed document sent to POST /_seatkeeper/seed.
const maxSeedBody = 32 << 20

// seedResult counts what a loaded seed document declared.
type seedResult struct {
	Users         int `json:"users"`
	Enterprises   int `json:"enterprises"`
	Organizations int `json:"organizations"`
	Tokens        int `json:"tokens"`
}

// handleSeed serves POST /_seatkeeper/seed: the body, a seed document in
// YAML or JSON, is loaded at the clock's time, all of it or nothing; a
// document that does not hold together is a 422 with the seed's message.
func (c *API) handleSeed(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSeedBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return seatkeeper.Errorf(seatkeeper.KindTooLarge, "A seed document has at most %d bytes", maxSeedBody)
	}
	if err != nil {
		return seatkeeper.Errorf(seatkeeper.KindBadRequest, "Could not read the request body")
	}
	d, err := seed.Parse(data)
	if err != nil {
		return err
	}
	d.AllowWeakTokens = c.allowWeak
	if err := d.Apply(r.Context(), c.store, c.clock.Now()); err != nil {
		return err
	}
	c.api.WriteJSON(w, r, http.StatusCreated, seedResult{
		Users: len(d.Users), Enterprises: len(d.Enterprises), Organizations: len(d.Organizations), Tokens: len(d.Tokens),
	})
	return nil
}

// wantsYAML reports whether the Accept header asks for YAML.
func wantsYAML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/yaml", "application/x-yaml", "text/yaml":
			return true
		}
	}
	return false
}

// handleExport serves GET /_seatkeeper/export: the whole state as a seed
// document, JSON unless Accept asks for YAML, written as it is read (no
// Content-Length). The bootstrap administrator and their tokens are left
// out, so that the document loads into a server that has its own.
func (c *API) handleExport(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	f, ctype := seed.JSON, "application/json; charset=utf-8"
	if wantsYAML(r) {
		f, ctype = seed.YAML, "application/yaml; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return nil
	}
	out := &headerOnWrite{w: w}
	err := seed.WriteExport(r.Context(), c.store, out, f, bootstrap.Login)
	if err != nil && out.started {
		// The status is sent; cutting the body short is all that is left.
		panic(http.ErrAbortHandler)
	}
	return err
}

// headerOnWrite sends a 200 with the first byte written, so that an error
// before it still gets its own status.
type headerOnWrite struct {
	w       http.ResponseWriter
	started bool
}

func (h *headerOnWrite) Write(p []byte) (int, error) {
	if !h.started {
		h.started = true
		h.w.WriteHeader(http.StatusOK)
	}
	return h.w.Write(p)
}
