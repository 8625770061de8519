package dashboard

import (
	"context"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// cycleCount is the number of seats billed in one billing cycle.
type cycleCount struct {
	Start, End time.Time // [Start, End): 00:00 UTC on the billing cycle day
	Seats      int
	Current    bool
}

// interval is a span during which a user held a seat: [from, to), to
// zero when the seat has no end yet.
type interval struct{ from, to time.Time }

// pastSeats reads what the store still knows of seats that have ended:
// grants whose pending cancellation date has passed (a direct grant: its
// user; a team or enterprise team grant: the team's members today) and
// residual seats (kept after leaving a team) whose date has passed. By
// user id.
func pastSeats(ctx context.Context, st reader, orgID int64, now time.Time) (map[int64][]interval, error) {
	out := map[int64][]interval{}
	grants, err := st.LapsedGrants(ctx, orgID, seatkeeper.DateOf(now))
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		if !g.Lapsed(now) {
			continue // cannot happen: the store chose them by date
		}
		span := interval{g.CreatedAt, g.PendingCancellationDate.Time}
		var users []int64
		switch g.Kind {
		case seatkeeper.GrantUser:
			users = []int64{g.UserID}
		case seatkeeper.GrantTeam:
			if users, err = st.TeamSubtreeUserIDs(ctx, g.TeamID); err != nil {
				return nil, err
			}
		case seatkeeper.GrantEnterpriseTeam:
			if users, err = st.EnterpriseTeamMemberIDs(ctx, g.EnterpriseTeamID); err != nil {
				return nil, err
			}
		}
		for _, u := range users {
			out[u] = append(out[u], span)
		}
	}
	residuals, err := st.ResidualSeatRows(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, r := range residuals {
		if !now.Before(r.PendingCancellationDate.Time) {
			out[r.UserID] = append(out[r.UserID], interval{r.CreatedAt, r.PendingCancellationDate.Time})
		}
	}
	return out, nil
}

// billingCycles are the last n billing cycles at now (1 to 64), oldest
// first, the current one last, with no seats counted.
func billingCycles(cycleDay int, now time.Time, n int) []cycleCount {
	n = min(max(n, 1), 64)
	start := seatkeeper.CycleStart(cycleDay, now)
	cycles := make([]cycleCount, n)
	for i := range cycles {
		s := start.AddDate(0, i-(n-1), 0)
		cycles[i] = cycleCount{Start: s, End: s.AddDate(0, 1, 0), Current: i == n-1}
	}
	return cycles
}

// billedCycles counts the seats billed in each of cycles (billedPerCycle's
// rule): current counts the org's current seats held in each cycle, as
// store.SumSeats counts them for the cycle's span; the users the store
// remembers past seats of are counted again here, their current seat with
// their past ones, in place of what current counted for them.
func billedCycles(ctx context.Context, r reader, org seatkeeper.Organization, sub seatkeeper.Subscription, now time.Time, cycles []cycleCount, current []int) ([]cycleCount, error) {
	past, err := pastSeats(ctx, r, org.ID, now)
	if err != nil {
		return nil, err
	}
	var seats []seatkeeper.Seat // the current seats of users with past ones
	for id := range past {
		ls, err := r.LedgerSeats(ctx, store.SeatQuery{OrgID: org.ID, At: now, State: seatkeeper.StateActive, UserID: id})
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			seats = append(seats, seatkeeper.Seat{User: l.User, CreatedAt: l.CreatedAt, PendingCancellationDate: l.PendingCancellationDate})
		}
	}
	with := billedPerCycle(seats, past, sub.BillingCycleDay, now, len(cycles))
	without := billedPerCycle(seats, nil, sub.BillingCycleDay, now, len(cycles))
	out := slices.Clone(cycles)
	for i := range out {
		out[i].Seats = current[i] + with[i].Seats - without[i].Seats
	}
	return out, nil
}

// billedPerCycle counts, for each of the last n billing cycles (oldest
// first, the current one last), the seats that existed at any moment of
// the cycle: every current seat from its created_at to its pending
// cancellation date (or on), and every ended seat the store remembers
// (past). A user counts once per cycle however many spans they have.
//
// It is an approximation: the store keeps the current state, not a log.
// A seat whose grant was given again after it ended shows only its latest
// span; seats of members who have left the org, of teams that were
// deleted, and of grants that were replaced are not remembered; an ended
// team grant counts the team's members of today.
func billedPerCycle(current []seatkeeper.Seat, past map[int64][]interval, cycleDay int, now time.Time, n int) []cycleCount {
	cycles := billingCycles(cycleDay, now, n)
	first := cycles[0].Start
	// mark sets in the cycles the span iv overlaps.
	mark := func(in *[64]bool, iv interval) {
		if !iv.to.IsZero() && !iv.to.After(first) {
			return // ended before the first cycle shown
		}
		for i := range cycles {
			c := cycles[i]
			if iv.from.Before(c.End) && !iv.from.After(now) && (iv.to.IsZero() || iv.to.After(c.Start)) {
				in[i] = true
			}
		}
	}
	count := func(in *[64]bool) {
		for i := range cycles {
			if in[i] {
				cycles[i].Seats++
			}
		}
	}
	seen := make(map[int64]bool, len(past))
	for _, seat := range current {
		var in [64]bool // the cycles this user was seated in
		iv := interval{from: seat.CreatedAt}
		if d := seat.PendingCancellationDate; d != nil {
			iv.to = d.Time
		}
		mark(&in, iv)
		if ivs, ok := past[seat.User.ID]; ok {
			seen[seat.User.ID] = true
			for _, iv := range ivs {
				mark(&in, iv)
			}
		}
		count(&in)
	}
	for u, ivs := range past {
		if seen[u] {
			continue
		}
		var in [64]bool
		for _, iv := range ivs {
			mark(&in, iv)
		}
		count(&in)
	}
	return cycles
}
