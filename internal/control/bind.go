package control

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/bind"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// invalid is the control API's 422.
func invalid(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, format, args...)
}

// bindBody decodes the request body, a JSON object, into the destinations
// fields names (bind.Fields); a refusal is the control API's 422.
func bindBody(w http.ResponseWriter, r *http.Request, fields map[string]any) error {
	obj, err := httpapi.DecodeObject(w, r)
	if err != nil {
		return err
	}
	return refused(bind.Fields(obj, fields))
}

// refused turns a *bind.Error (a fault description's too) into the
// control API's 422; other errors pass as they are.
func refused(err error) error {
	var be *bind.Error
	if errors.As(err, &be) {
		return invalid("%s", be.Error())
	}
	return err
}

// parseTime parses an RFC 3339 time in any offset, to UTC whole seconds.
func parseTime(field, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, invalid("%s: %q is not an RFC 3339 time such as 2026-03-01T09:00:00Z", field, v)
	}
	return t.UTC().Truncate(time.Second), nil
}

// org finds the org a control route names, with a 404 saying so.
func (c *API) org(r *http.Request) (seatkeeper.Organization, error) {
	org, err := c.store.OrgByLogin(r.Context(), r.PathValue("org"))
	if seatkeeper.IsNotFound(err) {
		return org, seatkeeper.Errorf(seatkeeper.KindNotFound, "No organization named %q.", r.PathValue("org"))
	}
	return org, err
}

// notFound is a 404 with a message.
func notFound(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindNotFound, "%s", fmt.Sprintf(format, args...))
}
