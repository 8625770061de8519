// Package clock is the service's single source of time. It reads the system
// clock until it is set; a set clock stands still until it is moved or
// released, so tests and the control API can place the whole service at an
// exact second (a billing-cycle boundary, say).
package clock

import (
	"sync"
	"time"
)

// Clock is safe for concurrent use. The zero value follows the system clock.
type Clock struct {
	mu    sync.RWMutex
	fixed time.Time
	set   bool
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

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.fixed, c.set = t.UTC().Truncate(time.Second), true
	c.mu.Unlock()
}

// Advance moves a set clock forward by d (a released clock is set first).
func (c *Clock) Advance(d time.Duration) {
	c.Set(c.Now().Add(d))
}

// Release returns the clock to the system time.
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
