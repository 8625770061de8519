package copilot

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// complete loads what each seat's assigning team object names beyond the
// team itself (Seat.TeamParent, Seat.TeamEnterprise), each parent team and
// enterprise read once however many seats share it, so that a seat the
// service returns is whole and callers only encode it.
func complete(ctx context.Context, st *store.Store, seats []seatkeeper.Seat) error {
	parents := map[int64]*seatkeeper.Team{}
	enterprises := map[int64]*seatkeeper.Enterprise{}
	for i := range seats {
		seat := &seats[i]
		if t := seat.Team; t != nil && t.ParentID != 0 {
			p, ok := parents[t.ParentID]
			if !ok {
				pt, err := st.TeamByID(ctx, t.ParentID)
				if err != nil {
					return err
				}
				p = &pt
				parents[t.ParentID] = p
			}
			seat.TeamParent = p
		}
		if t := seat.EnterpriseTeam; t != nil {
			e, ok := enterprises[t.EnterpriseID]
			if !ok {
				ent, err := st.EnterpriseByID(ctx, t.EnterpriseID)
				if err != nil {
					return err
				}
				e = &ent
				enterprises[t.EnterpriseID] = e
			}
			seat.TeamEnterprise = e
		}
	}
	return nil
}
