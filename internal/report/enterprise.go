package report

import (
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// AtEnterprise is the Organization of an EnterpriseRow granted at the
// enterprise itself.
const AtEnterprise = "enterprise"

// EnterpriseRow is one seat of an enterprise: a Row and where it is held.
type EnterpriseRow struct {
	Organization string `json:"organization"` // the org's login, or "enterprise"
	Row
}

// EnterpriseReport is every seat of an enterprise at one moment, in its
// organizations and at the enterprise.
type EnterpriseReport struct {
	Enterprise   string          `json:"enterprise"`
	At           time.Time       `json:"at"`
	InactiveDays int             `json:"inactive_days,omitempty"`
	Seats        []EnterpriseRow `json:"seats"`
	SeatHolders  int             `json:"seat_holders"` // distinct users of the rows, GitHub's total_seats
	// MonthlyCost bills each holder once, at the dearest plan among their
	// seats: the enterprise counts a user seated twice once.
	MonthlyCost float64 `json:"monthly_cost"`
}

// BuildEnterprise makes the report of an enterprise's seats (as
// copilot.Service.EnterpriseSeats lists them) at now.
func BuildEnterprise(ent seatkeeper.Enterprise, seats []seatkeeper.Seat, now time.Time, opt Options) EnterpriseReport {
	r := EnterpriseReport{Enterprise: ent.Slug, At: now.UTC(), InactiveDays: opt.InactiveDays, Seats: make([]EnterpriseRow, 0, len(seats))}
	dearest := map[string]float64{}
	for _, s := range seats {
		row, keep := rowOf(s, now, opt)
		if !keep {
			continue
		}
		where := AtEnterprise
		if !s.AtEnterprise() {
			where = s.Org.Login
		}
		r.Seats = append(r.Seats, EnterpriseRow{Organization: where, Row: row})
		dearest[row.Login] = max(dearest[row.Login], row.MonthlyCost)
	}
	for _, cost := range dearest {
		r.MonthlyCost += cost
	}
	r.SeatHolders = len(dearest)
	return r
}
