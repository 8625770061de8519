package control

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
)

// tokenBody is the control API's view of a token. Token, the secret, is
// set only in the answer that creates it.
type tokenBody struct {
	ID           int64             `json:"id"`
	Token        string            `json:"token,omitempty"`
	Kind         string            `json:"kind"`
	Hint         string            `json:"hint"`
	User         *string           `json:"user"`
	Organization *string           `json:"organization"`
	Scopes       []string          `json:"scopes"`
	Permissions  map[string]string `json:"permissions"`
	ExpiresAt    *string           `json:"expires_at"`
	CreatedAt    string            `json:"created_at"`
	RevokedAt    *string           `json:"revoked_at"`
	Note         string            `json:"note"`
}

// tokenNames resolves the logins a token body shows, once per listing.
type tokenNames struct {
	c     *API
	r     *http.Request
	users map[int64]string
	orgs  map[int64]string
}

func (n *tokenNames) body(t seatkeeper.Token) (tokenBody, error) {
	out := tokenBody{
		ID: t.ID, Kind: string(t.Kind), Hint: t.Hint, Scopes: t.Scopes, Permissions: t.Permissions,
		ExpiresAt: httpapi.NullableTimestamp(t.ExpiresAt), CreatedAt: httpapi.Timestamp(t.CreatedAt), RevokedAt: httpapi.NullableTimestamp(t.RevokedAt),
		Note: t.Note,
	}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if out.Permissions == nil {
		out.Permissions = map[string]string{}
	}
	if t.UserID != 0 {
		login, ok := n.users[t.UserID]
		if !ok {
			u, err := n.c.store.UserByID(n.r.Context(), t.UserID)
			if err != nil {
				return out, err
			}
			login = u.Login
			n.users[t.UserID] = login
		}
		out.User = &login
	}
	if t.OrgID != 0 {
		login, ok := n.orgs[t.OrgID]
		if !ok {
			o, err := n.c.store.OrgByID(n.r.Context(), t.OrgID)
			if err != nil {
				return out, err
			}
			login = o.Login
			n.orgs[t.OrgID] = login
		}
		out.Organization = &login
	}
	return out, nil
}

func (c *API) tokenNames(r *http.Request) *tokenNames {
	return &tokenNames{c: c, r: r, users: map[int64]string{}, orgs: map[int64]string{}}
}

// handleCreateToken serves POST /_seatkeeper/tokens: it mints a token of
// the kind asked, by the rules of a seed document's tokens, and shows it
// this once (201); only its hash is kept.
func (c *API) handleCreateToken(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	var kind, user, org, expires, note *string
	var scopes *[]string
	var perms *map[string]string
	if err := bindBody(w, r, map[string]any{
		"kind": &kind, "user": &user, "organization": &org, "scopes": &scopes, "permissions": &perms,
		"expires_at": &expires, "note": &note,
	}); err != nil {
		return err
	}
	if kind == nil || *kind == "" {
		return invalid("kind: required: one of %s", kindList())
	}
	k := seatkeeper.TokenKind(*kind)
	if !k.Valid() {
		return invalid("kind: %q is not one of %s", *kind, kindList())
	}
	secret, err := auth.Generate(k)
	if err != nil {
		return err
	}
	in := seed.Token{Token: secret, Kind: *kind}
	for _, f := range []struct{ v, dst *string }{{user, &in.User}, {org, &in.Organization}, {expires, &in.ExpiresAt}, {note, &in.Note}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if scopes != nil {
		in.Scopes = *scopes
	}
	if perms != nil {
		in.Permissions = *perms
	}
	tok, err := seed.MintToken(r.Context(), c.store, in, c.clock.Now())
	if err != nil {
		return err
	}
	body, err := c.tokenNames(r).body(tok)
	if err != nil {
		return err
	}
	body.Token = secret
	w.Header().Set("Cache-Control", "no-store")
	c.api.WriteJSON(w, r, http.StatusCreated, body)
	return nil
}

func kindList() string {
	names := make([]string, len(seatkeeper.TokenKinds))
	for i, k := range seatkeeper.TokenKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// handleListTokens serves GET /_seatkeeper/tokens: every token, revoked
// ones included, in id order, without secrets.
func (c *API) handleListTokens(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	tokens, err := c.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	names := c.tokenNames(r)
	out := make([]tokenBody, 0, len(tokens))
	for _, t := range tokens {
		b, err := names.body(t)
		if err != nil {
			return err
		}
		out = append(out, b)
	}
	c.api.WriteJSON(w, r, http.StatusOK, out)
	return nil
}

// handleRevokeToken serves DELETE /_seatkeeper/tokens/{id}: the token
// stops opening anything (204; again, 204). 404 for an unknown id.
func (c *API) handleRevokeToken(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("No token with id %q.", r.PathValue("id"))
	}
	if err := seed.RevokeToken(r.Context(), c.store, id, c.clock.Now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
