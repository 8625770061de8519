package copilot

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// DeriveSeats resolves the seats of an org's members in a state ("" for
// any) at now from grants, teams and memberships, without the ledger: the
// oracle the ledger is held to.
func DeriveSeats(ctx context.Context, r Reader, org seatkeeper.Organization, state string, now time.Time) ([]seatkeeper.Seat, error) {
	sub, err := r.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return deriveSeats(ctx, r, org, sub, state, store.Users{}, now)
}

// EnterpriseLevelSeats reads the enterprise's own seats at now from the
// seat ledger, in list order.
func EnterpriseLevelSeats(ctx context.Context, st *store.Store, ent seatkeeper.Enterprise, now time.Time) ([]seatkeeper.Seat, error) {
	seats, err := (&Service{Store: st}).enterpriseSeatsAt(ctx, ent, now, 0)
	out := seats[:0:0]
	for _, s := range seats {
		if s.AtEnterprise() {
			out = append(out, s)
		}
	}
	return out, err
}

// DeriveEnterpriseSeats resolves the enterprise's own seats at now from
// its grants and enterprise teams, without the ledger: the oracle the
// ledger's enterprise-level rows are held to.
func DeriveEnterpriseSeats(ctx context.Context, st *store.Store, ent seatkeeper.Enterprise, now time.Time) ([]seatkeeper.Seat, error) {
	sub, err := st.EnterpriseSubscription(ctx, ent.ID)
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	reaches, err := st.EnterpriseReachesOf(ctx, ent.ID, store.Users{})
	if err != nil {
		return nil, err
	}
	activity, err := st.EnterpriseActivity(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	var out []seatkeeper.Seat
	for id, rs := range reaches {
		chosen, pending, ok := seatkeeper.ResolveSeat(seatkeeper.EnterpriseReaches(sub, rs), now)
		if !ok {
			continue
		}
		u, err := st.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		updated := chosen.Grant.UpdatedAt
		if chosen.Since().After(updated) {
			updated = chosen.Since()
		}
		seat := seatkeeper.Seat{User: u, Enterprise: &ent, PlanType: sub.PlanType, EnterpriseTeam: chosen.ETeam,
			CreatedAt: chosen.Since(), UpdatedAt: updated, PendingCancellationDate: pending}
		for _, a := range activity {
			if a.UserID == id {
				seat.Activity = a.Activity
			}
		}
		out = append(out, seat)
	}
	slices.SortFunc(out, func(a, b seatkeeper.Seat) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.User.ID, b.User.ID))
	})
	return out, complete(ctx, st, out)
}
