package store

import (
	"context"
	"database/sql"

	"fmt"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

const userCols = `id, login, name, email, site_admin, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (seatkeeper.User, error) {
	var u seatkeeper.User
	var created, updated int64
	err := row.Scan(&u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &created, &updated)
	u.CreatedAt, u.UpdatedAt = fromUnix(created), fromUnix(updated)
	return u, err
}

// UserByLogin finds a user by login, ignoring case.
func (o ops) UserByLogin(ctx context.Context, login string) (seatkeeper.User, error) {
	u, err := scanUser(o.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE login_key = ?`, seatkeeper.LoginKey(login)))
	if err != nil {
		return u, notFound("user "+login, err)
	}
	return u, nil
}

// OrgMembersByLogin finds which of logins name members of an org (active
// or invited), matching each login as UserByLogin does, and returns them
// keyed by seatkeeper.LoginKey of the login; logins that name no user, or
// a user outside the org, are absent. A few queries, however many logins.
func (o ops) OrgMembersByLogin(ctx context.Context, orgID int64, logins []string) (map[string]seatkeeper.User, error) {
	keys := make([]any, len(logins))
	for i, l := range logins {
		keys[i] = seatkeeper.LoginKey(l)
	}
	out := make(map[string]seatkeeper.User, len(logins))
	err := inBatches(len(keys), func(lo, hi int) error {
		return queryEach(ctx, o, scanUser, func(u seatkeeper.User) error {
			out[seatkeeper.LoginKey(u.Login)] = u
			return nil
		}, `SELECT `+userCols+` FROM users WHERE login_key IN (`+marks(hi-lo)+`)
			AND EXISTS (SELECT 1 FROM org_memberships m WHERE m.org_id = ? AND m.user_id = users.id)`,
			append(keys[lo:hi:hi], orgID)...)
	})
	return out, err
}

// inListMax bounds the values one query lists in an IN (…): well inside
// both SQLite's and PostgreSQL's parameter limits.
const inListMax = 500

// inBatches calls fn for consecutive ranges [lo, hi) of n items, each at
// most inListMax long, stopping at the first error.
func inBatches(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += inListMax {
		if err := fn(lo, min(lo+inListMax, n)); err != nil {
			return err
		}
	}
	return nil
}

// UserByID finds a user by id.
func (o ops) UserByID(ctx context.Context, id int64) (seatkeeper.User, error) {
	u, err := scanUser(o.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, notFound(fmt.Sprint("user ", id), err)
	}
	return u, nil
}

// Users lists every user in id order.
func (o ops) Users(ctx context.Context) ([]seatkeeper.User, error) {
	return queryAll(ctx, o, scanUser, `SELECT `+userCols+` FROM users ORDER BY id`)
}

