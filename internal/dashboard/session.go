package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
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
	csrf     string // per-session token every form carries (csrfFor)
	created  time.Time
	lastSeen time.Time
	flash    *flash // a message for the next page, shown once
	undo     *undo  // the last cancellation, for its Undo button (undo.go)
}

// flash is a one-shot message: the outcome of an action, shown on the page
// the action redirects to.
type flash struct {
	Error   bool
	Message string
	Undo    *undoOffer // an Undo button, after a cancellation
}

// sessionStore keeps the signed-in browsers: memorySessions in one
// process's memory (SQLite), sharedSessions in the database replicas
// share (PostgreSQL), so that a session opened on one replica is good on
// any and a sign-out on one ends it on all.
type sessionStore interface {
	// create opens a session for a token at now, and sweeps expired ones.
	create(ctx context.Context, tokenID int64, now time.Time) (session, error)
	// get returns the live session with that id, marking it seen.
	get(ctx context.Context, id string, now time.Time) (session, bool, error)
	// end forgets a session.
	end(ctx context.Context, id string) error
	// setFlash leaves a message for the session's next page.
	setFlash(ctx context.Context, id string, f flash) error
	// takeFlash returns and clears the session's message.
	takeFlash(ctx context.Context, id string) (*flash, error)
	// putUndo keeps the session's last cancellation for its Undo button,
	// replacing the one before.
	putUndo(ctx context.Context, id string, u undo) error
	// takeUndo returns and forgets the session's cancellation if key
	// names it (undo.key), once.
	takeUndo(ctx context.Context, id, key string) (undo, bool, error)
	// count is the number of sessions held (expired ones included until
	// swept).
	count(ctx context.Context) (int, error)
}

func newSessionStore(st *store.Store) sessionStore {
	if st.SharesState() {
		return &sharedSessions{store: st}
	}
	return &memorySessions{byID: map[string]*session{}}
}

// newSession is a session for a token opened at now, with a fresh id.
func newSession(tokenID int64, now time.Time) session {
	id := randomToken()
	return session{id: id, tokenID: tokenID, csrf: csrfFor(id), created: now, lastSeen: now}
}

// csrfFor is a session's CSRF token: derived from its id, so that a
// session stored by a hash of its id still has it, and one cannot be
// worked back to the other.
func csrfFor(id string) string {
	h := sha256.Sum256([]byte("seatkeeper csrf\x00" + id))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (sess *session) expired(now time.Time) bool {
	return now.Sub(sess.lastSeen) > sessionIdle || now.Sub(sess.created) > sessionMax || now.Before(sess.created.Add(-time.Minute))
}

// memorySessions holds sessions in this process's memory: they do not
// survive a restart.
type memorySessions struct {
	mu   sync.Mutex
	byID map[string]*session
}

func (s *memorySessions) create(_ context.Context, tokenID int64, now time.Time) (session, error) {
	sess := newSession(tokenID, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.byID {
		if old.expired(now) {
			delete(s.byID, id)
		}
	}
	s.byID[sess.id] = &sess
	return sess, nil
}

func (s *memorySessions) get(_ context.Context, id string, now time.Time) (session, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return session{}, false, nil
	}
	if sess.expired(now) {
		delete(s.byID, id)
		return session{}, false, nil
	}
	sess.lastSeen = now
	return *sess, true, nil
}

func (s *memorySessions) end(_ context.Context, id string) error {
	s.mu.Lock()
	delete(s.byID, id)
	s.mu.Unlock()
	return nil
}

func (s *memorySessions) setFlash(_ context.Context, id string, f flash) error {
	s.mu.Lock()
	if sess, ok := s.byID[id]; ok {
		sess.flash = &f
	}
	s.mu.Unlock()
	return nil
}

func (s *memorySessions) takeFlash(_ context.Context, id string) (*flash, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return nil, nil
	}
	f := sess.flash
	sess.flash = nil
	return f, nil
}

func (s *memorySessions) count(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID), nil
}

// sharedSessions keeps sessions in the database (internal/store's
// dashboard_sessions), by the SHA-256 of their ids, never the ids.
type sharedSessions struct {
	store *store.Store
}

// touchEvery is how stale a shared session's last-seen time may grow
// before a request writes it again: each page costs a write at most once
// a minute, and a session idles out at most this much later.
const touchEvery = time.Minute

func (s *sharedSessions) create(ctx context.Context, tokenID int64, now time.Time) (session, error) {
	sess := newSession(tokenID, now)
	err := s.store.CreateSession(ctx, sess.id, store.SessionRow{TokenID: tokenID, Created: now, LastSeen: now},
		now.Add(-sessionIdle), now.Add(-sessionMax))
	return sess, err
}

func (s *sharedSessions) get(ctx context.Context, id string, now time.Time) (session, bool, error) {
	row, ok, err := s.store.Session(ctx, id)
	if err != nil || !ok {
		return session{}, false, err
	}
	sess := session{id: id, tokenID: row.TokenID, csrf: csrfFor(id), created: row.Created, lastSeen: row.LastSeen}
	if sess.expired(now) {
		return session{}, false, s.store.EndSession(ctx, id)
	}
	if now.Sub(sess.lastSeen) >= touchEvery {
		if err := s.store.TouchSession(ctx, id, now); err != nil {
			return session{}, false, err
		}
		sess.lastSeen = now
	}
	return sess, true, nil
}

func (s *sharedSessions) end(ctx context.Context, id string) error {
	return s.store.EndSession(ctx, id)
}

func (s *sharedSessions) setFlash(ctx context.Context, id string, f flash) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.store.SetSessionFlash(ctx, id, b)
}

func (s *sharedSessions) takeFlash(ctx context.Context, id string) (*flash, error) {
	b, err := s.store.TakeSessionFlash(ctx, id)
	if err != nil || b == nil {
		return nil, err
	}
	var f flash
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

func (s *sharedSessions) count(ctx context.Context) (int, error) { return s.store.Sessions(ctx) }

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
