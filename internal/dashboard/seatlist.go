package dashboard

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// The seats a page shows come from the seat ledger by query
// (store.SumSeats, store.ListSeats): the counts, the charts and the page
// of rows cost the same whatever the org's size. The rules stay here, in
// Go: what "idle N days" means (idleCutoff), the buckets' bounds and the
// billing cycles are passed to the queries as times.

// idleCutoff is the latest moment a seat idle at least days whole days at
// now was last used (or granted, if never used): a seat is idle that long
// exactly when its moment is at or before it, as the report counts days
// (report.Row.DaysIdle).
func idleCutoff(now time.Time, days int) time.Time {
	return time.Unix(now.Unix()-int64(days)*86400, 0).UTC()
}

// reader is what a seats page reads: the Store, or (a page whose
// queries must agree) a snapshot of it, store.Store.Snapshot's Tx.
type reader interface {
	copilot.BillingReader
	copilot.TeamReader
	OrgSeatTotals(ctx context.Context, orgID int64, at time.Time) ([]store.OrgSeatTotal, error)
	SumIdle(ctx context.Context, orgID int64, at time.Time, listed int, cuts []time.Time) (store.IdleSums, error)
	HeldInSpans(ctx context.Context, orgID int64, at time.Time, listed int, spans []store.SeatSpan) ([]int, error)
	CountSeatList(ctx context.Context, f store.SeatFilter) (int, error)
	NarrowSearch(ctx context.Context, f store.SeatFilter) (store.SeatFilter, error)
	ListSeats(ctx context.Context, f store.SeatFilter, ord store.SeatOrder, offset, limit int) ([]store.LedgerSeat, error)
	LedgerSeats(ctx context.Context, q store.SeatQuery) ([]store.LedgerSeat, error)
	LapsedGrants(ctx context.Context, orgID int64, today seatkeeper.Date) ([]seatkeeper.Grant, error)
	ResidualSeatRows(ctx context.Context, orgID int64) ([]store.ResidualSeat, error)
	TeamSubtreeUserIDs(ctx context.Context, teamID int64) ([]int64, error)
	EnterpriseTeamMemberIDs(ctx context.Context, teamID int64) ([]int64, error)
}

// seatFilter is v's filter and search at at, for the ledger; grants
// resolve v.Grant (a key matching none of them finds nothing).
func (v view) seatFilter(org seatkeeper.Organization, at time.Time, grants []grantOption) store.SeatFilter {
	f := store.SeatFilter{OrgID: org.ID, At: at, Search: v.Q, Never: v.Never, Pending: v.Pending}
	if v.IdleMin > 0 {
		f.IdleAt = idleCutoff(at, v.IdleMin)
	}
	if v.Grant != "" {
		f.Grant = &store.SeatGrant{TeamID: -1} // no team has this id
		if i := slices.IndexFunc(grants, func(g grantOption) bool { return g.Key == v.Grant }); i >= 0 {
			f.Grant = &grants[i].grant
		}
	}
	return f
}

// order is v's sort for the ledger.
func (v view) order() store.SeatOrder { return store.SeatOrder{By: v.Sort, Desc: v.Desc} }

// seatSums is what a seats page counts of an org's listed seats: every
// figure of the cards and the charts, and how many the filter keeps.
type seatSums struct {
	Listed, Pending, Never, Matching int
	Buckets                          [len(idleBounds)]int // seats per idle bucket
	Cycles                           []int                // current seats held in each span asked for
	Grants                           []grantOption
	// Filter is the view's filter, its search resolved once for the
	// count and the page of seats (store.Store.NarrowSearch).
	Filter store.SeatFilter
}

