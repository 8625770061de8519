package directory

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// ImpersonationNote marks the OAuth tokens a site administrator creates
// to act as a user; GitHub shows the same name as the token's app.
const ImpersonationNote = "GitHub Site Administrator"

// maxLogin is the longest login GitHub allows.
const maxLogin = 39

// NormalizeLogin turns a requested user login into GitHub's form, as the
// site administrator's create-user endpoint documents: only letters,
// digits and single hyphens ("octo_cat" becomes "octo-cat"); no hyphen at
// either end.
func NormalizeLogin(login string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range login {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}

// validLogin reports whether login is already in GitHub's form.
func validLogin(login string) bool {
	return login != "" && len(login) <= maxLogin && NormalizeLogin(login) == login
}

func accountInvalid(resource, field, code, msg string) error {
	return seatkeeper.ValidationFailed(seatkeeper.FieldError{Resource: resource, Field: field, Code: code, Message: msg})
}

// CreateUser creates a user, as the site administrator's POST /admin/users
// does: the login is normalized, and a login or email address already in
// use is refused (422).
func (s *Service) CreateUser(ctx context.Context, login, email string) (seatkeeper.User, error) {
	var u seatkeeper.User
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		login = NormalizeLogin(login)
		if login == "" || len(login) > maxLogin {
			return accountInvalid("User", "login", "invalid", "Login must have 1 to 39 letters, digits or single hyphens")
		}
		if email != "" {
			if !strings.Contains(email, "@") {
				return accountInvalid("User", "email", "invalid", "Email is invalid")
			}
			taken, err := tx.EmailTaken(ctx, email)
			if err != nil {
				return err
			}
			if taken {
				return accountInvalid("User", "email", "already_exists", "Email is already taken")
			}
		}
		u = seatkeeper.User{Login: login, Email: email, CreatedAt: now, UpdatedAt: now}
		err := tx.CreateUser(ctx, &u)
		if seatkeeper.KindOf(err) == seatkeeper.KindConflict {
			return accountInvalid("User", "login", "already_exists", "Login is already taken")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.UserCreated, Subject: u.Login})
	})
	return u, err
}

// CreateOrg creates an organization whose only owner is the user admin, as
// the site administrator's POST /admin/organizations does. The login must
// be in GitHub's form and free; admin must be an existing user.
func (s *Service) CreateOrg(ctx context.Context, login, admin, profileName string) (seatkeeper.Organization, error) {
	var g seatkeeper.Organization
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		if !validLogin(login) {
			return accountInvalid("Organization", "login", "invalid", "Login must have 1 to 39 letters, digits or single hyphens")
		}
		owner, err := tx.UserByLogin(ctx, admin)
		if seatkeeper.IsNotFound(err) {
			return accountInvalid("Organization", "admin", "invalid", "Admin must be the login of an existing user")
		}
		if err != nil {
			return err
		}
		g = seatkeeper.Organization{Login: login, Name: profileName, CreatedAt: now, UpdatedAt: now}
		err = tx.CreateOrg(ctx, &g)
		if seatkeeper.KindOf(err) == seatkeeper.KindConflict {
			return accountInvalid("Organization", "login", "already_exists", "Login is already taken")
		}
		if err != nil {
			return err
		}
		if err := tx.PutMembership(ctx, seatkeeper.Membership{OrgID: g.ID, UserID: owner.ID, Role: seatkeeper.RoleAdmin,
			State: seatkeeper.StateActive, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.OrgCreated, Org: &g, Subject: g.Login, Details: map[string]any{"admin": owner.Login}})
	})
	return g, err
}

// Impersonation is a new impersonation token: the secret, shown once, and
// what is stored of it.
type Impersonation struct {
	Secret string
	Token  seatkeeper.Token
	User   seatkeeper.User
}

// Impersonate creates an OAuth token (gho_) acting as the user login with
// scopes, as the site administrator's POST
// /admin/users/{username}/authorizations does. Only the token's hash is
// stored, so every call creates a new token.
func (s *Service) Impersonate(ctx context.Context, login string, scopes []string) (Impersonation, error) {
	var out Impersonation
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		secret, err := auth.Generate(seatkeeper.TokenOAuth)
		if err != nil {
			return err
		}
		t := seatkeeper.Token{
			Kind: seatkeeper.TokenOAuth, Hash: auth.Hash(secret), Hint: auth.Hint(secret), UserID: u.ID,
			Scopes: scopes, Note: ImpersonationNote, CreatedAt: s.Clock.Now(),
		}
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
		out = Impersonation{Secret: secret, Token: t, User: u}
		return audit.Record(ctx, tx, audit.Event{At: t.CreatedAt, Action: audit.TokenCreated, Subject: fmt.Sprint(t.ID),
			Details: map[string]any{"kind": string(t.Kind), "user": u.Login, "hint": t.Hint, "note": t.Note}})
	})
	return out, err
}

// RevokeImpersonation revokes every impersonation token of the user login,
// as the site administrator's DELETE /admin/users/{username}/authorizations
// does, and reports how many there were.
func (s *Service) RevokeImpersonation(ctx context.Context, login string) (int, error) {
	var n int
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if n, err = tx.RevokeUserTokens(ctx, u.ID, seatkeeper.TokenOAuth, ImpersonationNote, now); err != nil || n == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{At: now, Action: audit.TokenRevoked, Subject: u.Login,
			Details: map[string]any{"impersonation_tokens": n}})
	})
	return n, err
}
