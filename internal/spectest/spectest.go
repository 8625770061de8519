// Package spectest validates responses against the copy of GitHub's
// OpenAPI description in testdata/, for tests: every response a test sees,
// errors included, goes through Check.
package spectest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
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

// Load reads and validates an OpenAPI document.
func Load(path string) (*Spec, error) {
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%q is not an absolute URI", s)
		}
		return nil
	}))
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
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

var orgByID = regexp.MustCompile(`^/organizations/[0-9]+/`)

// Operation finds the operation serving method and path (with any /api/v3
// prefix removed).
func (s *Spec) Operation(method, path string) (*openapi3.Operation, string, bool) {
	path = strings.TrimPrefix(path, "/api/v3")
	// GitHub serves org routes by id too: /organizations/{id}/... is
	// /orgs/{org}/...
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

// Check validates a response to method and path: against the operation's
// schema for its status when the spec declares one, and every error
// status's body as a basic-error (GitHub answers some undeclared statuses,
// such as 400 for an unsupported API version, with one). A 2xx status the
// operation does not declare is an error; so is a path no operation serves
// answered with anything but an error.
func (s *Spec) Check(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	if status == http.StatusNotModified || method == http.MethodHead {
		if len(body) != 0 {
			t.Errorf("%s %s: %d carries a body", method, path, status)
		}
		return
	}
	if ct := header.Get("Content-Type"); len(body) > 0 && ct != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	o, template, ok := s.Operation(method, path)
	if !ok {
		if status < 400 {
			t.Errorf("%s %s: no operation in the spec, yet status %d", method, path, status)
			return
		}
		s.ValidateSchema(t, "basic-error", body)
		return
	}
	resp := o.Responses.Status(status)
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