// sumSeats counts an org's listed seats at at, spans being the billing
// cycles of the chart (or none): the totals and the grants carrying
// seats from the org's kept totals, the idle buckets from one pass over
// an index, the cycles and the filter's count from index ranges.
func (d *Dashboard) sumSeats(ctx context.Context, r reader, org seatkeeper.Organization, at time.Time, v view, spans []store.SeatSpan) (seatSums, error) {
	var out seatSums
	totals, err := r.OrgSeatTotals(ctx, org.ID, at)
	if err != nil {
		return out, err
	}
	for _, t := range totals {
		if t.State != seatkeeper.StateActive {
			continue
		}
		out.Listed += t.Seats
		if t.Pending {
			out.Pending += t.Seats
		}
	}
	if out.Grants, err = grantChoices(ctx, r, totals); err != nil {
		return out, err
	}
	cuts := make([]time.Time, len(idleBounds)-1)
	for k := range cuts {
		cuts[k] = idleCutoff(at, idleBounds[k+1])
	}
	idle, err := r.SumIdle(ctx, org.ID, at, out.Listed, cuts)
	if err != nil {
		return out, err
	}
	// Bucket k holds the seats idle at least idleBounds[k] days but not
	// idleBounds[k+1].
	copy(out.Buckets[:], idle.Since)
	out.Never = idle.Never
	if out.Cycles, err = r.HeldInSpans(ctx, org.ID, at, out.Listed, spans); err != nil {
		return out, err
	}
	out.Matching, out.Filter = out.Listed, v.seatFilter(org, at, out.Grants)
	if out.Filter.Filtered() {
		if out.Filter, err = r.NarrowSearch(ctx, out.Filter); err != nil {
			return out, err
		}
		out.Matching, err = r.CountSeatList(ctx, out.Filter)
	}
	return out, err
}

// grantOptions lists the ways an org's listed seats at at are held.
func (d *Dashboard) grantOptions(ctx context.Context, org seatkeeper.Organization, at time.Time) ([]grantOption, error) {
	totals, err := d.store.OrgSeatTotals(ctx, org.ID, at)
	if err != nil {
		return nil, err
	}
	return grantChoices(ctx, d.store, totals)
}

// grantChoices are the choices of the grant filter: direct, then each
// team and enterprise team that carries listed seats of totals, by name.
func grantChoices(ctx context.Context, r copilot.TeamReader, totals []store.OrgSeatTotal) ([]grantOption, error) {
	out := []grantOption{{Key: report.GrantDirect, Label: "direct"}}
	var teams []grantOption
	seen := map[store.SeatGrant]bool{}
	for _, t := range totals {
		g := t.Grant
		if t.State != seatkeeper.StateActive || seen[g] {
			continue
		}
		seen[g] = true
		switch {
		case g.TeamID != 0:
			t, err := r.TeamByID(ctx, g.TeamID)
			if err != nil {
				return nil, err
			}
			teams = append(teams, grantOption{Key: report.GrantTeam + ":" + t.Slug, Label: "team " + t.Name, grant: g})
		case g.EnterpriseTeamID != 0:
			t, err := r.EnterpriseTeamByID(ctx, g.EnterpriseTeamID)
			if err != nil {
				return nil, err
			}
			teams = append(teams, grantOption{Key: report.GrantEnterpriseTeam + ":" + t.Slug, Label: "enterprise team " + t.Name, grant: g})
		}
	}
	slices.SortFunc(teams, func(a, b grantOption) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)), strings.Compare(a.Key, b.Key))
	})
	return append(out, teams...), nil
}

// seatRows makes the rows of ledger seats at at.
func (d *Dashboard) seatRows(ctx context.Context, r copilot.TeamReader, org seatkeeper.Organization, sub seatkeeper.Subscription, at time.Time, ls []store.LedgerSeat) ([]seatRow, error) {
	seats, err := copilot.WholeSeats(ctx, r, org, sub, ls)
	if err != nil {
		return nil, err
	}
	return buildRows(org, sub.PlanType, seats, at, d.cfg.Prices), nil
}

// listRows reads the rows f keeps in v's order, all of them.
func (d *Dashboard) listRows(ctx context.Context, org seatkeeper.Organization, sub seatkeeper.Subscription, f store.SeatFilter, ord store.SeatOrder) ([]seatRow, error) {
	ls, err := d.store.ListSeats(ctx, f, ord, 0, 0)
	if err != nil {
		return nil, err
	}
	return d.seatRows(ctx, d.store, org, sub, f.At, ls)
}
