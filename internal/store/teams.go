package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

const teamCols = `id, org_id, name, slug, description, privacy, notification_setting, permission, parent_id, created_at, updated_at`

func scanTeam(row interface{ Scan(...any) error }) (seatkeeper.Team, error) {
	var t seatkeeper.Team
	var parent sql.NullInt64
	var created, updated int64
	err := row.Scan(&t.ID, &t.OrgID, &t.Name, &t.Slug, &t.Description, &t.Privacy, &t.NotificationSetting, &t.Permission,
		&parent, &created, &updated)
	t.ParentID, t.CreatedAt, t.UpdatedAt = parent.Int64, fromUnix(created), fromUnix(updated)
	return t, err
}

// TeamBySlug finds an org's team by slug, ignoring case.
func (o ops) TeamBySlug(ctx context.Context, orgID int64, slug string) (seatkeeper.Team, error) {
	t, err := scanTeam(o.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE org_id = ? AND slug_key = ?`, orgID, seatkeeper.LoginKey(slug)))
	if err != nil {
		return t, notFound("team "+slug, err)
	}
	return t, nil
}

// TeamByID finds a team by id.
func (o ops) TeamByID(ctx context.Context, id int64) (seatkeeper.Team, error) {
	t, err := scanTeam(o.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE id = ?`, id))
	if err != nil {
		return t, notFound(fmt.Sprint("team ", id), err)
	}
	return t, nil
}

// Teams lists an org's teams in id order.
func (o ops) Teams(ctx context.Context, orgID int64) ([]seatkeeper.Team, error) {
	return queryAll(ctx, o, scanTeam, `SELECT `+teamCols+` FROM teams WHERE org_id = ? ORDER BY id`, orgID)
}

