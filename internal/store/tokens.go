package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

const tokenCols = `id, kind, hash, hint, user_id, org_id, scopes, permissions, note, expires_at, revoked_at, created_at`

func scanToken(row interface{ Scan(...any) error }) (seatkeeper.Token, error) {
	var t seatkeeper.Token
	var kind, scopes, perms string
	var user, org, expires, revoked sql.NullInt64
	var created int64
	if err := row.Scan(&t.ID, &kind, &t.Hash, &t.Hint, &user, &org, &scopes, &perms, &t.Note, &expires, &revoked, &created); err != nil {
		return t, err
	}
	t.Kind = seatkeeper.TokenKind(kind)
	t.UserID, t.OrgID = user.Int64, org.Int64
	t.Scopes = strings.Fields(scopes)
	if err := json.Unmarshal([]byte(perms), &t.Permissions); err != nil {
		return t, fmt.Errorf("token %d permissions: %w", t.ID, err)
	}
	t.ExpiresAt, t.RevokedAt, t.CreatedAt = fromNullUnix(expires), fromNullUnix(revoked), fromUnix(created)
	return t, nil
}

// TokenByHash finds a token by the SHA-256 of its secret.
func (o ops) TokenByHash(ctx context.Context, hash string) (seatkeeper.Token, error) {
	t, err := scanToken(o.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash))
	if err != nil {
		return t, notFound("token", err)
	}
	return t, nil
}

// TokenByID finds a token by id.
func (o ops) TokenByID(ctx context.Context, id int64) (seatkeeper.Token, error) {
	t, err := scanToken(o.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ?`, id))
	if err != nil {
		return t, notFound(fmt.Sprint("token ", id), err)
	}
	return t, nil
}

// Tokens lists every token in id order.
func (o ops) Tokens(ctx context.Context) ([]seatkeeper.Token, error) {
	return queryAll(ctx, o, scanToken, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
}

// CreateToken stores t (already hashed); t.ID is allocated.
func (o ops) CreateToken(ctx context.Context, t *seatkeeper.Token) error {
	perms := t.Permissions
	if perms == nil {
		perms = map[string]string{}
	}
	pj, err := json.Marshal(perms)
	if err != nil {
		return err
	}
	id, err := o.nextID(ctx, seqTokens)
	if err != nil {
		return err
	}
	t.ID = id
	_, err = o.exec(ctx, `INSERT INTO tokens (id, kind, hash, hint, user_id, org_id, scopes, permissions, note, expires_at, revoked_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, string(t.Kind), t.Hash, t.Hint, nullID(t.UserID), nullID(t.OrgID), strings.Join(t.Scopes, " "), string(pj), t.Note,
		nullUnix(t.ExpiresAt), nullUnix(t.RevokedAt), unix(t.CreatedAt))
	if isUniqueViolation(err) {
		return seatkeeper.Errorf(seatkeeper.KindConflict, "token %s already exists", t.Hint)
	}
	if err != nil {
		return fmt.Errorf("store: token: %w", err)
	}
	return nil
}

// RevokeToken marks a token revoked at the given time.
func (o ops) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	res, err := o.exec(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, unix(at), id)
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	return nil
}
