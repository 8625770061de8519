package seed

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/suggest"
)

// maxTokenLength is the longest credential the API accepts.
const maxTokenLength = 255

var permissionLevels = []string{seatkeeper.PermissionRead, seatkeeper.PermissionWrite, seatkeeper.PermissionAdmin}

func (p *planner) planToken(l loc, t Token) (tokenPlan, error) {
	hash, hint, err := tokenHash(l, t)
	if err != nil {
		return tokenPlan{}, err
	}
	field := "token"
	if t.Token == "" {
		field = "token_sha256"
	}
	if prev, ok := p.tokens.claim(hash, l); !ok {
		return tokenPlan{}, l.errorf(field, "duplicate token (also %s)", prev)
	}
	if _, err := p.tx.TokenByHash(p.ctx, hash); err == nil {
		return tokenPlan{}, l.errorf(field, "duplicate token (already in the database)")
	} else if !seatkeeper.IsNotFound(err) {
		return tokenPlan{}, err
	}
	kind, err := tokenKind(l, t)
	if err != nil {
		return tokenPlan{}, err
	}
	if hint == "" {
		hint = kind.Prefix() + "…"
	}
	created, err := timestamp(l, "created_at", t.CreatedAt)
	if err != nil {
		return tokenPlan{}, err
	}
	out := tokenPlan{token: seatkeeper.Token{Kind: kind, Hash: hash, Hint: hint, Note: t.Note, CreatedAt: p.now}}
	if created != nil {
		out.token.CreatedAt = *created
	}
	// Installation tokens act for an org, not a user; classic and OAuth
	// tokens have no resource owner.
	if out.user, err = tokenRef(l, kind, "user", t.User, kind != seatkeeper.TokenInstallation, p.user); err != nil {
		return tokenPlan{}, err
	}
	if out.org, err = tokenRef(l, kind, "organization", t.Organization, !kind.UsesScopes(), p.org); err != nil {
		return tokenPlan{}, err
	}
	if kind.UsesScopes() {
		if len(t.Permissions) > 0 {
			return tokenPlan{}, l.errorf("permissions", "%s tokens have scopes, not permissions", kind)
		}
		for i, scope := range t.Scopes {
			if !slices.Contains(auth.Scopes, scope) {
				return tokenPlan{}, l.errorf(fmt.Sprintf("scopes[%d]", i), "%q is not a GitHub OAuth scope%s", scope, suggest.DidYouMean(scope, auth.Scopes, ""))
			}
		}
		out.token.Scopes = t.Scopes
	} else {
		if len(t.Scopes) > 0 {
			return tokenPlan{}, l.errorf("scopes", "%s tokens have permissions, not scopes", kind)
		}
		if len(t.Permissions) == 0 {
			return tokenPlan{}, l.errorf("permissions", "required for %s tokens", kind)
		}
		for _, name := range slices.Sorted(maps.Keys(t.Permissions)) {
			if !slices.Contains(auth.Permissions, name) {
				return tokenPlan{}, l.errorf("permissions."+name, "%q is not a GitHub permission%s", name, suggest.DidYouMean(name, auth.Permissions, ""))
			}
			if err := oneOf(l, "permissions."+name, t.Permissions[name], permissionLevels); err != nil {
				return tokenPlan{}, err
			}
		}
		out.token.Permissions = t.Permissions
	}
	if out.token.ExpiresAt, err = timestamp(l, "expires_at", t.ExpiresAt); err != nil {
		return tokenPlan{}, err
	}
	if t.Token != "" && !p.allowWeak {
		if why := auth.WeakToken(t.Token); why != "" {
			return tokenPlan{}, l.errorf("token", "refused as easy to guess: %s. Give a generated token (seatkeeper token create makes one), its token_sha256 instead, or allow weak tokens (--allow-weak-tokens)", why)
		}
	}
	return out, nil
}

