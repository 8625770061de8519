package control

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
)

// invalid is the control API's 422.
func invalid(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, format, args...)
}

// bind decodes the request body, a JSON object, into the destinations
// fields names, each a pointer to a pointer (nil: not given, or null). A
// key fields does not name, or a value of the wrong type, is a 422 naming
// the key.
func bind(w http.ResponseWriter, r *http.Request, fields map[string]any) error {
	obj, err := httpapi.DecodeObject(w, r)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		dst, ok := fields[k]
		if !ok {
			return invalid("unknown field %q: this body takes %s", k, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		if string(obj[k]) == "null" {
			continue
		}
		if err := json.Unmarshal(obj[k], dst); err != nil {
			return invalid("%s: must be %s", k, describeType(reflect.TypeOf(dst)))
		}
	}
	return nil
}

// describeType names a destination type for bind's messages.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "an object whose values are " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
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
