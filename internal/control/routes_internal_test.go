package httpapi

import (
	"slices"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestControlRoutesMatchTheDocument checks that every control and
// operations route the server registers has an operation in
// controlapi.openapi.json, and that every operation there is registered.
func TestControlRoutesMatchTheDocument(t *testing.T) {
	s := New(Config{}, storetest.Open(t, store.SQLite), &clock.Clock{})
	registered := slices.Clone(s.ctl.patterns)
	slices.Sort(registered)
	documented := spectest.Control(t).Operations()
	for _, p := range registered {
		if !slices.Contains(documented, p) {
			t.Errorf("route %q has no operation in controlapi.openapi.json", p)
		}
		if path := strings.SplitN(p, " ", 2)[1]; !spectest.IsControlPath(path) {
			t.Errorf("route %q is not a control path", p)
		}
	}
	for _, p := range documented {
		if !slices.Contains(registered, p) {
			t.Errorf("operation %q of controlapi.openapi.json is not a registered route", p)
		}
	}
	if len(registered) == 0 {
		t.Fatal("no control routes registered")
	}
}
