package httpapi

import (
	"bytes"
	"testing"
	"time"
	"unsafe"

	"github.com/seatkeeper/seatkeeper"
)

// TestEncodeSeatIsSeatDetails checks that a seat's body made of shared
// pieces (encodeSeat) is, byte for byte, the encoding of its seatDetails,
// with the same ETag, length and compression, for every kind of seat; and
// that bodies of one org hold one copy of its organization.
func TestEncodeSeatIsSeatDetails(t *testing.T) {
	at := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	org := seatkeeper.Organization{ID: 7, Login: "acme", Name: "Acme & <Co>", Description: "d", CreatedAt: at, UpdatedAt: at}
	user := func(id int64, login string) seatkeeper.User {
		return seatkeeper.User{ID: id, Login: login, CreatedAt: at, UpdatedAt: at}
	}
	parent := seatkeeper.Team{ID: 3, OrgID: 7, Name: "Parent", Slug: "parent", Privacy: "closed", Permission: "pull", CreatedAt: at, UpdatedAt: at}
	team := seatkeeper.Team{ID: 4, OrgID: 7, Name: "Team", Slug: "team", Description: "a \"team\"", Privacy: "closed", Permission: "pull", ParentID: 3, CreatedAt: at, UpdatedAt: at}
	ent := seatkeeper.Enterprise{ID: 9, Slug: "big", Name: "Big", CreatedAt: at, UpdatedAt: at}
	entTeam := seatkeeper.EnterpriseTeam{ID: 11, EnterpriseID: 9, Name: "Everyone", Slug: "everyone", CreatedAt: at, UpdatedAt: at}
	pending := seatkeeper.Date{Time: at.AddDate(0, 1, 0)}
	seat := func(login string, edit func(*seatkeeper.Seat)) seatkeeper.Seat {
		s := seatkeeper.Seat{Org: org, User: user(int64(len(login)), login), PlanType: "business", CreatedAt: at, UpdatedAt: at}
		if edit != nil {
			edit(&s)
		}
		return s
	}
	tests := []struct {
		name string
		seat seatkeeper.Seat
	}{
		{"granted directly", seat("a", nil)},
		{"with activity and a cancellation", seat("b", func(s *seatkeeper.Seat) {
			s.Activity = seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: "vscode/1.0", LastAuthenticatedAt: &at}
			s.PendingCancellationDate = &pending
		})},
		{"a root team's", seat("c", func(s *seatkeeper.Seat) { root := team; root.ParentID = 0; s.Team = &root })},
		{"a nested team's", seat("d", func(s *seatkeeper.Seat) { s.Team, s.TeamParent = &team, &parent })},
		{"an enterprise team's, in an org", seat("e", func(s *seatkeeper.Seat) { s.EnterpriseTeam, s.TeamEnterprise = &entTeam, &ent })},
		{"an enterprise team's, at the enterprise", seat("f", func(s *seatkeeper.Seat) {
			s.Org, s.Enterprise, s.EnterpriseTeam, s.TeamEnterprise = seatkeeper.Organization{}, &ent, &entTeam, &ent
		})},
		{"granted directly, at the enterprise", seat("g", func(s *seatkeeper.Seat) { s.Org, s.Enterprise = seatkeeper.Organization{}, &ent })},
		// After the shared pieces above were made: an org and a team
		// changed since are encoded anew.
		{"the org renamed", seat("h", func(s *seatkeeper.Seat) { s.Org.Login, s.Org.Description = "acme-renamed", "new" })},
		{"the team renamed", seat("i", func(s *seatkeeper.Seat) {
			renamed := team
			renamed.Name, renamed.Slug = "Renamed", "renamed"
			s.Team, s.TeamParent = &renamed, &parent
		})},
	}
	s := &Server{urls: urls{api: "https://api.example", html: "https://example"}}
	var orgPieces [][]byte
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := encodeJSON(s.urls.seatDetails(tt.seat))
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.encodeSeat(tt.seat)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.bytes(), want.bytes()) {
				t.Fatalf("body\n%s\nwant\n%s", got.bytes(), want.bytes())
			}
			if got.etag[0] != want.etag[0] || got.length[0] != want.length[0] || (got.gz == nil) != (want.gz == nil) {
				t.Errorf("ETag %s, length %s, gzip %v; want %s, %s, %v", got.etag[0], got.length[0], got.gz != nil, want.etag[0], want.length[0], want.gz != nil)
			}
			for _, p := range got.parts {
				if bytes.HasPrefix(p, []byte(`{"login":"acme"`)) {
					orgPieces = append(orgPieces, p)
				}
			}
		})
	}
	if len(orgPieces) < 5 {
		t.Fatalf("the organization is a piece of %d bodies, want 5", len(orgPieces))
	}
	for _, p := range orgPieces[1:] {
		if unsafe.SliceData(p) != unsafe.SliceData(orgPieces[0]) {
			t.Error("two bodies hold separate copies of the organization")
		}
	}
}