// CreateUser inserts u; a zero u.ID is allocated. Logins are unique across
// users and organizations, ignoring case.
func (o ops) CreateUser(ctx context.Context, u *seatkeeper.User) error {
	if err := o.loginFree(ctx, u.Login); err != nil {
		return err
	}
	id, err := o.allocID(ctx, seqAccounts, u.ID)
	if err != nil {
		return err
	}
	u.ID = id
	_, err = o.exec(ctx, `INSERT INTO users (id, login, login_key, name, email, site_admin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Login, seatkeeper.LoginKey(u.Login), u.Name, u.Email, u.SiteAdmin, unix(u.CreatedAt), unix(u.UpdatedAt))
	return o.insertErr("user", u.Login, err)
}

// CreateUserWithReservedID inserts u with its id as given, without
// advancing the account id sequence: for ids from a range that sequence
// never reaches (the bootstrap administrator's), so that seed documents
// may still use small explicit ids.
func (o ops) CreateUserWithReservedID(ctx context.Context, u *seatkeeper.User) error {
	if u.ID <= 0 {
		return fmt.Errorf("store: a reserved id must be positive")
	}
	if err := o.loginFree(ctx, u.Login); err != nil {
		return err
	}
	_, err := o.exec(ctx, `INSERT INTO users (id, login, login_key, name, email, site_admin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Login, seatkeeper.LoginKey(u.Login), u.Name, u.Email, u.SiteAdmin, unix(u.CreatedAt), unix(u.UpdatedAt))
	return o.insertErr("user", u.Login, err)
}

// loginFree reports a conflict when login is taken by a user or an org.
func (o ops) loginFree(ctx context.Context, login string) error {
	var n int
	key := seatkeeper.LoginKey(login)
	err := o.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE login_key = ?) + (SELECT COUNT(*) FROM organizations WHERE login_key = ?)`, key, key).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: login check: %w", err)
	}
	if n > 0 {
		return seatkeeper.Errorf(seatkeeper.KindConflict, "login %q is already taken", login)
	}
	return nil
}

// insertErr turns a unique violation into a conflict naming the entity.
func (o ops) insertErr(what, name string, err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return seatkeeper.Errorf(seatkeeper.KindConflict, "%s %q already exists", what, name)
	}
	return fmt.Errorf("store: insert %s %q: %w", what, name, err)
}

const orgCols = `id, login, name, description, enterprise_id, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (seatkeeper.Organization, error) {
	var g seatkeeper.Organization
	var ent sql.NullInt64
	var created, updated int64
	err := row.Scan(&g.ID, &g.Login, &g.Name, &g.Description, &ent, &created, &updated)
	g.EnterpriseID, g.CreatedAt, g.UpdatedAt = ent.Int64, fromUnix(created), fromUnix(updated)
	return g, err
}

// OrgByLogin finds an organization by login, ignoring case.
func (o ops) OrgByLogin(ctx context.Context, login string) (seatkeeper.Organization, error) {
	g, err := scanOrg(o.queryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE login_key = ?`, seatkeeper.LoginKey(login)))
	if err != nil {
		return g, notFound("organization "+login, err)
	}
	return g, nil
}

// OrgByID finds an organization by id.
func (o ops) OrgByID(ctx context.Context, id int64) (seatkeeper.Organization, error) {
	g, err := scanOrg(o.queryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE id = ?`, id))
	if err != nil {
		return g, notFound(fmt.Sprint("organization ", id), err)
	}
	return g, nil
}

// Orgs lists every organization in id order.
func (o ops) Orgs(ctx context.Context) ([]seatkeeper.Organization, error) {
	return queryAll(ctx, o, scanOrg, `SELECT `+orgCols+` FROM organizations ORDER BY id`)
}

// UserOrgs lists the organizations the user is an active member of, in
// id order.
func (o ops) UserOrgs(ctx context.Context, userID int64) ([]seatkeeper.Organization, error) {
	return queryAll(ctx, o, scanOrg, `SELECT g.id, g.login, g.name, g.description, g.enterprise_id, g.created_at, g.updated_at FROM organizations g
		JOIN org_memberships m ON m.org_id = g.id AND m.user_id = ? AND m.state = ?
		ORDER BY g.id`, userID, seatkeeper.StateActive)
}

