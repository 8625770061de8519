package copilot

import (
	"cmp"
	"context"
	"slices"

	"github.com/seatkeeper/seatkeeper"
)

// EnterpriseSeats returns one row per seat in each of the enterprise's
// organizations (a user seated in two orgs appears twice), in list order:
// oldest first, then by org and user id. users counts distinct users, which
// is what GitHub reports as total_seats.
func (s *Service) EnterpriseSeats(ctx context.Context, ent seatkeeper.Enterprise) (rows []seatkeeper.Seat, users int, err error) {
	orgs, err := s.Store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return nil, 0, err
	}
	distinct := map[int64]bool{}
	for _, org := range orgs {
		seats, err := s.OrgSeats(ctx, org)
		if err != nil {
			return nil, 0, err
		}
		for _, seat := range seats {
			distinct[seat.User.ID] = true
		}
		rows = append(rows, seats...)
	}
	slices.SortStableFunc(rows, func(a, b seatkeeper.Seat) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Org.ID, b.Org.ID), cmp.Compare(a.User.ID, b.User.ID))
	})
	return rows, len(distinct), complete(ctx, s.Store, rows)
}
