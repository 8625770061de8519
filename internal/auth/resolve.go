package auth

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Tokens is what resolving a token reads: internal/store.Store, or a
// cached view of it.
type Tokens interface {
	TokenByHash(ctx context.Context, hash string) (seatkeeper.Token, error)
	UserByID(ctx context.Context, id int64) (seatkeeper.User, error)
}

// ErrBadCredentials is GitHub's 401 for a token that does not authenticate.
var ErrBadCredentials = &seatkeeper.Error{Kind: seatkeeper.KindUnauthenticated, Message: "Bad credentials"}

// MaxTokenLength is the longest token resolved; longer ones are Bad
// credentials without a lookup.
const MaxTokenLength = 255

// Resolve finds the principal a token stands for at now. A token that is
// empty, too long, unknown, revoked or expired, or whose user is gone, is
// ErrBadCredentials; other errors are the store's.
func Resolve(ctx context.Context, tokens Tokens, token string, now time.Time) (seatkeeper.Principal, error) {
	if token == "" || len(token) > MaxTokenLength {
		return seatkeeper.Principal{}, ErrBadCredentials
	}
	hash := Hash(token)
	t, err := tokens.TokenByHash(ctx, hash)
	if seatkeeper.IsNotFound(err) {
		return seatkeeper.Principal{}, ErrBadCredentials
	}
	if err != nil {
		return seatkeeper.Principal{}, err
	}
	// The lookup found it by an index on the hash; compare the hashes in
	// constant time as well, so that no code path compares secrets by
	// early-exit equality.
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1 {
		return seatkeeper.Principal{}, ErrBadCredentials
	}
	return PrincipalOf(ctx, tokens, t, now)
}

// PrincipalOf is the principal of a token already found (a dashboard
// session's, by id): Bad credentials when it is revoked or expired at now,
// or its user is gone.
func PrincipalOf(ctx context.Context, tokens Tokens, t seatkeeper.Token, now time.Time) (seatkeeper.Principal, error) {
	p := seatkeeper.Principal{Token: t}
	if !t.Usable(now) {
		return p, ErrBadCredentials
	}
	if t.UserID != 0 {
		u, err := tokens.UserByID(ctx, t.UserID)
		if seatkeeper.IsNotFound(err) {
			return p, ErrBadCredentials
		}
		if err != nil {
			return p, err
		}
		p.User = &u
	}
	return p, nil
}
