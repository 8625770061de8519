// Package report computes Copilot seat reports: per seat, who holds it,
// through what, when it was last used, how long it has been idle and what
// it costs a month. The CLI's "seats" command prints them; a dashboard
// could serve them.
package report

import (
	"cmp"
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
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
	// ByUsage counts idleness from each seat's latest usage event (the
	// usage-metrics model) instead of its last_activity_at: a seat
	// without usage is idle since it was granted.
	ByUsage bool
}

// Grant types of a Row.
const (
	GrantDirect         = "direct"
	GrantTeam           = "team"
	GrantEnterpriseTeam = "enterprise_team"
)

// EnterpriseLevel is a Row's Organization for a seat the enterprise holds
// itself, in no organization (the seat list's organization is null).
const EnterpriseLevel = "enterprise"

// Row is one seat.
type Row struct {
	Login                   string     `json:"login"`
	Organization            string     `json:"organization,omitempty"` // in an enterprise's report: the seat's org, or EnterpriseLevel
	GrantType               string     `json:"grant_type"`             // direct | team | enterprise_team
	Grant                   string     `json:"grant"`                  // "direct", or the team's slug
	CreatedAt               time.Time  `json:"created_at"`
	LastActivityAt          *time.Time `json:"last_activity_at"`
	LastActivityEditor      string     `json:"last_activity_editor,omitempty"`
	DaysIdle                int        `json:"days_idle"` // since the last activity, or since the seat was granted
	PendingCancellationDate *string    `json:"pending_cancellation_date"`
	MonthlyCost             float64    `json:"monthly_cost"`
}

// Report is an organization's, or an enterprise's, seats at one moment.
type Report struct {
	Organization string    `json:"organization,omitempty"`
	Enterprise   string    `json:"enterprise,omitempty"`
	PlanType     string    `json:"plan_type,omitempty"` // an organization's; an enterprise's seats each have their own
	At           time.Time `json:"at"`
	InactiveDays int       `json:"inactive_days,omitempty"`
	Seats        []Row     `json:"seats"`
	TotalSeats   int       `json:"total_seats"`  // rows in the report
	SeatHolders  int       `json:"seat_holders"` // distinct users of the rows (GitHub's total_seats for an enterprise)
	// MonthlyCost is the rows' cost; an enterprise bills each holder once,
	// at the dearest plan among their seats.
	MonthlyCost float64 `json:"monthly_cost"`
}

// Build makes the report of seats (as copilot.Service.OrgSeats lists
// them) at now. Days idle are whole days; a seat never used is idle since
// it was granted. Seats pending cancellation are billed until their date
// and so are counted at full price.
func Build(org seatkeeper.Organization, plan string, seats []seatkeeper.Seat, now time.Time, opt Options) Report {
	r := Report{Organization: org.Login, PlanType: plan}
	r.add(seats, now, opt, false)
	return r
}

// BuildEnterprise makes the report of an enterprise's seats (as
// copilot.Service.EnterpriseSeats lists them) at now, as Build does, each
// row with its organization (EnterpriseLevel for none) and the price of
// its own plan; the enterprise bills a user seated twice once.
func BuildEnterprise(enterprise string, seats []seatkeeper.Seat, now time.Time, opt Options) Report {
	r := Report{Enterprise: enterprise}
	r.add(seats, now, opt, true)
	return r
}

func (r *Report) add(seats []seatkeeper.Seat, now time.Time, opt Options, withOrg bool) {
	r.At, r.InactiveDays, r.Seats = now.UTC(), opt.InactiveDays, make([]Row, 0, len(seats))
	dearest := map[string]float64{}
	for _, s := range seats {
		row, keep := rowOf(s, now, opt)
		if !keep {
			continue
		}
		if withOrg {
			row.Organization = cmp.Or(s.Org.Login, EnterpriseLevel)
		}
		r.Seats = append(r.Seats, row)
		dearest[row.Login] = max(dearest[row.Login], row.MonthlyCost)
	}
	r.TotalSeats, r.SeatHolders = len(r.Seats), len(dearest)
	if !withOrg {
		for _, row := range r.Seats {
			r.MonthlyCost += row.MonthlyCost
		}
		return
	}
	for _, cost := range dearest {
		r.MonthlyCost += cost
	}
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
	if opt.ByUsage {
		last, err := svc.Store.LastUsage(ctx, store.UsageQuery{OrgIDs: []int64{org.ID}})
		if err != nil {
			return Report{}, err
		}
		ByUsage(seats, func(u seatkeeper.User) (time.Time, bool) { at, ok := last[u.ID]; return at, ok })
	}
	return Build(org, sub.PlanType, seats, svc.Clock.Now(), opt), nil
}

// ByUsage replaces each seat's activity with the time of its holder's
// latest usage, which last gives (false: none), for Options.ByUsage:
// idleness then counts from it, or from the grant.
func ByUsage(seats []seatkeeper.Seat, last func(seatkeeper.User) (time.Time, bool)) {
	for i := range seats {
		seats[i].Activity = seatkeeper.Activity{}
		if at, ok := last(seats[i].User); ok {
			seats[i].Activity.LastActivityAt = &at
		}
	}
}

// EnterpriseSeats reports the seats of ent at svc's clock: every seat of
// its organizations and of the enterprise itself.
func EnterpriseSeats(ctx context.Context, svc *copilot.Service, ent seatkeeper.Enterprise, opt Options) (Report, error) {
	seats, _, err := svc.EnterpriseSeats(ctx, ent)
	if err != nil {
		return Report{}, err
	}
	if opt.ByUsage {
		// A holder's latest usage anywhere in the enterprise, as its
		// users-28-day report merges it.
		orgs, err := svc.EnterpriseUsageOrgs(ctx, ent)
		if err != nil {
			return Report{}, err
		}
		last, err := svc.Store.LastUsage(ctx, store.UsageQuery{OrgIDs: orgs, EnterpriseID: ent.ID})
		if err != nil {
			return Report{}, err
		}
		ByUsage(seats, func(u seatkeeper.User) (time.Time, bool) { at, ok := last[u.ID]; return at, ok })
	}
	return BuildEnterprise(ent.Slug, seats, svc.Clock.Now(), opt), nil
}
