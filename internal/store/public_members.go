package store

import (
	"context"
	"fmt"

	"github.com/seatkeeper/seatkeeper"
)

// Public membership (GitHub's public_members): an active member who made
// their membership visible to everyone. The row goes with the membership.

// PublicMembers lists an org's active members whose membership is public,
// in user id order.
func (o ops) PublicMembers(ctx context.Context, orgID int64) ([]seatkeeper.User, error) {
	return queryAll(ctx, o, scanUser, `SELECT `+prefixCols("u", userCols)+`
		FROM org_public_members p
		JOIN org_memberships m ON m.org_id = p.org_id AND m.user_id = p.user_id AND m.state = 'active'
		JOIN users u ON u.id = p.user_id
		WHERE p.org_id = ? ORDER BY u.id`, orgID)
}

// IsPublicMember reports whether the user is an active member of the org
// whose membership is public.
func (o ops) IsPublicMember(ctx context.Context, orgID, userID int64) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM org_public_members p
		JOIN org_memberships m ON m.org_id = p.org_id AND m.user_id = p.user_id AND m.state = 'active'
		WHERE p.org_id = ? AND p.user_id = ?`, orgID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: public member: %w", err)
	}
	return n > 0, nil
}

// SetPublicMember makes a member's membership public or private; the
// membership must exist.
func (o ops) SetPublicMember(ctx context.Context, orgID, userID int64, public bool) error {
	o.touchOrg(orgID)
	query := `DELETE FROM org_public_members WHERE org_id = ? AND user_id = ?`
	if public {
		query = `INSERT INTO org_public_members (org_id, user_id) VALUES (?, ?) ON CONFLICT (org_id, user_id) DO NOTHING`
	}
	if _, err := o.exec(ctx, query, orgID, userID); err != nil {
		return fmt.Errorf("store: public member: %w", err)
	}
	return nil
}

// MembershipCount counts an org's memberships, invitations included: the
// seats its GitHub plan fills.
func (o ops) MembershipCount(ctx context.Context, orgID int64) (int, error) {
	var n int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM org_memberships WHERE org_id = ?`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: membership count: %w", err)
	}
	return n, nil
}
