package dashboard

import (
	"sync"
	"time"
)

// undoOffer is the Undo button of a flash message.
type undoOffer struct {
	Action string // where the button posts
	ID     string
	Count  int
}

// undos keeps, for each session, the seats of its last cancellation, for
// its Undo button: one offer a session (a later cancellation replaces
// it), for undoTTL at most, in memory like the sessions.
type undos struct {
	mu sync.Mutex
	m  map[string]undo // by session id
}

type undo struct {
	id     string
	orgID  int64
	back   string
	logins []string // or team slugs, when teams
	teams  bool
	at     time.Time
}

// undoTTL is how long an Undo button works.
const undoTTL = time.Hour

func newUndos() *undos { return &undos{m: map[string]undo{}} }

// put records a cancellation of session's and returns the id of its
// offer. Offers older than undoTTL are dropped.
func (u *undos) put(session string, orgID int64, back string, logins []string, teams bool) string {
	id := randomToken()
	now := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, v := range u.m {
		if now.Sub(v.at) > undoTTL {
			delete(u.m, k)
		}
	}
	u.m[session] = undo{id: id, orgID: orgID, back: back, logins: logins, teams: teams, at: now}
	return id
}

// take returns and forgets session's offer id for org, if it is still
// there.
func (u *undos) take(session string, orgID int64, id string) (undo, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	v, ok := u.m[session]
	if !ok || v.id != id || v.orgID != orgID || time.Since(v.at) > undoTTL {
		return undo{}, false
	}
	delete(u.m, session)
	return v, true
}
