// Package report computes Copilot seat reports: per seat, who holds it,
// through what, when it was last used, how long it has been idle and what
// it costs a month. The CLI's "seats" command prints them; a dashboard
// could serve them.
package report

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
)

// Prices are monthly seat prices in USD, by plan.
type Prices struct {
	Business   float64
	Enterprise float64
}

// DefaultPrices are GitHub's list prices: 19 USD a month for Copilot
// Business, 39 for Copilot Enterprise.
var DefaultPrices = Prices{Business: 19, Enterprise: 39}

// Of returns the monthly price of a seat on plan.
func (p Prices) Of(plan string) float64 {
	if plan == seatkeeper.PlanEnterprise {
		return p.Enterprise
	}
	return p.Business
}

// Options tunes a report.
type Options struct {
	// InactiveDays, when positive, keeps only seats idle for at least that
	// many days.
	InactiveDays int
	Prices       Prices
}

// Grant types of a Row.
const (
	GrantDirect         = "direct"
	GrantTeam           = "team"
	GrantEnterpriseTeam = "enterprise_team"
)

// Row is one seat.
type Row struct {
	Login                   string     `json:"login"`
	GrantType               string     `json:"grant_type"` // direct | team | enterprise_team
	Grant                   string     `json:"grant"`      // "direct", or the team's slug
	CreatedAt               time.Time  `json:"created_at"`
	LastActivityAt          *time.Time `json:"last_activity_at"`
	LastActivityEditor      string     `json:"last_activity_editor,omitempty"`
	DaysIdle                int        `json:"days_idle"` // since the last activity, or since the seat was granted
	PendingCancellationDate *string    `json:"pending_cancellation_date"`
	MonthlyCost             float64    `json:"monthly_cost"`
}

// Report is an organization's seats at one moment.
type Report struct {
	Organization string    `json:"organization"`
	PlanType     string    `json:"plan_type"`
	At           time.Time `json:"at"`
	InactiveDays int       `json:"inactive_days,omitempty"`
	Seats        []Row     `json:"seats"`
	TotalSeats   int       `json:"total_seats"`  // rows in the report
	MonthlyCost  float64   `json:"monthly_cost"` // of the rows in the report
}

// Build makes the report of seats (as copilot.Service.OrgSeats lists
// them) at now. Days idle are whole days; a seat never used is idle since
// it was granted. Seats pending cancellation are billed until their date
// and so are counted at full price.
func Build(org seatkeeper.Organization, plan string, seats []seatkeeper.Seat, now time.Time, opt Options) Report {
	r := Report{Organization: org.Login, PlanType: plan, At: now.UTC(), InactiveDays: opt.InactiveDays, Seats: make([]Row, 0, len(seats))}
	for _, s := range seats {
		row, keep := rowOf(s, now, opt)
		if !keep {
			continue
		}
		r.Seats = append(r.Seats, row)
		r.MonthlyCost += row.MonthlyCost
	}
	r.TotalSeats = len(r.Seats)
	return r
}

// rowOf is a seat's row at now; keep is false when opt filters it out.
func rowOf(s seatkeeper.Seat, now time.Time, opt Options) (row Row, keep bool) {
	row = Row{
		Login: s.User.Login, GrantType: GrantDirect, Grant: GrantDirect, CreatedAt: s.CreatedAt.UTC(),
		LastActivityAt: s.Activity.LastActivityAt, LastActivityEditor: s.Activity.LastActivityEditor,
		MonthlyCost: opt.Prices.Of(s.PlanType),
	}
	switch {
	case s.Team != nil:
		row.GrantType, row.Grant = GrantTeam, s.Team.Slug
	case s.EnterpriseTeam != nil:
		row.GrantType, row.Grant = GrantEnterpriseTeam, s.EnterpriseTeam.Slug
	}
	if d := s.PendingCancellationDate; d != nil {
		str := d.String()
		row.PendingCancellationDate = &str
	}
	since := s.CreatedAt
	if s.Activity.LastActivityAt != nil {
		since = *s.Activity.LastActivityAt
	}
	row.DaysIdle = max(int(now.Sub(since)/(24*time.Hour)), 0)
	return row, opt.InactiveDays <= 0 || row.DaysIdle >= opt.InactiveDays
}

// Seats reports the seats of org at svc's clock. It fails with GitHub's
// 422 when Copilot is not enabled for the org.
func Seats(ctx context.Context, svc *copilot.Service, org seatkeeper.Organization, opt Options) (Report, error) {
	sub, err := svc.Store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return Report{}, seatkeeper.Errorf(seatkeeper.KindInvalid, "%s", copilot.MsgNotEnabled)
	}
	if err != nil {
		return Report{}, err
	}
	seats, err := svc.OrgSeats(ctx, org)
	if err != nil {
		return Report{}, err
	}
	return Build(org, sub.PlanType, seats, svc.Clock.Now(), opt), nil
}
