package seatkeeper

import "time"

// TokenKind is one of the kinds of credential GitHub issues.
type TokenKind string

const (
	TokenClassic      TokenKind = "classic"      // personal access token (classic), ghp_
	TokenOAuth        TokenKind = "oauth"        // OAuth app token, gho_
	TokenFineGrained  TokenKind = "fine_grained" // fine-grained personal access token, github_pat_
	TokenInstallation TokenKind = "installation" // GitHub App installation token, ghs_
)

// TokenKinds lists every kind, in the order documentation shows them.
var TokenKinds = []TokenKind{TokenClassic, TokenOAuth, TokenFineGrained, TokenInstallation}

// Prefix is the prefix GitHub gives tokens of this kind.
func (k TokenKind) Prefix() string {
	switch k {
	case TokenClassic:
		return "ghp_"
	case TokenOAuth:
		return "gho_"
	case TokenFineGrained:
		return "github_pat_"
	case TokenInstallation:
		return "ghs_"
	}
	return ""
}

// Valid reports whether k is a known kind.
func (k TokenKind) Valid() bool { return k.Prefix() != "" }

// UsesScopes reports whether tokens of this kind carry OAuth scopes (classic
// PATs and OAuth tokens) rather than fine-grained permissions.
func (k TokenKind) UsesScopes() bool { return k == TokenClassic || k == TokenOAuth }

// Permission levels of fine-grained PATs and GitHub App installations.
const (
	PermissionRead  = "read"
	PermissionWrite = "write"
	PermissionAdmin = "admin"
)

// Token is a stored credential. The secret itself is never kept: only its
// SHA-256 hash.
type Token struct {
	ID          int64
	Kind        TokenKind
	Hash        string            // hex SHA-256 of the token
	Hint        string            // the prefix and last four characters, for listings
	UserID      int64             // 0 for installation tokens
	OrgID       int64             // resource owner of fine-grained and installation tokens
	Scopes      []string          // classic and OAuth tokens
	Permissions map[string]string // fine-grained and installation tokens
	ExpiresAt   *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
	Note        string
}

// Usable reports whether the token may authenticate at now.
func (t Token) Usable(now time.Time) bool {
	if t.RevokedAt != nil {
		return false
	}
	return t.ExpiresAt == nil || now.Before(*t.ExpiresAt)
}

// Principal is who a request acts as: the token and, except for
// installation tokens, its user.
type Principal struct {
	Token Token
	User  *User // nil for installation tokens
}
