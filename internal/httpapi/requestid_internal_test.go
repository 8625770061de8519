package httpapi

import (
	"fmt"
	"regexp"
	"testing"
)

func TestRequestIDForm(t *testing.T) {
	form := regexp.MustCompile(`^[0-9A-F]{1,4}:[0-9A-F]{1,5}:[0-9A-F]{1,7}:[0-9A-F]{1,7}:[0-9A-F]{1,8}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if !form.MatchString(id) {
			t.Fatalf("request id %q is not in GitHub's form", id)
		}
		if seen[id] {
			t.Fatalf("request id %q repeated", id)
		}
		seen[id] = true
	}
	for _, v := range []uint64{0, 9, 10, 0xabcdef, 0xFFFFFFFF} {
		if got, want := string(appendUpperHex(nil, v)), fmt.Sprintf("%X", v); got != want {
			t.Errorf("appendUpperHex(%d) = %q, want %q", v, got, want)
		}
	}
}
