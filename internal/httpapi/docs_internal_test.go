package httpapi

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestOperationDocs keeps operationDocs equal to the official
// description: every operation of the spec that a route serves has its
// externalDocs URL in the table, under the route's pattern, and the table
// names no route that does not serve one.
func TestOperationDocs(t *testing.T) {
	s := New(Config{}, storetest.Open(t, store.SQLite), &clock.Clock{})
	spec := spectest.GitHub(t)
	param := regexp.MustCompile(`\{[^}]+\}`)
	served := map[string]bool{}
	for _, op := range spec.Operations() {
		method, template, _ := strings.Cut(op, " ")
		path := param.ReplaceAllString(template, "x")
		paths := []string{path}
		if rest, ok := strings.CutPrefix(template, "/orgs/{org}/"); ok {
			paths = append(paths, "/organizations/1/"+param.ReplaceAllString(rest, "x")) // the same operation, by org id
		}
		if rest, ok := strings.CutPrefix(template, "/teams/{team_id}"); ok {
			paths = append(paths, "/organizations/1/team/x"+param.ReplaceAllString(rest, "x")) // a team's url
		}
		for _, p := range paths {
			pattern := s.route(httptest.NewRequest(method, p, nil))
			if pattern == "" {
				continue // not served
			}
			served[pattern] = true
			o, _, _ := spec.Operation(method, p)
			if o.ExternalDocs == nil {
				t.Errorf("%s: no externalDocs in the spec", op)
				continue
			}
			if got := operationDocs[pattern]; got != o.ExternalDocs.URL {
				t.Errorf("operationDocs[%q] = %q, want %q", pattern, got, o.ExternalDocs.URL)
			}
		}
	}
	for pattern := range operationDocs {
		if !served[pattern] {
			t.Errorf("operationDocs names %q, which serves no operation of the spec", pattern)
		}
	}
}