// tokenKind is a token's kind: the one given, which must agree with the
// token's prefix when it has a known one, or the one the prefix implies.
func tokenKind(l loc, t Token) (seatkeeper.TokenKind, error) {
	implied, known := auth.KindOf(t.Token)
	if t.Kind == "" && t.Token == "" {
		return "", l.errorf("kind", "required with token_sha256")
	}
	if t.Kind == "" {
		if !known {
			prefixes := make([]string, len(seatkeeper.TokenKinds))
			for i, k := range seatkeeper.TokenKinds {
				prefixes[i] = k.Prefix()
			}
			return "", l.errorf("kind", "required for a token without a known prefix (%s)", strings.Join(prefixes, ", "))
		}
		return implied, nil
	}
	kind := seatkeeper.TokenKind(t.Kind)
	if err := oneOf(l, "kind", kind, seatkeeper.TokenKinds); err != nil {
		return "", err
	}
	if known && kind != implied {
		return "", l.errorf("kind", "%q does not match the token's %s prefix, which is %s", kind, implied.Prefix(), implied)
	}
	return kind, nil
}

// tokenHash checks a token entry's literal or hash and returns the hash
// to store, with the hint given for a hash ("" for a literal's own).
func tokenHash(l loc, t Token) (hash, hint string, err error) {
	switch {
	case t.Token != "" && t.TokenSHA256 != "":
		return "", "", l.errorf("token_sha256", "give token or token_sha256, not both")
	case t.TokenSHA256 != "":
		h := strings.ToLower(t.TokenSHA256)
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return "", "", l.errorf("token_sha256", "%q is not a hex SHA-256: 64 characters 0-9 and a-f", t.TokenSHA256)
		}
		if len(t.Hint) > maxTokenLength || strings.ContainsFunc(t.Hint, unicode.IsSpace) {
			return "", "", l.errorf("hint", "a hint has at most %d characters and no spaces", maxTokenLength)
		}
		return h, t.Hint, nil
	case t.Token == "":
		return "", "", l.errorf("token", "required (or token_sha256)")
	case len(t.Token) > maxTokenLength || strings.ContainsFunc(t.Token, unicode.IsSpace):
		return "", "", l.errorf("token", "a token has at most %d characters and no spaces", maxTokenLength)
	case t.Hint != "":
		return "", "", l.errorf("hint", "only with token_sha256: a literal token's hint is made from it")
	}
	return auth.Hash(t.Token), auth.Hint(t.Token), nil
}

// CreateToken checks t by the rules of a seed document's token entries and
// stores it in tx, created at now unless t says otherwise; it returns the
// stored token. Errors are *seatkeeper.Error of kind KindInvalid naming
// the field at fault, as in "user: unknown user \"ghost\"". References may
// name only stored users and organizations.
func CreateToken(ctx context.Context, tx *store.Tx, t Token, now time.Time) (seatkeeper.Token, error) {
	p := newPlanner(ctx, tx, now.UTC())
	p.allowWeak = true // minted one at a time: generated (auth.Generate: the control API and `token create` take no literal), or the bootstrap administrator's, which bootstrap judges
	tp, err := p.planToken(loc{}, t)
	if err != nil {
		return seatkeeper.Token{}, err
	}
	tp.token.UserID, tp.token.OrgID = tp.user.ID(), tp.org.ID()
	if err := tx.CreateToken(ctx, &tp.token); err != nil {
		return seatkeeper.Token{}, err
	}
	return tp.token, nil
}

// tokenRef resolves the user or organization field of a token of kind,
// which the kind requires (want) or forbids.
func tokenRef(l loc, kind seatkeeper.TokenKind, field, name string, want bool, find func(string) (*ref, bool, error)) (*ref, error) {
	switch {
	case !want && name != "":
		return nil, l.errorf(field, "%s tokens have no %s", kind, field)
	case !want:
		return nil, nil
	case name == "":
		return nil, l.errorf(field, "required for %s tokens", kind)
	}
	return resolve(l, field, name, field, find)
}
