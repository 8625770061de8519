package store

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
)

// LapsedGrants lists an org's grants whose pending cancellation has taken
// effect by the UTC day of today (what a seat history can still tell of
// seats that ended), in id order. The dates are YYYY-MM-DD text, so they
// compare as text on both databases.
func (o ops) LapsedGrants(ctx context.Context, orgID int64, today seatkeeper.Date) ([]seatkeeper.Grant, error) {
	return queryAll(ctx, o, scanGrant, `SELECT `+grantCols+` FROM copilot_grants
		WHERE org_id = ? AND pending_cancellation_date IS NOT NULL AND pending_cancellation_date <= ? ORDER BY id`, orgID, today.String())
}
