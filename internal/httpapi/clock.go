package httpapi

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// sharedClock is where replicas on one PostgreSQL database keep the
// service clock's setting (clock.Shared): the store, read through the
// request's read-cache view, so that taking it up (clock.Sync, every
// request) costs a lookup in memory until the database changes. Setting
// it is a write to everything the cache keeps (store.SetSharedClock), so
// every replica's next request reads it afresh.
type sharedClock struct{ st *store.Store }

type clockSettingKey struct{}

type clockSetting struct {
	at *time.Time
	ok bool
}

func (c sharedClock) SharedClock(ctx context.Context) (*time.Time, bool, error) {
	s, err := readcache.Get(ctx, clockSettingKey{}, func() (clockSetting, error) {
		at, ok, err := c.st.SharedClock(ctx)
		return clockSetting{at, ok}, err
	})
	return s.at, s.ok, err
}

func (c sharedClock) SetSharedClock(ctx context.Context, at *time.Time) error {
	return c.st.SetSharedClock(ctx, at)
}
