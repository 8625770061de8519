package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

type principalKey struct{}

func withPrincipal(ctx context.Context, p seatkeeper.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom returns the request's authenticated principal, if any.
func principalFrom(ctx context.Context) (seatkeeper.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(seatkeeper.Principal)
	return p, ok
}

// credential extracts the token from an Authorization header in any form
// GitHub accepts: "Bearer T", "token T", or Basic with T as the password
// (or, with no password, as the user name). ok is false when the header is
// absent; a present header that yields no token gives "", true.
func credential(r *http.Request) (tok string, ok bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", false
	}
	scheme, rest, _ := strings.Cut(h, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(scheme) {
	case "bearer", "token":
		return rest, true
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return "", true
		}
		user, pass, _ := strings.Cut(string(raw), ":")
		if pass == "" {
			return user, true
		}
		return pass, true
	}
	return "", true
}

// authenticateStep resolves the request's credential, if it has one, and
// puts the principal in the request's context (and the audit log's actor);
// a credential that does not resolve is answered 401. Reads from here on
// may be answered by the read cache, which checks the data version now, so
// every write committed before this request began is seen.
func (s *Server) authenticateStep(x *exchange) bool {
	ctx := s.cache.Begin(x.r.Context())
	if err := s.clock.Sync(ctx); err != nil { // a clock another replica set
		s.writeError(x.rw, x.r, err)
		return false
	}
	p, present, err := s.authenticate(ctx, x.r)
	if err != nil {
		s.refuseCredential(x, err)
		return false
	}
	x.principal, x.present = p, present
	if present {
		h := x.rw.Header()
		ctx = withPrincipal(ctx, p)
		x.kind = string(p.Token.Kind)
		x.actor = "installation"
		if p.User != nil {
			x.actor = p.User.Login
		}
		if p.Token.Kind.UsesScopes() {
			h["X-Oauth-Scopes"] = []string{strings.Join(p.Token.Scopes, ", ")}
		}
		if p.Token.ExpiresAt != nil {
			h.Set("GitHub-Authentication-Token-Expiration", p.Token.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		ctx = audit.WithActor(ctx, audit.Actor{Login: x.actor, TokenKind: x.kind, RequestID: x.rid})
	}
	x.r = x.r.WithContext(ctx) // once: each WithContext copies the request
	return true
}

// refuseCredential answers a request whose credential did not resolve. A
// bad credential (401) counts against the client address's limit, as an
// unauthenticated request does on GitHub, so guessing tokens is no
// cheaper than any other request without one: the 401 carries the
// address's X-RateLimit headers, and once the limit is spent the answer is
// GitHub's unauthenticated 403.
func (s *Server) refuseCredential(x *exchange, err error) {
	if seatkeeper.KindOf(err) != seatkeeper.KindUnauthenticated {
		s.writeError(x.rw, x.r, err) // the lookup failed: 500, or 503
		return
	}
	key, limit := s.rateKey(x.r, seatkeeper.Principal{}, false)
	rate, allowed, rerr := s.limiter.reserve(x.r.Context(), key, limit)
	if rerr != nil {
		s.writeError(x.rw, x.r, rerr)
		return
	}
	setRateHeaders(x.rw.Header(), rate)
	if !allowed {
		s.writeBasicError(x.rw, x.r, http.StatusForbidden, basicError{
			Message:          rateLimitMessage(seatkeeper.Principal{}, false, clientAddr(x.r), x.rid, s.clock.Now()),
			DocumentationURL: docRateLimits,
		})
		return
	}
	s.writeError(x.rw, x.r, err)
}

// authenticate resolves the request's token to a principal (auth.Resolve,
// through the read cache). present is false when there is no
// Authorization header; err is Bad credentials for a token that is
// malformed, unknown, revoked or expired.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (p seatkeeper.Principal, present bool, err error) {
	tok, present := credential(r)
	if !present {
		return p, false, nil
	}
	p, err = auth.Resolve(ctx, cachedTokens{s.store}, tok, s.clock.Now())
	return p, true, err
}

// cachedTokens reads tokens and their users through the read cache.
type cachedTokens struct{ store *store.Store }

// Read cache keys for tokens, by hash, and users, by id.
type (
	tokenKey string
	userKey  int64
)

// TokenByHash finds a token. An unknown token is errUnknownToken inside
// the cache, which does not keep it: anyone can send endless made-up
// tokens, and keeping an answer for each would push out the answers worth
// keeping.
func (c cachedTokens) TokenByHash(ctx context.Context, hash string) (seatkeeper.Token, error) {
	t, err := readcache.Get(ctx, tokenKey(hash), func() (seatkeeper.Token, error) {
		t, err := c.store.TokenByHash(ctx, hash)
		if seatkeeper.IsNotFound(err) {
			return t, errUnknownToken
		}
		return t, err
	})
	if errors.Is(err, errUnknownToken) {
		return t, auth.ErrBadCredentials
	}
	return t, err
}

// UserByID finds a user; the cached user is shared, so callers get a copy.
func (c cachedTokens) UserByID(ctx context.Context, id int64) (seatkeeper.User, error) {
	return readcache.Get(ctx, userKey(id), func() (seatkeeper.User, error) { return c.store.UserByID(ctx, id) })
}

// errUnknownToken is TokenByHash's answer, inside the cache, for a hash no
// token has: not a seatkeeper error, so the read cache does not keep it
// (see readcache.Get).
var errUnknownToken = errors.New("unknown token")

var errRequiresAuth = &seatkeeper.Error{Kind: seatkeeper.KindUnauthenticated, Message: "Requires authentication"}

// orgHandler serves a route under /orgs/{org} for a caller that has passed
// the route's requirement.
type orgHandler func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, p seatkeeper.Principal) error

