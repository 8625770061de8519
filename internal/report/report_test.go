package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

func TestBuild(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	used := now.Add(-36 * time.Hour)
	d := seatkeeper.DateOf(now.AddDate(0, 0, 10))
	org := seatkeeper.Organization{Login: "acme"}
	seats := []seatkeeper.Seat{
		{User: seatkeeper.User{Login: "a"}, PlanType: "business", CreatedAt: now.AddDate(0, 0, -100), Activity: seatkeeper.Activity{LastActivityAt: &used}},
		{User: seatkeeper.User{Login: "b"}, PlanType: "business", CreatedAt: now.AddDate(0, 0, -40), Team: &seatkeeper.Team{Slug: "web"}},
		{User: seatkeeper.User{Login: "c"}, PlanType: "business", CreatedAt: now.Add(time.Hour), PendingCancellationDate: &d,
			EnterpriseTeam: &seatkeeper.EnterpriseTeam{Slug: "pioneers"}},
	}
	r := report.Build(org, "business", seats, now, report.Options{Prices: report.DefaultPrices})
	if r.TotalSeats != 3 || r.MonthlyCost != 57 {
		t.Fatalf("report %+v", r)
	}
	for i, w := range []struct {
		idle        int
		kind, grant string
	}{{1, "direct", "direct"}, {40, "team", "web"}, {0, "enterprise_team", "pioneers"}} {
		if row := r.Seats[i]; row.DaysIdle != w.idle || row.GrantType != w.kind || row.Grant != w.grant {
			t.Errorf("row %d = %+v, want %+v", i, row, w)
		}
	}
	if p := r.Seats[2].PendingCancellationDate; p == nil || *p != "2026-03-30" {
		t.Errorf("pending %v", p)
	}

	r = report.Build(org, "enterprise", seats, now, report.Options{InactiveDays: 30, Prices: report.Prices{Business: 10, Enterprise: 20}})
	if r.TotalSeats != 1 || r.Seats[0].Login != "b" || r.MonthlyCost != 10 {
		t.Errorf("inactive report %+v", r)
	}
	var b bytes.Buffer
	if err := report.Write(&b, r, "table"); err != nil || !strings.Contains(b.String(), "1 seats idle for 30 days or more in acme") {
		t.Errorf("table %q, %v", b.String(), err)
	}
	if err := report.Write(&b, r, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestCSVNeutralisesFormulas: a cell that a spreadsheet would run as a
// formula (=, +, -, @, a tab or a carriage return first) is written with a
// leading single quote, as OWASP recommends; the dashboard's export and
// "seatkeeper seats --format csv" both write through report.Write.
func TestCSVNeutralisesFormulas(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	var seats []seatkeeper.Seat
	for _, editor := range []string{`=HYPERLINK("http://x","y")`, "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "vscode/1.0"} {
		seats = append(seats, seatkeeper.Seat{User: seatkeeper.User{Login: "u"}, PlanType: "business", CreatedAt: now,
			Activity: seatkeeper.Activity{LastActivityAt: &now, LastActivityEditor: editor}})
	}
	seats = append(seats, seatkeeper.Seat{User: seatkeeper.User{Login: "=cmd"}, PlanType: "business", CreatedAt: now,
		Team: &seatkeeper.Team{Slug: "-team"}})
	var b bytes.Buffer
	if err := report.Write(&b, report.Build(seatkeeper.Organization{Login: "acme"}, "business", seats, now, report.Options{}), "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula (row %q)", cell, row)
			}
		}
	}
	if got := rows[1][2]; got != `'=HYPERLINK("http://x","y")` {
		t.Errorf("editor cell %q: the data must stay, behind a quote", got)
	}
	if got := rows[7][2]; got != "vscode/1.0" {
		t.Errorf("a plain cell changed: %q", got)
	}
}

// TestBuildEnterprise: an enterprise's rows name their organization, or
// "enterprise" for a seat in none (the seat list's organization null), and
// cost what their own plan costs.
func TestBuildEnterprise(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	seats := []seatkeeper.Seat{
		{Org: seatkeeper.Organization{Login: "acme"}, User: seatkeeper.User{Login: "a"}, PlanType: "business", CreatedAt: now},
		{User: seatkeeper.User{Login: "b"}, PlanType: "enterprise", CreatedAt: now},
	}
	r := report.BuildEnterprise("globex", seats, now, report.Options{Prices: report.DefaultPrices})
	if r.Enterprise != "globex" || r.Organization != "" || len(r.Seats) != 2 || r.Seats[0].Organization != "acme" ||
		r.Seats[1].Organization != report.EnterpriseLevel || r.Seats[1].MonthlyCost != 39 || r.MonthlyCost != 58 {
		t.Errorf("%+v", r)
	}
	var b bytes.Buffer
	if err := report.Write(&b, r, "table"); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(b.String(), "\n"); !strings.HasPrefix(lines[2], "enterprise    b ") || !strings.Contains(b.String(), "2 seats in enterprise globex at") {
		t.Errorf("table:\n%s", b.String())
	}
}
