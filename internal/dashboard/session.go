package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Cookie names. Both are scoped to /ui, HttpOnly and SameSite=Strict.
const (
	sessionCookie = "seatkeeper_session"
	signinCookie  = "seatkeeper_signin" // the sign-in form's CSRF token, before a session exists
)

// Session lifetimes, measured on the service clock.
const (
	sessionIdle = 2 * time.Hour  // ends after this long without a request
	sessionMax  = 12 * time.Hour // ends this long after signing in, whatever happens
)

// session is one signed-in browser. It holds what is needed to act as the
// token it was opened with — the token's id, looked up again on every
// request so that revoking or expiry ends the session — and never the
// token itself.
type session struct {
	id       string
	tokenID  int64
	csrf     string // per-session token every form carries
	created  time.Time
	lastSeen time.Time
	flash    *flash // a message for the next page, shown once
}

// flash is a one-shot message: the outcome of an action, shown on the page
// the action redirects to.
type flash struct {
	Error   bool
	Message string
	Undo    *undoOffer // an Undo button, after a cancellation
}

// sessions is an in-memory session store. Sessions do not survive a
// restart and are not shared between replicas: behind a load balancer,
// route a browser to one replica (sticky sessions) or sign in again.
type sessions struct {
	mu   sync.Mutex
	byID map[string]*session
}

func newSessions() *sessions { return &sessions{byID: map[string]*session{}} }

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create opens a session for a token at now, and sweeps expired ones.
func (s *sessions) create(tokenID int64, now time.Time) *session {
	sess := &session{id: randomToken(), tokenID: tokenID, csrf: randomToken(), created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.byID {
		if old.expired(now) {
			delete(s.byID, id)
		}
	}
	s.byID[sess.id] = sess
	return sess
}

func (sess *session) expired(now time.Time) bool {
	return now.Sub(sess.lastSeen) > sessionIdle || now.Sub(sess.created) > sessionMax || now.Before(sess.created.Add(-time.Minute))
}

// get returns a copy of the live session with that id, marking it seen.
func (s *sessions) get(id string, now time.Time) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return session{}, false
	}
	if sess.expired(now) {
		delete(s.byID, id)
		return session{}, false
	}
	sess.lastSeen = now
	return *sess, true
}

// end forgets a session.
func (s *sessions) end(id string) {
	s.mu.Lock()
	delete(s.byID, id)
	s.mu.Unlock()
}

// setFlash leaves a message for the session's next page.
func (s *sessions) setFlash(id string, f flash) {
	s.mu.Lock()
	if sess, ok := s.byID[id]; ok {
		sess.flash = &f
	}
	s.mu.Unlock()
}

// takeFlash returns and clears the session's message.
func (s *sessions) takeFlash(id string) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return nil
	}
	f := sess.flash
	sess.flash = nil
	return f
}

// count is the number of sessions held (expired ones included until swept).
func (s *sessions) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

// secureRequest reports whether the browser reached us over TLS: directly,
// or through a proxy that says so.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// setCookie sets one of the dashboard's cookies: HttpOnly, SameSite=Strict,
// Path=/ui, Secure when the request came over TLS. maxAge < 0 deletes it;
// 0 makes it last as long as the browser session.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/ui", MaxAge: maxAge,
		HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteStrictMode,
	})
}

// sameToken compares two CSRF tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
