package httpapi

import (
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// BenchmarkEncodeSeat is encoding one seat's details as the API sends
// them: the wire form with its URLs, the JSON, the ETag. (A cached answer
// skips this; a miss pays it.)
func BenchmarkEncodeSeat(b *testing.B) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	org := seatkeeper.Organization{ID: 7, Login: "acme", Description: "Acme & friends", CreatedAt: at, UpdatedAt: at}
	team := seatkeeper.Team{ID: 11, OrgID: 7, Name: "Platform", Slug: "platform", Privacy: "closed",
		NotificationSetting: "notifications_enabled", Permission: "pull", ParentID: 10, CreatedAt: at, UpdatedAt: at}
	parent := seatkeeper.Team{ID: 10, OrgID: 7, Name: "Engineering", Slug: "engineering", Privacy: "closed", CreatedAt: at, UpdatedAt: at}
	last := at.Add(36 * time.Hour)
	pending := seatkeeper.Date{Time: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	seat := seatkeeper.Seat{
		Org: org, User: seatkeeper.User{ID: 42, Login: "mona", CreatedAt: at, UpdatedAt: at}, PlanType: "business",
		Team: &team, TeamParent: &parent, CreatedAt: at, UpdatedAt: at, PendingCancellationDate: &pending,
		Activity: seatkeeper.Activity{LastActivityAt: &last, LastActivityEditor: "vscode/1.98.0/copilot/1.300.0"},
	}
	u := urls{api: "http://127.0.0.1:8080", html: "http://127.0.0.1:8080"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeJSON(u.seatDetails(seat)); err != nil {
			b.Fatal(err)
		}
	}
}
