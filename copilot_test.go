package seatkeeper

import (
	"testing"
	"time"
)

func day(s string) *Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestNextCycleStart(t *testing.T) {
	for _, c := range []struct {
		day       int
		now, want string
	}{
		{1, "2026-01-01T00:00:00Z", "2026-02-01"},
		{1, "2025-12-31T23:59:59Z", "2026-01-01"},
		{15, "2026-03-14T23:59:59Z", "2026-03-15"},
		{15, "2026-03-15T00:00:00Z", "2026-04-15"},
		{28, "2026-02-28T00:00:00Z", "2026-03-28"},
		{28, "2026-01-31T12:00:00Z", "2026-02-28"},
		{28, "2026-12-29T00:00:00+05:00", "2027-01-28"},
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := NextCycleStart(c.day, now).String(); got != c.want {
			t.Errorf("NextCycleStart(%d, %s) = %s, want %s", c.day, c.now, got, c.want)
		}
	}
}

func TestResolveSeat(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.AddDate(0, 1, 0)
	now := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	team := &Team{Name: "T"}
	direct := Reach{Grant: Grant{ID: 1, Kind: GrantUser, CreatedAt: t2}}
	oldTeam := Reach{Grant: Grant{ID: 2, Kind: GrantTeam, CreatedAt: t1}, Team: team, JoinedAt: t2}
	newTeam := Reach{Grant: Grant{ID: 3, Kind: GrantTeam, CreatedAt: t2}, Team: team}
	pendingDirect := Reach{Grant: Grant{ID: 4, Kind: GrantUser, CreatedAt: t1, PendingCancellationDate: day("2026-07-01")}}
	pendingTeam := Reach{Grant: Grant{ID: 5, Kind: GrantTeam, CreatedAt: t1, PendingCancellationDate: day("2026-08-01")}, Team: team}
	lapsed := Reach{Grant: Grant{ID: 6, Kind: GrantUser, CreatedAt: t1, PendingCancellationDate: day("2026-06-10")}}

	for _, c := range []struct {
		name    string
		reaches []Reach
		id      int64
		pending string
		ok      bool
	}{
		{"nothing", nil, 0, "", false},
		{"only a lapsed grant", []Reach{lapsed}, 0, "", false},
		{"direct beats team", []Reach{oldTeam, direct}, 1, "", true},
		{"oldest team", []Reach{newTeam, oldTeam}, 2, "", true},
		{"firm team beats pending direct", []Reach{pendingDirect, newTeam}, 3, "", true},
		{"all pending: latest date", []Reach{pendingDirect, pendingTeam}, 4, "2026-08-01", true},
	} {
		got, pending, ok := ResolveSeat(c.reaches, now)
		p := ""
		if pending != nil {
			p = pending.String()
		}
		if ok != c.ok || got.Grant.ID != c.id || p != c.pending {
			t.Errorf("%s: grant %d pending %q ok %v", c.name, got.Grant.ID, p, ok)
		}
	}
	if got := oldTeam.Since(); !got.Equal(t2) {
		t.Errorf("Since = %s: a member who joined after the grant holds the seat from joining", got)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{"Justice League": "justice-league", "  A -- B!! ": "a-b", "Team_1": "team_1"} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
