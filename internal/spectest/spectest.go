// Package spectest validates responses against the copy of GitHub's
// OpenAPI description in testdata/, for tests: every response a test sees,
// errors included, goes through Check.
package spectest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is a loaded OpenAPI document with its operations indexed by
// method and path template.
type Spec struct {
	Doc *openapi3.T
	ops []op

	// The document as read, from which ForVersion builds each API
	// version's spec (nil for a version's spec itself).
	raw      []byte
	mu       sync.Mutex
	versions map[string]*Spec
}

type op struct {
	method   string
	template string
	re       *regexp.Regexp
	op       *openapi3.Operation
}

var (
	loadOnce sync.Once
	loaded   *Spec
	loadErr  error

	controlOnce sync.Once
	control     *Spec
	controlErr  error
)

// GitHub is the spec of GitHub's operations that seatkeeper implements:
// testdata/github-subset.openapi.json at the module root.
func GitHub(t testing.TB) *Spec {
	t.Helper()
	loadOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		loaded, loadErr = Load(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "github-subset.openapi.json"))
	})
	if loadErr != nil {
		t.Fatalf("load spec: %v", loadErr)
	}
	return loaded
}

// Control is the spec of seatkeeper's control API and operations routes:
// internal/control/openapi.json.
func Control(t testing.TB) *Spec {
	t.Helper()
	controlOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		control, controlErr = Load(filepath.Join(filepath.Dir(file), "..", "control", "openapi.json"))
	})
	if controlErr != nil {
		t.Fatalf("load control spec: %v", controlErr)
	}
	return control
}

// IsControlPath reports whether path (with any /api/v3 prefix) belongs to
// the control API or the operations routes rather than GitHub's API.
func IsControlPath(path string) bool {
	path = strings.TrimPrefix(path, "/api/v3")
	switch path {
	case "/healthz", "/readyz", "/metrics", "/_seatkeeper":
		return true
	}
	return strings.HasPrefix(path, "/_seatkeeper/")
}

// For returns the spec that describes path: Control's for the control API
// and operations routes, GitHub's for the rest.
func For(t testing.TB, path string) *Spec {
	t.Helper()
	if IsControlPath(path) {
		return Control(t)
	}
	return GitHub(t)
}

// Load reads and validates an OpenAPI document.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := loadData(data)
	if err != nil {
		return nil, err
	}
	s.raw = data
	return s, nil
}

// loadData parses and validates an OpenAPI document.
func loadData(data []byte) (*Spec, error) {
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%q is not an absolute URI", s)
		}
		return nil
	}))
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("spec invalid: %w", err)
	}
	s := &Spec{Doc: doc}
	for template, item := range doc.Paths.Map() {
		pattern := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(template), `[^/]+`) + "$"
		for method, o := range item.Operations() {
			s.ops = append(s.ops, op{method: method, template: template, re: regexp.MustCompile(pattern), op: o})
		}
	}
	return s, nil
}

var (
	orgByID  = regexp.MustCompile(`^/organizations/[0-9]+/`)
	teamByID = regexp.MustCompile(`^/organizations/[0-9]+/team/`)
)

// Operation finds the operation serving method and path (with any /api/v3
// prefix removed).
func (s *Spec) Operation(method, path string) (*openapi3.Operation, string, bool) {
	path = strings.TrimPrefix(path, "/api/v3")
	if path == "" {
		path = "/" // the API root
	}
	// GitHub serves org routes by id too: /organizations/{id}/... is
	// /orgs/{org}/..., and /organizations/{id}/team/{team_id}/... (a
	// team's url) is /teams/{team_id}/...
	path = teamByID.ReplaceAllString(path, "/teams/")
	path = orgByID.ReplaceAllString(path, "/orgs/_/")
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, o := range s.ops {
		if o.method == method && o.re.MatchString(path) {
			return o.op, o.template, true
		}
	}
	return nil, "", false
}

// Schema returns the named component schema.
func (s *Spec) Schema(t testing.TB, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := s.Doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		t.Fatalf("spec has no schema %q", name)
	}
	return ref.Value
}

// ValidateSchema checks body (JSON) against the named component schema,
// formats included.
func (s *Spec) ValidateSchema(t testing.TB, name string, body []byte) {
	t.Helper()
	if err := validate(s.Schema(t, name), body); err != nil {
		t.Errorf("response does not match schema %s: %v\nbody: %s", name, err, body)
	}
}

func validate(schema *openapi3.Schema, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return schema.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.MultiErrors(), openapi3.VisitAsResponse())
}

// jsonType is the only Content-Type a JSON answer may have.
const jsonType = "application/json; charset=utf-8"

