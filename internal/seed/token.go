package seed

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// maxTokenLength is the longest credential the API accepts.
const maxTokenLength = 255

var permissionLevels = []string{seatkeeper.PermissionRead, seatkeeper.PermissionWrite, seatkeeper.PermissionAdmin}

func (p *planner) planToken(l loc, t Token) (tokenPlan, error) {
	if t.Token == "" {
		return tokenPlan{}, l.errorf("token", "required")
	}
	if len(t.Token) > maxTokenLength || strings.ContainsFunc(t.Token, unicode.IsSpace) {
		return tokenPlan{}, l.errorf("token", "a token has at most %d characters and no spaces", maxTokenLength)
	}
	hash := auth.Hash(t.Token)
	if prev, ok := p.tokens.claim(hash, l); !ok {
		return tokenPlan{}, l.errorf("token", "duplicate token (also %s)", prev)
	}
	if _, err := p.tx.TokenByHash(p.ctx, hash); err == nil {
		return tokenPlan{}, l.errorf("token", "duplicate token (already in the database)")
	} else if !seatkeeper.IsNotFound(err) {
		return tokenPlan{}, err
	}
	kind, err := tokenKind(l, t)
	if err != nil {
		return tokenPlan{}, err
	}
	out := tokenPlan{token: seatkeeper.Token{Kind: kind, Hash: hash, Hint: auth.Hint(t.Token), CreatedAt: p.now}}
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
			if scope == "" || strings.ContainsFunc(scope, unicode.IsSpace) {
				return tokenPlan{}, l.errorf(fmt.Sprintf("scopes[%d]", i), "%q is not a scope", scope)
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
			if err := oneOf(l, "permissions."+name, t.Permissions[name], permissionLevels); err != nil {
				return tokenPlan{}, err
			}
		}
		out.token.Permissions = t.Permissions
	}
	if out.token.ExpiresAt, err = timestamp(l, "expires_at", t.ExpiresAt); err != nil {
		return tokenPlan{}, err
	}
	return out, nil
}

// tokenKind is a token's kind: the one given, which must agree with the
// token's prefix when it has a known one, or the one the prefix implies.
func tokenKind(l loc, t Token) (seatkeeper.TokenKind, error) {
	implied, known := auth.KindOf(t.Token)
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
