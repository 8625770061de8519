package copilot

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// KeepSeats runs change inside tx and then gives every user in userIDs who
// held a seat in org before the change and holds none after it a residual
// seat: still listed and billed, pending cancellation at the start of the
// next billing cycle (or at the date it already had). This is how losing a
// team membership, or a team, ends a seat: as GitHub ends it, at the cycle
// boundary. Changes that remove someone from the org must not use it:
// leaving the org ends the seat at once.
func KeepSeats(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, userIDs []int64, now time.Time, change func() error) error {
	sub, err := tx.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return change() // no Copilot, no seats to keep
	}
	if err != nil {
		return err
	}
	before := map[int64]seatkeeper.Seat{}
	for _, id := range userIDs {
		ss, err := deriveSeats(ctx, tx, org, sub, "", store.OnlyUsers(id), now)
		if err != nil {
			return err
		}
		if len(ss) > 0 {
			before[id] = ss[0]
		}
	}
	if err := change(); err != nil {
		return err
	}
	for id, was := range before {
		ss, err := deriveSeats(ctx, tx, org, sub, "", store.OnlyUsers(id), now)
		if err != nil {
			return err
		}
		if len(ss) > 0 {
			continue
		}
		pending := seatkeeper.NextCycleStart(sub.BillingCycleDay, now)
		if was.PendingCancellationDate != nil {
			pending = *was.PendingCancellationDate
		}
		r := store.ResidualSeat{OrgID: org.ID, UserID: id, CreatedAt: was.CreatedAt, UpdatedAt: now, PendingCancellationDate: pending}
		// The team that carried the seat is named while it exists; a
		// change that deleted it leaves the seat without one.
		if was.Team != nil {
			if _, err := tx.TeamByID(ctx, was.Team.ID); err == nil {
				r.TeamID = was.Team.ID
			} else if !seatkeeper.IsNotFound(err) {
				return err
			}
		}
		if was.EnterpriseTeam != nil {
			if _, err := tx.EnterpriseTeamByID(ctx, was.EnterpriseTeam.ID); err == nil {
				r.EnterpriseTeamID = was.EnterpriseTeam.ID
			} else if !seatkeeper.IsNotFound(err) {
				return err
			}
		}
		if err := tx.PutResidualSeat(ctx, r); err != nil {
			return err
		}
		if was.PendingCancellationDate == nil {
			details := map[string]any{"pending_cancellation_date": pending.String(), "reason": "lost the team membership that carried the seat"}
			if was.Team != nil {
				details["team"] = was.Team.Slug
			}
			if err := audit.Record(ctx, tx, audit.Event{At: now, Action: audit.SeatCancelled, Org: &org, Subject: was.User.Login, Details: details}); err != nil {
				return err
			}
			if err := audit.Schedule(ctx, tx, audit.SeatExpired, org, was.User.Login, pending); err != nil {
				return err
			}
		}
	}
	return nil
}
