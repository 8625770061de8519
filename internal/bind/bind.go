// Package bind reads the JSON objects seatkeeper's own APIs take — the
// control API's bodies and fault descriptions — into typed values, with
// one wording for every refusal: `unknown field "x": this body takes a, b`
// and `x: must be an integer`. (GitHub's own bodies are read by
// internal/httpapi's body.go, with GitHub's texts.) It knows nothing of
// HTTP: callers turn an *Error into their 422.
package bind

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Error is a member that is not acceptable; Field names it, dotted for a
// nested member ("effect.status"), "" for the object itself.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Errorf is an *Error about field.
func Errorf(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Join names key inside field ("" for the top level).
func Join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// Object reads raw, the member field, as a JSON object, refusing keys
// allowed does not list.
func Object(field string, raw json.RawMessage, allowed ...string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, Errorf(field, "must be an object")
	}
	return obj, Known(field, obj, allowed...)
}

// Known refuses a key of obj (the member field, "" for the whole body)
// that allowed does not list, naming it.
func Known(field string, obj map[string]json.RawMessage, allowed ...string) error {
	what := "this body"
	if field != "" {
		what = field
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(allowed, k) {
			return Errorf(field, "unknown field %q: %s takes %s", k, what, strings.Join(slices.Sorted(slices.Values(allowed)), ", "))
		}
	}
	return nil
}

// Present reports whether obj has key with a value other than null.
func Present(obj map[string]json.RawMessage, key string) bool {
	v, ok := obj[key]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// Get decodes obj's key, a member of field, as a T; want says what T is
// for the refusal ("an integer").
func Get[T any](obj map[string]json.RawMessage, field, key, want string) (T, error) {
	var v T
	if err := json.Unmarshal(obj[key], &v); err != nil {
		return v, Errorf(Join(field, key), "must be %s", want)
	}
	return v, nil
}

// Fields decodes obj into the destinations fields names, each a pointer to
// a pointer (left nil when the key is absent or null). A key fields does
// not name, or a value of the wrong type, is an *Error naming the key.
func Fields(obj map[string]json.RawMessage, fields map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		dst, ok := fields[k]
		if !ok {
			return Known("", map[string]json.RawMessage{k: nil}, slices.Collect(maps.Keys(fields))...)
		}
		if !Present(obj, k) {
			continue
		}
		if err := json.Unmarshal(obj[k], dst); err != nil {
			return Errorf(k, "must be %s", describe(reflect.TypeOf(dst)))
		}
	}
	return nil
}

// describe names a destination type for Fields' refusals.
func describe(t reflect.Type) string {
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
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "an object whose values are " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
}
