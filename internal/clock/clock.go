// Package clock is the service's single source of time. It reads the system
// clock until it is set; a set clock stands still until it is moved or
// released, so tests and the control API can place the whole service at an
// exact second (a billing-cycle boundary, say).
//
// A clock is one process's (Set, Release) unless it is shared (Share):
// then Put and Free write its setting where every replica reads it, and
// Sync, at the start of each request, takes up what any replica set.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock is safe for concurrent use. The zero value follows the system clock.
type Clock struct {
	mu     sync.RWMutex
	fixed  time.Time
	set    bool
	shared Shared   // nil: this process's alone
	taken  *setting // the shared setting last taken up (Sync) or stored (Put, Free)
}

// Shared is where replicas keep a clock's setting (internal/store on
// PostgreSQL, read through the read cache: internal/httpapi's
// sharedClock).
type Shared interface {
	// SharedClock returns the setting: stopped at at, or following the
	// system clock (nil); ok is false when none was ever stored.
	SharedClock(ctx context.Context) (at *time.Time, ok bool, err error)
	// SetSharedClock stores a setting.
	SetSharedClock(ctx context.Context, at *time.Time) error
}

// Now returns the current time in UTC at second precision, the precision
// every stored time and every response has.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	fixed, set := c.fixed, c.set
	c.mu.RUnlock()
	if set {
		return fixed
	}
	return time.Now().UTC().Truncate(time.Second)
}

// Set stops this process's clock at t (a shared setting, once another
// replica stores one, replaces it: see Put).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.fixed, c.set = t.UTC().Truncate(time.Second), true
	c.mu.Unlock()
}

// Advance moves a set clock forward by d (a released clock is set first).
func (c *Clock) Advance(d time.Duration) {
	c.Set(c.Now().Add(d))
}

// Release returns this process's clock to the system time.
func (c *Clock) Release() {
	c.mu.Lock()
	c.fixed, c.set = time.Time{}, false
	c.mu.Unlock()
}

// IsSet reports whether the clock is stopped at a set time.
func (c *Clock) IsSet() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.set
}

// Share makes the clock's setting the one sh keeps, for every replica.
func (c *Clock) Share(sh Shared) {
	c.mu.Lock()
	c.shared = sh
	c.mu.Unlock()
}

// Put stops the clock at t, for every replica when it is shared.
func (c *Clock) Put(ctx context.Context, t time.Time) error {
	return c.store(ctx, &t)
}

// Free returns the clock to the system time, for every replica when it is
// shared.
func (c *Clock) Free(ctx context.Context) error {
	return c.store(ctx, nil)
}

func (c *Clock) store(ctx context.Context, at *time.Time) error {
	c.mu.RLock()
	sh := c.shared
	c.mu.RUnlock()
	if sh != nil {
		if at != nil {
			t := at.UTC().Truncate(time.Second)
			at = &t
		}
		if err := sh.SetSharedClock(ctx, at); err != nil {
			return err
		}
		c.mu.Lock()
		c.taken = &setting{at: at, ok: true}
		c.mu.Unlock()
	}
	c.adopt(at)
	return nil
}

func (c *Clock) adopt(at *time.Time) {
	c.mu.RLock()
	same := c.set == (at != nil) && (at == nil || c.fixed.Equal(*at))
	c.mu.RUnlock()
	if same {
		return
	}
	if at == nil {
		c.Release()
		return
	}
	c.Set(*at)
}

type setting struct {
	at *time.Time
	ok bool
}

// Sync takes up the shared setting, if the clock is shared and a replica
// stored one since this clock last took one up: a setting made here
// with Set stands until then. A request calls it before it reads the
// time.
func (c *Clock) Sync(ctx context.Context) error {
	c.mu.RLock()
	sh := c.shared
	c.mu.RUnlock()
	if sh == nil {
		return nil
	}
	at, ok, err := sh.SharedClock(ctx)
	s := setting{at, ok}
	if err != nil || !s.ok {
		return err
	}
	c.mu.Lock()
	seen := c.taken != nil && c.taken.equal(s)
	if !seen {
		c.taken = &s
	}
	c.mu.Unlock()
	if !seen {
		c.adopt(s.at)
	}
	return nil
}

func (s setting) equal(o setting) bool {
	return s.ok == o.ok && (s.at == nil) == (o.at == nil) && (s.at == nil || s.at.Equal(*o.at))
}
