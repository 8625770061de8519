package client

import (
	"context"
	"io"
	"net/http"
	"strconv"
)

// Token is a token as the control API shows it (GET /_seatkeeper/tokens),
// and as "seatkeeper token list --format json" prints it: fields the API
// gives as null are empty. Token, the secret, is set only in the answer
// that creates it.
type Token struct {
	ID           int64             `json:"id"`
	Kind         string            `json:"kind"`
	Hint         string            `json:"hint"`
	User         string            `json:"user,omitempty"`
	Organization string            `json:"organization,omitempty"`
	Scopes       []string          `json:"scopes,omitempty"`
	Permissions  map[string]string `json:"permissions,omitempty"`
	ExpiresAt    string            `json:"expires_at,omitempty"`
	CreatedAt    string            `json:"created_at"`
	RevokedAt    string            `json:"revoked_at,omitempty"`
	Note         string            `json:"note,omitempty"`
	Token        string            `json:"token,omitempty"`
}

// NewToken is what POST /_seatkeeper/tokens takes; empty fields are left
// out.
type NewToken struct {
	Kind         string            `json:"kind"`
	User         string            `json:"user,omitempty"`
	Organization string            `json:"organization,omitempty"`
	Scopes       []string          `json:"scopes,omitempty"`
	Permissions  map[string]string `json:"permissions,omitempty"`
	ExpiresAt    string            `json:"expires_at,omitempty"`
	Note         string            `json:"note,omitempty"`
}

// CreateToken mints a token; the answer holds its secret.
func (c *Client) CreateToken(ctx context.Context, in NewToken) (Token, error) {
	resp, err := c.do(ctx, http.MethodPost, "/_seatkeeper/tokens", in, "application/json")
	if err != nil {
		return Token{}, err
	}
	defer resp.Body.Close()
	var t Token
	return t, decode(resp, &t)
}

// Tokens lists every token, revoked ones included, without secrets.
func (c *Client) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	_, err := c.getJSON(ctx, "/_seatkeeper/tokens", &out)
	return out, err
}

// RevokeToken revokes the token with id.
func (c *Client) RevokeToken(ctx context.Context, id int64) error {
	resp, err := c.do(ctx, http.MethodDelete, "/_seatkeeper/tokens/"+strconv.FormatInt(id, 10), nil, "application/json")
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Export copies the whole state, as a seed document in JSON or YAML, to w
// as it arrives.
func (c *Client) Export(ctx context.Context, yaml bool, w io.Writer) error {
	accept := "application/json"
	if yaml {
		accept = "application/yaml"
	}
	resp, err := c.do(ctx, http.MethodGet, "/_seatkeeper/export", nil, accept)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(w, resp.Body)
	return err
}