// Check validates a response to method and path, as the spec describes
// the API version the response names (X-GitHub-Api-Version-Selected; see
// ForVersion): against the operation's
// schema for its status when the spec declares one, and every error
// status's body as a basic-error (GitHub answers some undeclared statuses,
// such as 400 for an unsupported API version, with one). A 2xx status the
// operation does not declare is an error; so is a path no operation serves
// answered with anything but an error. JSON bodies must come as
// application/json; charset=utf-8; a response that declares other media
// types (YAML, text) may come as one of them, and is not checked further.
func (s *Spec) Check(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	if v := header.Get("X-GitHub-Api-Version-Selected"); v != "" && s.raw != nil {
		vs, err := s.ForVersion(v)
		if err != nil {
			t.Fatalf("the spec at API version %s: %v", v, err)
		}
		if vs != s {
			vs.Check(t, method, path, status, header, body)
			return
		}
	}
	if status == http.StatusNotModified || method == http.MethodHead {
		if len(body) != 0 {
			t.Errorf("%s %s: %d carries a body", method, path, status)
		}
		return
	}
	ct := header.Get("Content-Type")
	if IsGraphQLPath(path) && status < 400 {
		if ct != jsonType {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		if err := checkGraphQL(body); err != nil {
			t.Errorf("%s %s %d: not GitHub's GraphQL envelope: %v\nbody: %s", method, path, status, err, body)
		}
		return
	}
	o, template, ok := s.Operation(method, path)
	var resp *openapi3.ResponseRef
	if ok {
		resp = o.Responses.Status(status)
	}
	if resp != nil && resp.Value != nil && status < 400 && len(body) > 0 && resp.Value.Content.Get("application/json") == nil && len(resp.Value.Content) > 0 {
		mt, _, _ := mime.ParseMediaType(ct)
		if _, declared := resp.Value.Content[mt]; !declared {
			t.Errorf("%s %s: Content-Type %q is not one of those declared", method, path, ct)
		}
		return
	}
	if len(body) > 0 && ct != jsonType {
		mt, _, _ := mime.ParseMediaType(ct)
		if resp == nil || resp.Value == nil || status >= 400 || mt == "application/json" || resp.Value.Content[mt] == nil {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		return
	}
	if !ok {
		if status < 400 {
			t.Errorf("%s %s: no operation in the spec, yet status %d", method, path, status)
			return
		}
		s.ValidateSchema(t, "basic-error", body)
		return
	}
	if resp == nil || resp.Value == nil {
		if status < 400 {
			t.Errorf("%s %s (%s): status %d is not declared", method, path, template, status)
			return
		}
		s.ValidateSchema(t, "basic-error", body)
		return
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		if status >= 400 {
			s.ValidateSchema(t, "basic-error", body)
		} else if len(body) > 0 && status != http.StatusNoContent {
			t.Errorf("%s %s: status %d declares no body, got %s", method, path, status, body)
		}
		return
	}
	if err := validate(mt.Schema.Value, body); err != nil {
		t.Errorf("%s %s (%s) %d: response does not match the spec: %v\nbody: %s", method, path, template, status, err, body)
	}
	if status >= 400 {
		var e struct {
			Message string `json:"message"`
			Status  string `json:"status"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Message == "" || e.Status != strconv.Itoa(status) {
			t.Errorf("%s %s: error body lacks message or status %q: %s", method, path, strconv.Itoa(status), body)
		}
	}
}

// Operations lists every operation of the spec as "METHOD /path/template",
// sorted.
func (s *Spec) Operations() []string {
	out := make([]string, 0, len(s.ops))
	for _, o := range s.ops {
		out = append(out, o.method+" "+o.template)
	}
	sort.Strings(out)
	return out
}

// Transport returns an http.RoundTripper for tests that sends requests
// through next (nil: http.DefaultTransport) and checks every response of
// the API (For the path; not the dashboard's pages under /ui) with Check.
func Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return checking{t: t, next: next}
}

type checking struct {
	t    testing.TB
	next http.RoundTripper
}

func (c checking) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || req.URL.Path == "/ui" || strings.HasPrefix(req.URL.Path, "/ui/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	For(c.t, req.URL.Path).Check(c.t, req.Method, req.URL.Path, resp.StatusCode, resp.Header, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// IsGraphQLPath reports whether path is one of GitHub's GraphQL endpoints,
// which the OpenAPI description does not cover.
func IsGraphQLPath(path string) bool { return path == "/graphql" || path == "/api/graphql" }

// checkGraphQL checks a GraphQL answer against GitHub's envelope: an
// object of data and errors (at least one of them), and extensions; each
// error has a message, and may have a type, a path of names and
// indices, locations of line and column, and extensions.
func checkGraphQL(body []byte) error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	for k := range env {
		if k != "data" && k != "errors" && k != "extensions" {
			return fmt.Errorf("unexpected member %q", k)
		}
	}
	raw, hasErrors := env["errors"]
	if _, hasData := env["data"]; !hasData && !hasErrors {
		return errors.New("neither data nor errors")
	}
	if !hasErrors {
		return nil
	}
	var errs []struct {
		Message    *string          `json:"message"`
		Type       *string          `json:"type"`
		Path       []any            `json:"path"`
		Locations  []map[string]int `json:"locations"`
		Extensions map[string]any   `json:"extensions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&errs); err != nil {
		return fmt.Errorf("errors: %w", err)
	}
	if len(errs) == 0 {
		return errors.New("errors is empty")
	}
	for i, e := range errs {
		if e.Message == nil || *e.Message == "" {
			return fmt.Errorf("errors[%d] has no message", i)
		}
		for _, p := range e.Path {
			if _, ok := p.(string); !ok {
				if _, ok := p.(float64); !ok {
					return fmt.Errorf("errors[%d].path holds %v", i, p)
				}
			}
		}
		for _, l := range e.Locations {
			if len(l) != 2 || l["line"] < 1 || l["column"] < 1 {
				return fmt.Errorf("errors[%d].locations holds %v", i, l)
			}
		}
	}
	return nil
}
