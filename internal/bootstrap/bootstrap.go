// Package bootstrap makes the first site administrator: the user
// seatkeeper-admin, holding the token the operator gave at start
// (SEATKEEPER_ADMIN_TOKEN or serve --admin-token-file). With it the
// control API under /_seatkeeper is usable on an empty database.
package bootstrap

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Login is the bootstrap administrator's login.
const Login = "seatkeeper-admin"

// AdminID is the administrator's account id: far above any id the account
// sequence hands out, so that seed documents loaded afterwards may still
// use small explicit ids such as octocat's 1.
const AdminID int64 = 10_000_000_000

// Scopes are the bootstrap token's scopes.
var Scopes = []string{"site_admin", "admin:org", "admin:enterprise", "manage_billing:copilot"}

// Note marks the bootstrap token in token listings.
const Note = "bootstrap administrator token"

// MinLength is the shortest admin token accepted.
const MinLength = 16

// Result says what Admin changed.
type Result struct {
	UserCreated  bool
	TokenCreated bool
	Revoked      int // earlier tokens of the administrator revoked
}

// Admin makes sure the bootstrap administrator exists, is a site
// administrator and holds token, in one transaction. It is idempotent: run
// again with the same token it changes nothing. Given a different token, it
// stores it and revokes every other token the administrator held. A token
// that belongs to someone else, or that was revoked, is refused.
func Admin(ctx context.Context, st *store.Store, token string, now time.Time) (Result, error) {
	if err := check(token); err != nil {
		return Result{}, err
	}
	var res Result
	err := st.Tx(ctx, func(tx *store.Tx) error {
		res = Result{}
		u, err := tx.UserByLogin(ctx, Login)
		switch {
		case seatkeeper.IsNotFound(err):
			u = seatkeeper.User{ID: AdminID, Login: Login, Name: "seatkeeper administrator", SiteAdmin: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUserWithReservedID(ctx, &u); err != nil {
				return err
			}
			res.UserCreated = true
		case err != nil:
			return err
		case !u.SiteAdmin:
			if err := tx.MarkSiteAdmin(ctx, u.ID, now); err != nil {
				return err
			}
		}
		hash := auth.Hash(token)
		t, err := tx.TokenByHash(ctx, hash)
		switch {
		case err == nil && t.UserID != u.ID:
			return fmt.Errorf("bootstrap: the admin token is already a token of another user: choose another")
		case err == nil && t.RevokedAt != nil:
			return fmt.Errorf("bootstrap: the admin token was revoked: choose another")
		case err == nil:
			return nil // same token: nothing to do
		case !seatkeeper.IsNotFound(err):
			return err
		}
		all, err := tx.Tokens(ctx)
		if err != nil {
			return err
		}
		for _, old := range all {
			if old.UserID == u.ID && old.RevokedAt == nil {
				if err := tx.RevokeToken(ctx, old.ID, now); err != nil {
					return err
				}
				if err := audit.Record(ctx, tx, audit.Event{At: now, Action: audit.TokenRevoked, Subject: fmt.Sprint(old.ID),
					Details: map[string]any{"kind": string(old.Kind), "hint": old.Hint, "note": old.Note}}); err != nil {
					return err
				}
				res.Revoked++
			}
		}
		tok, err := seed.CreateToken(ctx, tx, seed.Token{
			Token: token, Kind: string(seatkeeper.TokenClassic), User: Login, Scopes: Scopes, Note: Note,
		}, now)
		if err != nil {
			return fmt.Errorf("bootstrap: admin token: %w", err)
		}
		res.TokenCreated = true
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.TokenCreated, Subject: fmt.Sprint(tok.ID),
			Details: map[string]any{"kind": string(tok.Kind), "hint": tok.Hint, "note": tok.Note, "user": Login}})
	})
	return res, err
}

// check refuses tokens that cannot be typed into a header or are too short
// to be secret.
func check(token string) error {
	switch {
	case len(token) < MinLength:
		return fmt.Errorf("bootstrap: the admin token is too short: use at least %d characters (e.g. openssl rand -hex 20)", MinLength)
	case len(token) > 255 || strings.ContainsFunc(token, unicode.IsSpace):
		return fmt.Errorf("bootstrap: the admin token has at most 255 characters and no spaces")
	}
	if k, ok := auth.KindOf(token); ok && k != seatkeeper.TokenClassic {
		return fmt.Errorf("bootstrap: the admin token is a classic token: its prefix may be ghp_ or none, not %s", k.Prefix())
	}
	return nil
}

// UserIDs returns the id of the bootstrap administrator, if there is one,
// as the list of users a reset keeps.
func UserIDs(ctx context.Context, r interface {
	UserByLogin(context.Context, string) (seatkeeper.User, error)
}) ([]int64, error) {
	u, err := r.UserByLogin(ctx, Login)
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []int64{u.ID}, nil
}
