package seed_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/seatkeeper/seatkeeper/internal/seed"
)

// TestWriteYAMLIsYAMLv3s: the streaming writers write, byte for byte, what
// yaml.v3 and encoding/json write for the whole document, on documents using every key.
func TestWriteYAMLIsYAMLv3s(t *testing.T) {
	example, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"examples/seed.yaml": string(example), "rich": rich, "empty": "{}",
		"empty lists": "organizations: [{login: a, members: [], seats: []}]"} {
		d, err := seed.Parse([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want bytes.Buffer
		enc := yaml.NewEncoder(&want)
		enc.SetIndent(2)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		enc.Close()
		got, err := d.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Errorf("%s: streamed\n%s\nwant (yaml.v3)\n%s", name, got, want.String())
		}
		var wantJSON bytes.Buffer
		je := json.NewEncoder(&wantJSON)
		je.SetEscapeHTML(false)
		je.SetIndent("", "  ")
		if err := je.Encode(d); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.JSON(); string(got) != wantJSON.String() {
			t.Errorf("%s: streamed\n%s\nwant (encoding/json)\n%s", name, got, wantJSON.String())
		}
	}
}
