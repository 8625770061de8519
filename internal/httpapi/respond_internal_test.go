package httpapi

import (
	"bytes"
	"testing"
	"unsafe"
)

func TestShareKeepsTheBody(t *testing.T) {
	org := []byte(`{"login":"acme","id":1,"url":"http://x/orgs/acme","repos_url":"http://x/orgs/acme/repos","description":"a & b <c>"}`)
	team := []byte(`{"id":7,"name":"T","slug":"t","url":"http://x/teams/7","html_url":"http://x/orgs/acme/teams/t","members_url":"m"}`)
	body := func(user string, withTeam bool) []byte {
		b := []byte(`{"created_at":"2026-01-01T00:00:00Z","assignee":{"login":"` + user + `"},"organization":`)
		b = append(b, org...)
		if withTeam {
			b = append(b, `,"assigning_team":`...)
			b = append(b, team...)
		}
		return append(b, `,"updated_at":"2026-01-01T00:00:00Z"}`+"\n"...)
	}
	var table segments
	tests := []struct {
		name string
		body []byte
		segs [][]byte
	}{
		{"org and team", body("a", true), [][]byte{org, team}},
		{"org only", body("b", false), [][]byte{org}},
		{"a segment that is absent", body("c", false), [][]byte{org, team}},
		{"segments out of order", body("d", true), [][]byte{team, org}},
		{"a short segment stays in place", body("e", false), [][]byte{[]byte(`"login"`)}},
		{"nothing to share", body("f", true), nil},
	}
	var shared [][]byte
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := encodedJSON{parts: [][]byte{bytes.Clone(tt.body)}, etag: []string{`W/"x"`}, length: []string{itoa(len(tt.body))}}
			got := e.share(&table, tt.segs...)
			if !bytes.Equal(got.bytes(), tt.body) || &got.length[0] != &e.length[0] || &got.etag[0] != &e.etag[0] {
				t.Fatalf("shared body %q, want %q", got.bytes(), tt.body)
			}
			for _, p := range got.parts {
				if bytes.Equal(p, org) {
					shared = append(shared, p)
				}
			}
		})
	}
	if len(shared) < 3 {
		t.Fatalf("the organization was cut out of %d bodies, want at least 3", len(shared))
	}
	for _, p := range shared[1:] {
		if unsafe.SliceData(p) != unsafe.SliceData(shared[0]) {
			t.Error("two bodies hold separate copies of the organization")
		}
	}
}