// CreateOrg inserts g; a zero g.ID is allocated.
func (o ops) CreateOrg(ctx context.Context, g *seatkeeper.Organization) error {
	if err := o.loginFree(ctx, g.Login); err != nil {
		return err
	}
	id, err := o.allocID(ctx, seqAccounts, g.ID)
	if err != nil {
		return err
	}
	g.ID = id
	_, err = o.exec(ctx, `INSERT INTO organizations (id, login, login_key, name, description, enterprise_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.Login, seatkeeper.LoginKey(g.Login), g.Name, g.Description, nullID(g.EnterpriseID), unix(g.CreatedAt), unix(g.UpdatedAt))
	return o.insertErr("organization", g.Login, err)
}

const entCols = `id, slug, name, created_at, updated_at`

func scanEnterprise(row interface{ Scan(...any) error }) (seatkeeper.Enterprise, error) {
	var e seatkeeper.Enterprise
	var created, updated int64
	err := row.Scan(&e.ID, &e.Slug, &e.Name, &created, &updated)
	e.CreatedAt, e.UpdatedAt = fromUnix(created), fromUnix(updated)
	return e, err
}

// EnterpriseBySlug finds an enterprise by slug, ignoring case.
func (o ops) EnterpriseBySlug(ctx context.Context, slug string) (seatkeeper.Enterprise, error) {
	e, err := scanEnterprise(o.queryRow(ctx, `SELECT `+entCols+` FROM enterprises WHERE slug_key = ?`, seatkeeper.LoginKey(slug)))
	if err != nil {
		return e, notFound("enterprise "+slug, err)
	}
	return e, nil
}

// EnterpriseByID finds an enterprise by id.
func (o ops) EnterpriseByID(ctx context.Context, id int64) (seatkeeper.Enterprise, error) {
	e, err := scanEnterprise(o.queryRow(ctx, `SELECT `+entCols+` FROM enterprises WHERE id = ?`, id))
	if err != nil {
		return e, notFound(fmt.Sprint("enterprise ", id), err)
	}
	return e, nil
}

// Enterprises lists every enterprise in id order.
func (o ops) Enterprises(ctx context.Context) ([]seatkeeper.Enterprise, error) {
	return queryAll(ctx, o, scanEnterprise, `SELECT `+entCols+` FROM enterprises ORDER BY id`)
}

// CreateEnterprise inserts e; a zero e.ID is allocated.
func (o ops) CreateEnterprise(ctx context.Context, e *seatkeeper.Enterprise) error {
	id, err := o.allocID(ctx, seqEnterprises, e.ID)
	if err != nil {
		return err
	}
	e.ID = id
	_, err = o.exec(ctx, `INSERT INTO enterprises (id, slug, slug_key, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.Slug, seatkeeper.LoginKey(e.Slug), e.Name, unix(e.CreatedAt), unix(e.UpdatedAt))
	return o.insertErr("enterprise", e.Slug, err)
}

// AddEnterpriseOwner makes a user an owner of an enterprise (idempotent).
func (o ops) AddEnterpriseOwner(ctx context.Context, enterpriseID, userID int64) error {
	_, err := o.exec(ctx, `INSERT INTO enterprise_owners (enterprise_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, enterpriseID, userID)
	if err != nil {
		return fmt.Errorf("store: enterprise owner: %w", err)
	}
	return nil
}

// IsEnterpriseOwner reports whether the user owns the enterprise.
func (o ops) IsEnterpriseOwner(ctx context.Context, enterpriseID, userID int64) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM enterprise_owners WHERE enterprise_id = ? AND user_id = ?`, enterpriseID, userID).Scan(&n)
	return n > 0, err
}

// EnterpriseOwners lists the owners of an enterprise in id order.
func (o ops) EnterpriseOwners(ctx context.Context, enterpriseID int64) ([]seatkeeper.User, error) {
	return queryAll(ctx, o, scanUser, `SELECT `+prefixCols("u", userCols)+` FROM users u
		JOIN enterprise_owners eo ON eo.user_id = u.id WHERE eo.enterprise_id = ? ORDER BY u.id`, enterpriseID)
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, o ops, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	return queryAllCap(ctx, o, 0, scan, query, args...)
}

// queryAllCap is queryAll for a query whose rows are expected to number
// about n (a LIMIT): the result is allocated once, not grown row by row.
func queryAllCap[T any](ctx context.Context, o ops, n int, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	if n > 0 {
		out = make([]T, 0, n)
	}
	err := queryEach(ctx, o, scan, func(v T) error {
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryEach runs a query and hands each row, scanned with scan, to fn as
// it is read; an error from fn stops the reading and is returned as it is.
func queryEach[T any](ctx context.Context, o ops, scan func(interface{ Scan(...any) error }) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := o.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("store: scan: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: rows: %w", err)
	}
	return nil
}

// prefixCols qualifies a column list with a table alias.
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

// EnterpriseOrgs lists the organizations of an enterprise in id order.
func (o ops) EnterpriseOrgs(ctx context.Context, enterpriseID int64) ([]seatkeeper.Organization, error) {
	return queryAll(ctx, o, scanOrg, `SELECT `+orgCols+` FROM organizations WHERE enterprise_id = ? ORDER BY id`, enterpriseID)
}
