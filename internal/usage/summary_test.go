package usage

import (
	"slices"
	"testing"
)

// TestTop sums the days' maps by key and ranks them, largest first, ties
// by name, zero sums left out, at most n.
func TestTop(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		ms   []map[string]int64
		want []Count
	}{
		{"none", 3, nil, nil},
		{"summed across days", 3, []map[string]int64{{"go": 2, "rust": 1}, {"go": 3, "python": 4}},
			[]Count{{"go", 5}, {"python", 4}, {"rust", 1}}},
		{"ties by name", 3, []map[string]int64{{"b": 1, "a": 1, "c": 2}}, []Count{{"c", 2}, {"a", 1}, {"b", 1}}},
		{"zero left out", 3, []map[string]int64{{"a": 0, "b": 1}}, []Count{{"b", 1}}},
		{"at most n", 2, []map[string]int64{{"a": 3, "b": 2, "c": 1}}, []Count{{"a", 3}, {"b", 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Top(c.n, c.ms...); !slices.Equal(got, c.want) {
				t.Errorf("Top = %v, want %v", got, c.want)
			}
		})
	}
}