// orgOwner guards an org route that only the org's owners may use, checking
// in GitHub's order: a credential; the org exists; the token's scopes (404)
// or permissions (403); the token's user owns the org (404).
func (s *Server) orgOwner(req auth.Requirement, h orgHandler) http.Handler {
	acc := acceptedOf(req)
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		org, p, err := s.orgToken(w, r, req, acc)
		if err != nil {
			return err
		}
		var m *seatkeeper.Membership
		if p.User != nil {
			var err error
			if m, err = s.membership(r.Context(), org.ID, p.User.ID); err != nil {
				return err
			}
		}
		if err := auth.CheckOrgOwner(p, m); err != nil {
			return err
		}
		return h(w, r, org, p)
	})
}

// membershipKey is the read cache's key for a membership.
type membershipKey struct{ org, user int64 }

// membership returns the user's membership of the org, or nil if there is
// none, through the read cache.
func (s *Server) membership(ctx context.Context, orgID, userID int64) (*seatkeeper.Membership, error) {
	m, err := readcache.GetIn(ctx, orgID, membershipKey{orgID, userID}, func() (*seatkeeper.Membership, error) {
		m, err := s.store.Membership(ctx, orgID, userID)
		if seatkeeper.IsNotFound(err) {
			return nil, nil
		}
		return &m, err
	})
	if m != nil {
		c := *m // shared with other requests: hand out a copy
		m = &c
	}
	return m, err
}

// orgToken runs the checks every org route shares, in GitHub's order: it
// names the accepted scopes and permissions, then needs a credential, the
// org the path names, and a token that passes req for that org.
func (s *Server) orgToken(w http.ResponseWriter, r *http.Request, req auth.Requirement, acc accepted) (seatkeeper.Organization, seatkeeper.Principal, error) {
	setAccepted(w, r, acc)
	p, ok := principalFrom(r.Context())
	if !ok {
		return seatkeeper.Organization{}, p, errRequiresAuth
	}
	org, err := s.orgFromPath(r)
	if err != nil {
		return org, p, err
	}
	return org, p, req.CheckOrgToken(p.Token, org.ID)
}

// orgFromPath finds the org a route names, by login ({org}) or by id
// ({org_id}, as GitHub's /organizations/{id} routes do).
func (s *Server) orgFromPath(r *http.Request) (seatkeeper.Organization, error) {
	if v := r.PathValue("org_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return seatkeeper.Organization{}, seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
		}
		return readcache.Get(r.Context(), orgIDKey(id), func() (seatkeeper.Organization, error) {
			return s.store.OrgByID(r.Context(), id)
		})
	}
	login := r.PathValue("org")
	ctx := cachedByName(r.Context(), login)
	return readcache.Get(ctx, orgLoginKey(login), func() (seatkeeper.Organization, error) {
		return s.store.OrgByLogin(ctx, login)
	})
}

// maxCachedName is the longest name from a path that the read cache keys
// answers by: GitHub's logins have at most 39 characters, so a longer one
// names nobody, and keeping its 404 would let a client fill the cache's
// entries with keys of any size.
const maxCachedName = 64

// cachedByName returns ctx, or ctx without its read cache view when name
// is too long to key an answer by: the read cache's memory stays bounded
// whatever names clients send.
func cachedByName(ctx context.Context, name string) context.Context {
	if len(name) > maxCachedName {
		return readcache.Without(ctx)
	}
	return ctx
}

// Read cache keys for organizations, by id and by login as given.
type (
	orgIDKey    int64
	orgLoginKey string
)

// handle adapts a handler that returns an error to http.Handler.
func (s *Server) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// siteAdmin guards routes for site administrators (GitHub Enterprise
// Server's /admin API and seatkeeper's control API), by auth.CheckSiteAdmin.
func (s *Server) siteAdmin(h func(w http.ResponseWriter, r *http.Request, p seatkeeper.Principal) error) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("X-Accepted-OAuth-Scopes", auth.ScopeSiteAdmin)
		p, ok := principalFrom(r.Context())
		if !ok {
			return errRequiresAuth
		}
		if err := auth.CheckSiteAdmin(p); err != nil {
			return err
		}
		return h(w, r, p)
	})
}
