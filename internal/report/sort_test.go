package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

func TestSortAndThousands(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	recent, old := now.Add(-2*time.Hour), now.AddDate(-4, 0, 0)
	seats := []seatkeeper.Seat{
		{User: seatkeeper.User{Login: "bo"}, PlanType: "business", CreatedAt: now.AddDate(0, 0, -10)},
		{User: seatkeeper.User{Login: "Al"}, PlanType: "business", CreatedAt: now.AddDate(0, 0, -20), Activity: seatkeeper.Activity{LastActivityAt: &recent}},
		{User: seatkeeper.User{Login: "cy"}, PlanType: "business", CreatedAt: now.AddDate(-5, 0, 0), Activity: seatkeeper.Activity{LastActivityAt: &old}},
	}
	for _, c := range []struct{ key, want string }{
		{"", "bo Al cy"},
		{"login", "Al bo cy"},
		{"-login", "cy bo Al"},
		{"days-idle", "Al bo cy"},
		{"-days-idle", "cy bo Al"},
		{"last-activity", "bo cy Al"},
		{"created", "cy Al bo"},
	} {
		r := report.Build(seatkeeper.Organization{Login: "acme"}, "business", seats, now, report.Options{Prices: report.DefaultPrices})
		if err := report.Sort(&r, c.key); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range r.Seats {
			got = append(got, row.Login)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("sort %q: %v, want %s", c.key, got, c.want)
		}
	}
	if err := report.CheckSort("idle"); err == nil || !strings.Contains(err.Error(), `unknown sort key "idle"`) {
		t.Errorf("CheckSort(idle) = %v", err)
	}

	// Thousands separators in the table: days idle, seats, money.
	r := report.Build(seatkeeper.Organization{Login: "acme"}, "business", seats, now, report.Options{Prices: report.Prices{Business: 1500}})
	var b bytes.Buffer
	if err := report.Write(&b, r, "table"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1,461", "1,500.00", "3 seats in acme (business) at 2026-03-20T12:00:00Z: 4,500.00 USD a month"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-12345, "-12,345"}} {
		if got := report.Thousands(c.n); got != c.want {
			t.Errorf("Thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
