package auth_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// TestPermissionsAreGitHubs: the permissions tokens may hold are exactly
// the properties of GitHub's app-permissions schema.
func TestPermissionsAreGitHubs(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/github-subset.openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	var want []string
	for name := range spec.Components.Schemas["app-permissions"].Properties {
		want = append(want, name)
	}
	slices.Sort(want)
	if got := slices.Sorted(slices.Values(auth.Permissions)); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("auth.Permissions = %v\nGitHub's app-permissions: %v", got, want)
	}
}
