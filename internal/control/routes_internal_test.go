package control

import (
	"slices"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
)

// TestRoutesMatchTheDocument checks that every control route in the route
// table, and every operations route httpapi serves, has an operation in
// openapi.json, and that every operation there is one of them.
func TestRoutesMatchTheDocument(t *testing.T) {
	var registered []string
	for _, rt := range (&API{}).routes() {
		registered = append(registered, rt.pattern)
		if path := strings.SplitN(rt.pattern, " ", 2)[1]; !spectest.IsControlPath(path) {
			t.Errorf("route %q is not a control path", rt.pattern)
		}
	}
	registered = append(registered, httpapi.OpsRoutes...)
	slices.Sort(registered)
	documented := spectest.Control(t).Operations()
	for _, p := range registered {
		if !slices.Contains(documented, p) {
			t.Errorf("route %q has no operation in openapi.json", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(registered, p) {
			t.Errorf("operation %q of openapi.json is not a registered route", p)
		}
	}
}