// CreateTeam inserts t; a zero t.ID is allocated. The slug defaults to the
// slugified name.
func (o ops) CreateTeam(ctx context.Context, t *seatkeeper.Team) error {
	o.touchOrg(t.OrgID)
	if t.Slug == "" {
		t.Slug = seatkeeper.Slugify(t.Name)
	}
	id, err := o.allocID(ctx, seqTeams, t.ID)
	if err != nil {
		return err
	}
	t.ID = id
	_, err = o.exec(ctx, `INSERT INTO teams (id, org_id, name, name_key, slug, slug_key, description, privacy, notification_setting,
		permission, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.Name, seatkeeper.LoginKey(t.Name), t.Slug, seatkeeper.LoginKey(t.Slug), t.Description, t.Privacy,
		t.NotificationSetting, t.Permission, nullID(t.ParentID), unix(t.CreatedAt), unix(t.UpdatedAt))
	return o.insertErr("team", t.Name, err)
}

// AddTeamMember adds a user to a team; joining again keeps the first
// joining time.
func (o ops) AddTeamMember(ctx context.Context, teamID, userID int64, role string, at time.Time) error {
	if role == "" {
		role = "member"
	}
	_, err := o.exec(ctx, `INSERT INTO team_members (team_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`, teamID, userID, role, unix(at))
	if err != nil {
		return fmt.Errorf("store: team member: %w", err)
	}
	return o.teamUsersChanged(ctx, teamID, userID)
}

// TeamMemberIDs lists the user ids of a team's direct members.
func (o ops) TeamMemberIDs(ctx context.Context, teamID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id`, teamID)
}

func scanInt64(row interface{ Scan(...any) error }) (int64, error) {
	var v int64
	err := row.Scan(&v)
	return v, err
}

const eteamCols = `id, enterprise_id, name, slug, description, created_at, updated_at`

func scanEnterpriseTeam(row interface{ Scan(...any) error }) (seatkeeper.EnterpriseTeam, error) {
	var t seatkeeper.EnterpriseTeam
	var created, updated int64
	err := row.Scan(&t.ID, &t.EnterpriseID, &t.Name, &t.Slug, &t.Description, &created, &updated)
	t.CreatedAt, t.UpdatedAt = fromUnix(created), fromUnix(updated)
	return t, err
}

// EnterpriseTeamBySlug finds an enterprise's team by slug, ignoring case.
func (o ops) EnterpriseTeamBySlug(ctx context.Context, enterpriseID int64, slug string) (seatkeeper.EnterpriseTeam, error) {
	t, err := scanEnterpriseTeam(o.queryRow(ctx, `SELECT `+eteamCols+` FROM enterprise_teams WHERE enterprise_id = ? AND slug_key = ?`,
		enterpriseID, seatkeeper.LoginKey(slug)))
	if err != nil {
		return t, notFound("enterprise team "+slug, err)
	}
	return t, nil
}

// EnterpriseTeams lists an enterprise's teams in id order.
func (o ops) EnterpriseTeams(ctx context.Context, enterpriseID int64) ([]seatkeeper.EnterpriseTeam, error) {
	return queryAll(ctx, o, scanEnterpriseTeam, `SELECT `+eteamCols+` FROM enterprise_teams WHERE enterprise_id = ? ORDER BY id`, enterpriseID)
}

// CreateEnterpriseTeam inserts t; a zero t.ID is allocated.
func (o ops) CreateEnterpriseTeam(ctx context.Context, t *seatkeeper.EnterpriseTeam) error {
	if t.Slug == "" {
		t.Slug = seatkeeper.Slugify(t.Name)
	}
	id, err := o.allocID(ctx, seqEnterpriseTeams, t.ID)
	if err != nil {
		return err
	}
	t.ID = id
	_, err = o.exec(ctx, `INSERT INTO enterprise_teams (id, enterprise_id, name, slug, slug_key, description, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnterpriseID, t.Name, t.Slug, seatkeeper.LoginKey(t.Slug), t.Description, unix(t.CreatedAt), unix(t.UpdatedAt))
	return o.insertErr("enterprise team", t.Slug, err)
}

// AddEnterpriseTeamMember adds a user to an enterprise team (idempotent).
func (o ops) AddEnterpriseTeamMember(ctx context.Context, teamID, userID int64, at time.Time) error {
	_, err := o.exec(ctx, `INSERT INTO enterprise_team_members (team_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		teamID, userID, unix(at))
	if err != nil {
		return fmt.Errorf("store: enterprise team member: %w", err)
	}
	return o.enterpriseTeamSeatsChanged(ctx, teamID, userID)
}

// EnterpriseTeamMemberIDs lists the user ids of an enterprise team.
func (o ops) EnterpriseTeamMemberIDs(ctx context.Context, teamID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `SELECT user_id FROM enterprise_team_members WHERE team_id = ? ORDER BY user_id`, teamID)
}

// TeamByNameOrSlug finds an org's team by name or slug, ignoring case, as
// GitHub's selected_teams does.
func (o ops) TeamByNameOrSlug(ctx context.Context, orgID int64, name string) (seatkeeper.Team, error) {
	key := seatkeeper.LoginKey(name)
	t, err := scanTeam(o.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE org_id = ? AND (name_key = ? OR slug_key = ?)
		ORDER BY CASE WHEN name_key = ? THEN 0 ELSE 1 END LIMIT 1`, orgID, key, key, key))
	if err != nil {
		return t, notFound("team "+name, err)
	}
	return t, nil
}

// TeamSubtreeUserIDs lists the distinct members of a team and of all its
// descendant teams, in id order.
func (o ops) TeamSubtreeUserIDs(ctx context.Context, teamID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `WITH RECURSIVE sub (team_id) AS (
			SELECT CAST(? AS BIGINT)
			UNION
			SELECT t.id FROM sub JOIN teams t ON t.parent_id = sub.team_id
		)
		SELECT DISTINCT tm.user_id FROM sub JOIN team_members tm ON tm.team_id = sub.team_id ORDER BY tm.user_id`, teamID)
}
