package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

// The one reader of GitHub's request bodies: decodeObject and
// decodeOptionalObject read the body as an object, with GitHub's 400s and
// 413; the readers below read its members, with GitHub's 422s.
// (seatkeeper's own APIs bind their bodies with internal/bind.)

// maxBody bounds request bodies; larger ones get 413.
const maxBody = 1 << 20

// decodeObject reads the request body as a JSON object (an empty body is
// an empty object), with GitHub's 400s for what is not one.
func decodeObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, seatkeeper.Errorf(seatkeeper.KindTooLarge, "Request body is larger than %d bytes", maxBody)
	}
	if err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	if strings.TrimSpace(string(data)) == "" {
		return map[string]json.RawMessage{}, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Body should be a JSON object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	return obj, nil
}

// invalidRequest is GitHub's 422 for a body that does not match the
// operation's schema.
func invalidRequest(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, "Invalid request.\n\n%s", fmt.Sprintf(format, args...))
}

// stringList reads a required, non-empty array of strings.
func stringList(obj map[string]json.RawMessage, field string) ([]string, error) {
	raw, ok := obj[field]
	if !ok || string(raw) == "null" {
		return nil, invalidRequest("%q wasn't supplied.", field)
	}
	var items []any
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, invalidRequest("For 'properties/%s', %s is not an array.", field, raw)
	}
	if len(items) == 0 {
		return nil, invalidRequest("For 'properties/%s', [] has fewer than 1 items.", field)
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			b, _ := json.Marshal(it)
			return nil, invalidRequest("For 'items' of %q, %s is not a string.", field, b)
		}
		out[i] = s
	}
	return out, nil
}

// Readers of single members of a decoded request object, with GitHub's
// schema-validation 422s ("Invalid request.\n\n…") for values of the
// wrong type or outside an enum. A member that is absent, or null where
// the schema does not allow null, reads as absent or as an error as the
// schema says.

// jsonValue renders a request value the way GitHub's messages quote it:
// as JSON, with null spelled nil.
func jsonValue(raw json.RawMessage) string {
	if s := strings.TrimSpace(string(raw)); s != "null" {
		return s
	}
	return "nil"
}

// optional is a request member that may be absent or, where the schema
// allows, null.
type optional[T any] struct {
	Set   bool // present in the request
	Null  bool // present as null
	Value T
}

// Ptr returns the value, or nil when it is absent or null.
func (o optional[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	return &o.Value
}

// readString reads a string member; enum, when given, lists the values
// the schema allows.
func readString(obj map[string]json.RawMessage, field string, nullable bool, enum ...string) (optional[string], error) {
	var out optional[string]
	raw, ok := obj[field]
	if !ok {
		return out, nil
	}
	out.Set = true
	if jsonValue(raw) == "nil" && nullable {
		out.Null = true
		return out, nil
	}
	if err := json.Unmarshal(raw, &out.Value); err != nil || jsonValue(raw) == "nil" {
		return out, invalidRequest("For 'properties/%s', %s is not a string.", field, jsonValue(raw))
	}
	if len(enum) > 0 && !slices.Contains(enum, out.Value) {
		return out, invalidRequest("For 'properties/%s', %s is not a member of %s.", field, jsonValue(raw), quoteList(enum))
	}
	return out, nil
}

// requireString reads a string member the schema requires.
func requireString(obj map[string]json.RawMessage, field string, enum ...string) (string, error) {
	if _, ok := obj[field]; !ok {
		return "", invalidRequest("%q wasn't supplied.", field)
	}
	v, err := readString(obj, field, false, enum...)
	return v.Value, err
}

// readInt reads an integer member.
func readInt(obj map[string]json.RawMessage, field string, nullable bool) (optional[int64], error) {
	var out optional[int64]
	raw, ok := obj[field]
	if !ok {
		return out, nil
	}
	out.Set = true
	if jsonValue(raw) == "nil" && nullable {
		out.Null = true
		return out, nil
	}
	if err := json.Unmarshal(raw, &out.Value); err != nil || jsonValue(raw) == "nil" {
		return out, invalidRequest("For 'properties/%s', %s is not an integer.", field, jsonValue(raw))
	}
	return out, nil
}

// readStrings reads an array-of-strings member.
func readStrings(obj map[string]json.RawMessage, field string) (optional[[]string], error) {
	var out optional[[]string]
	raw, ok := obj[field]
	if !ok {
		return out, nil
	}
	out.Set = true
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || jsonValue(raw) == "nil" {
		return out, invalidRequest("For 'properties/%s', %s is not an array.", field, jsonValue(raw))
	}
	out.Value = make([]string, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &out.Value[i]); err != nil || jsonValue(it) == "nil" {
			return out, invalidRequest("For 'items' of %q, %s is not a string.", field, jsonValue(it))
		}
	}
	return out, nil
}

// quoteList renders allowed values as GitHub's messages do: ["a", "b"].
func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// decodeOptionalObject is decodeObject for operations whose body is
// optional: a JSON null, which clients send for "no options" (go-github
// does), reads as an empty object.
func decodeOptionalObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil && strings.TrimSpace(string(data)) == "null" {
		return map[string]json.RawMessage{}, nil
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
	return decodeObject(w, r)
}

// errReader fails every read with err, or ends at once when err is nil.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}
