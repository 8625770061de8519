package dashboard

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// undoOffer is the Undo button of a flash message.
type undoOffer struct {
	Action string // where the button posts
	ID     string
	Count  int
}

// undo is what an Undo button undoes: the seats of a session's last
// cancellation. A session keeps one offer (a later cancellation replaces
// it), for undoTTL at most, where it keeps its session (sessionStore): in
// memory, or in the database replicas share, so that the button works on
// any replica.
type undo struct {
	ID     string    `json:"id"`
	OrgID  int64     `json:"org_id"`
	Back   string    `json:"back"`
	Logins []string  `json:"logins"` // or team slugs, when Teams
	Teams  bool      `json:"teams,omitempty"`
	At     time.Time `json:"at"`
}

// undoTTL is how long an Undo button works.
const undoTTL = time.Hour

// key names the offer: its organization and id, both of which the
// button must name.
func (u undo) key() string { return undoKey(u.OrgID, u.ID) }

func undoKey(orgID int64, id string) string { return strconv.FormatInt(orgID, 10) + "/" + id }

// live reports whether the offer still works at now.
func (u undo) live(now time.Time) bool { return now.Sub(u.At) <= undoTTL }

// offerUndo keeps a cancellation for the session's Undo button and
// returns the offer's id.
func (d *Dashboard) offerUndo(rc *reqCtx, u undo) (string, error) {
	u.ID, u.At = randomToken(), time.Now()
	return u.ID, d.sessions.putUndo(rc.ctx, rc.sess.id, u)
}

// takeUndo returns and forgets the session's offer id for org, if it is
// still there.
func (d *Dashboard) takeUndo(ctx context.Context, rc *reqCtx, orgID int64, id string) (undo, bool, error) {
	u, ok, err := d.sessions.takeUndo(ctx, rc.sess.id, undoKey(orgID, id))
	if err != nil || !ok || !u.live(time.Now()) {
		return undo{}, false, err
	}
	return u, true, nil
}

func (s *memorySessions) putUndo(_ context.Context, id string, u undo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.byID[id]; ok {
		sess.undo = &u
	}
	return nil
}

func (s *memorySessions) takeUndo(_ context.Context, id, key string) (undo, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok || sess.undo == nil || sess.undo.key() != key {
		return undo{}, false, nil
	}
	u := *sess.undo
	sess.undo = nil
	return u, true, nil
}

func (s *sharedSessions) putUndo(ctx context.Context, id string, u undo) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return s.store.SetSessionUndo(ctx, id, u.key(), b)
}

func (s *sharedSessions) takeUndo(ctx context.Context, id, key string) (undo, bool, error) {
	b, err := s.store.TakeSessionUndo(ctx, id, key)
	if err != nil || b == nil {
		return undo{}, false, err
	}
	var u undo
	if err := json.Unmarshal(b, &u); err != nil {
		return undo{}, false, err
	}
	return u, true, nil
}
