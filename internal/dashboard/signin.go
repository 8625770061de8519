package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
)

// reqCtx is a signed-in request: its session and the principal its token
// resolves to now.
type reqCtx struct {
	ctx  context.Context // the request's
	sess session
	p    seatkeeper.Principal
}

type reqKey struct{}

// maxForm bounds a form body.
const maxForm = 1 << 20

// signInPage is the body of the sign-in page.
type signInPage struct {
	Next   string
	Error  string
	Notice string
	CSRF   string
}

// safeNext keeps a return address only if it is a dashboard page of this
// site: under /ui/ as a browser resolves it, so no dot segment (plain or
// percent-encoded, "/ui/../_seatkeeper/...") and no double slash may lead
// elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, Prefix+"/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") ||
		!cleanPath(u.Path) || !cleanPath(u.EscapedPath()) {
		return Prefix + "/"
	}
	return next
}

// cleanPath reports whether p has no dot segments and no empty segments
// (a trailing slash aside).
func cleanPath(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// signInURL is the sign-in page's address, returning to the request's page.
func signInURL(r *http.Request, why string) string {
	q := url.Values{}
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = Prefix + "/"
		if org := r.PathValue("org"); org != "" {
			next = Prefix + "/orgs/" + url.PathEscape(org)
		}
	}
	if next != Prefix+"/" {
		q.Set("next", next)
	}
	if why != "" {
		q.Set("why", why)
	}
	if len(q) == 0 {
		return Prefix + "/signin"
	}
	return Prefix + "/signin?" + q.Encode()
}

// current returns the request's live session and principal, if any. A
// session whose token no longer authenticates is ended (ended is true).
func (d *Dashboard) current(r *http.Request) (rc *reqCtx, ended bool, err error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false, nil
	}
	sess, ok, err := d.sessions.get(r.Context(), c.Value, d.clock.Now())
	if err != nil || !ok {
		return nil, err == nil, err
	}
	p, err := d.principalByTokenID(r.Context(), sess.tokenID)
	if err != nil {
		if seatkeeper.KindOf(err) == seatkeeper.KindUnauthenticated {
			return nil, true, d.sessions.end(r.Context(), sess.id)
		}
		return nil, false, err
	}
	return &reqCtx{ctx: r.Context(), sess: sess, p: p}, false, nil
}

// signedIn guards a page for a signed-in user: without a live session the
// browser is sent to the sign-in page (and back afterwards). Every POST
// must carry the session's CSRF token.
func (d *Dashboard) signedIn(h func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, ended, err := d.current(r)
		if err != nil {
			d.writeError(w, r, err)
			return
		}
		if rc == nil {
			why := ""
			if ended {
				why = "ended"
				setCookie(w, r, sessionCookie, "", -1)
			}
			http.Redirect(w, r, signInURL(r, why), http.StatusSeeOther)
			return
		}
		// Changes made from the dashboard are the token's, in the audit
		// log as through the API.
		actor := audit.Actor{Login: "installation", TokenKind: string(rc.p.Token.Kind), RequestID: requestID(r)}
		if rc.p.User != nil {
			actor.Login = rc.p.User.Login
		}
		ctx := audit.WithActor(context.WithValue(r.Context(), reqKey{}, rc), actor)
		r = r.WithContext(ctx)
		if r.Method == http.MethodPost {
			err = checkForm(w, r, rc.sess.csrf)
		}
		if err == nil {
			err = h(w, r, rc)
		}
		if err != nil {
			d.writeError(w, r, err)
		}
	})
}

// errBadCSRF refuses a form that does not carry the right CSRF token.
var errBadCSRF = forbidden("This form has expired or did not come from this dashboard (its security token does not match). Go back, reload the page and try again.")

// checkForm parses a POST form and checks its CSRF token against want.
// (Requests a browser says come from another origin were refused before,
// by http.CrossOriginProtection in ServeHTTP.)
func checkForm(w http.ResponseWriter, r *http.Request, want string) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &pageError{Status: http.StatusRequestEntityTooLarge, Title: "Too large", Message: "The form is too large."}
		}
		return &pageError{Status: http.StatusBadRequest, Title: "Bad request", Message: "The form could not be read."}
	}
	if !sameToken(r.PostForm.Get("csrf"), want) {
		return errBadCSRF
	}
	return nil
}

var signInNotices = map[string]string{
	"out":   "You are signed out.",
	"ended": "Your session has ended. Sign in again to continue.",
}

// handleSignInForm serves GET /ui/signin.
func (d *Dashboard) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if rc, _, err := d.current(r); err != nil {
		return err
	} else if rc != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	d.showSignIn(w, r, http.StatusOK, next, "", signInNotices[r.URL.Query().Get("why")])
	return nil
}

// showSignIn renders the sign-in form with a fresh CSRF token in a cookie
// and the form (there is no session yet to hold it).
func (d *Dashboard) showSignIn(w http.ResponseWriter, r *http.Request, status int, next, errMsg, notice string) {
	tok := randomToken()
	setCookie(w, r, signinCookie, tok, 0)
	d.render(w, r, status, "signin", layout{Title: "Sign in", Page: signInPage{Next: next, Error: errMsg, Notice: notice, CSRF: tok}})
}

// handleSignIn serves POST /ui/signin: the pasted token must authenticate
// and be allowed to read Copilot seats. The session keeps the token's id.
func (d *Dashboard) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(signinCookie)
	want := ""
	if err == nil {
		want = c.Value
	}
	if err := checkForm(w, r, want); err != nil {
		return err
	}
	next := safeNext(r.PostForm.Get("next"))
	addr := clientAddr(r)
	wait, err := d.throttle.wait(r.Context(), addr)
	if err != nil {
		return err
	}
	if wait > 0 {
		minutes := int(wait.Minutes()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		d.showSignIn(w, r, http.StatusTooManyRequests, next,
			fmt.Sprintf("Too many failed sign-ins from this address. Try again in %d minutes.", minutes), "")
		return nil
	}
	tok := strings.TrimSpace(r.PostForm.Get("token"))
	if tok == "" {
		d.showSignIn(w, r, http.StatusUnprocessableEntity, next, "Paste a token to sign in.", "")
		return nil
	}
	p, err := d.authenticateToken(r.Context(), tok)
	switch {
	case seatkeeper.KindOf(err) == seatkeeper.KindUnauthenticated:
		if err := d.throttle.failed(r.Context(), addr); err != nil {
			return err
		}
		d.showSignIn(w, r, http.StatusUnauthorized, next, msgBadCredentials, "")
		return nil
	case err != nil:
		return err
	case !mayReadSeats(p.Token):
		if err := d.throttle.failed(r.Context(), addr); err != nil {
			return err
		}
		d.showSignIn(w, r, http.StatusForbidden, next, msgCannotRead, "")
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := d.sessions.end(r.Context(), c.Value); err != nil { // a new session id at every sign-in
			return err
		}
	}
	sess, err := d.sessions.create(r.Context(), p.Token.ID, d.clock.Now())
	if err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, sess.id, 0)
	setCookie(w, r, signinCookie, "", -1)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleSignOut serves POST /ui/signout.
func (d *Dashboard) handleSignOut(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := d.sessions.end(r.Context(), rc.sess.id); err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, Prefix+"/signin?why=out", http.StatusSeeOther)
	return nil
}
