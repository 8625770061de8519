package bind

import (
	"encoding/json"
	"testing"
)

func TestFields(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{}`, ""},
		{`{"name": null, "n": null}`, ""},
		{`{"name": "x", "n": 3, "tags": ["a"]}`, ""},
		{`{"nope": 1}`, `unknown field "nope": this body takes n, name, tags`},
		{`{"n": "3"}`, "n: must be an integer"},
		{`{"tags": [1]}`, "tags: must be an array of strings"},
		{`{"name": 1, "zz": 1}`, "name: must be a string"}, // keys in order: the first fault answers
	} {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.body), &obj); err != nil {
			t.Fatal(err)
		}
		var name *string
		var n *int
		var tags *[]string
		err := Fields(obj, map[string]any{"name": &name, "n": &n, "tags": &tags})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.body, got, c.want)
		}
	}
}
