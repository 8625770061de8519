// Package readcache keeps answers read from the store in memory for as
// long as the data they were read from is unchanged, so that a hot read
// (a token, an organization, a seat) costs a map lookup instead of a
// dozen SQL statements, and a change is still visible to the very next
// request.
//
// A request begins a view (Begin), which reads the database's data
// version once. Every lookup through the view (Get) also reads the
// store's count of its own commits, so a write made earlier in the same
// request, or by any request of this process, is seen at once; a write by
// another process is seen by every request that begins after it
// committed. Entries live in a generation tagged with both versions; when
// either moves on, the next lookup starts a new generation. Entries are
// kept by scope (an organization's id, or 0 for answers about
// everything): the new generation keeps the scopes no commit since the
// old one changed (Source.ChangesSince) and drops the others, so a write
// to one organization leaves every other organization's answers in place.
// Nothing is ever updated in place, so no entry can outlive the data it
// was read from.
//
// Answers that depend on the time as well as the data must put what they
// depend on (a UTC day, say) in their key.
package readcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/seatkeeper/seatkeeper"
)

// Source is what the cache watches: internal/store.Store.
type Source interface {
	// DataVersion changes whenever any process commits a change.
	DataVersion(ctx context.Context) (string, error)
	// LocalCommits grows after each of this process's commits.
	LocalCommits() uint64
	// ChangesSince reports the scopes changed after the state mark names
	// (and perhaps some changed later) and the mark of the state external
	// names: external itself, or a mark of the state it read, which is
	// external's if that version is still current when it returns. all
	// when it cannot tell (mark "" is no state).
	ChangesSince(ctx context.Context, mark, external string) (scopes []int64, all bool, next string, err error)
}

// DefaultLimit is how many entries a generation holds before it is
// dropped and started afresh. An encoded seat is about 1.2 KB: the
// default bounds the cache near 40 MB of answers.
const DefaultLimit = 1 << 15

// Cache is safe for concurrent use. A nil *Cache caches nothing.
type Cache struct {
	src   Source
	limit int
	cur   atomic.Pointer[generation]
	seq   atomic.Uint64 // tickets: orders views and generations by when they began

	// Concurrent requests share data-version reads (see dataVersion).
	vmu     sync.Mutex
	last    versionRead  // the newest finished read
	running *versionCall // the read in progress, if any

	hits, misses, bypasses atomic.Uint64
	kept                   atomic.Uint64 // entries carried into a new generation

	buildMu sync.Mutex // one new generation built at a time
}

// New returns a cache over src holding up to limit entries at a time
// (DefaultLimit when limit <= 0).
func New(src Source, limit int) *Cache {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Cache{src: src, limit: limit}
}

// generation is the set of entries read at one pair of versions.
type generation struct {
	external string // Source.DataVersion
	local    uint64 // Source.LocalCommits
	seq      uint64 // the seq of the view that started it
	mark     string // Source.ChangesSince's mark of this state; "" when unknown

	mu      sync.RWMutex
	scopes  map[int64]*bucket
	entries atomic.Int64 // across its buckets
}

// bucket holds one scope's entries. A bucket passes unchanged from one
// generation to the next while nothing in its scope changes.
type bucket struct {
	mu      sync.RWMutex
	entries map[any]entry
}

func newGeneration(external string, local, seq uint64, mark string) *generation {
	return &generation{external: external, local: local, seq: seq, mark: mark, scopes: map[int64]*bucket{}}
}

// covers reports whether g's answers may serve a view at local (the
// view's LocalCommits read now): g has seen this process's commits up to
// local, and either is at the view's data version or was started by a
// view that began later, whose data version was read after it began and
// so after this view did: it includes every commit this view must see.
func (g *generation) covers(v *view, local uint64) bool {
	return g != nil && g.local >= local && (g.external == v.external || g.seq > v.seq)
}

// find returns the generation's bucket for scope, nil if it has none.
func (g *generation) find(scope int64) *bucket {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.scopes[scope]
}

// bucket returns the generation's bucket for scope, making it if needed.
func (g *generation) bucket(scope int64) *bucket {
	if b := g.find(scope); b != nil {
		return b
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	b := g.scopes[scope]
	if b == nil {
		b = &bucket{entries: map[any]entry{}}
		g.scopes[scope] = b
	}
	return b
}

type entry struct {
	value any
	err   error
}

type view struct {
	c        *Cache
	external string
	seq      uint64
}

type viewKey struct{}

// Begin starts a view for one request: lookups through the returned
// context may be answered from memory. It reads the data version; if that
// fails, the context is returned unchanged and lookups read the store.
func (c *Cache) Begin(ctx context.Context) context.Context {
	if c == nil {
		return ctx
	}
	seq := c.seq.Add(1)
	ext, err := c.dataVersion(ctx, seq)
	if err != nil {
		return ctx
	}
	return context.WithValue(ctx, viewKey{}, &view{c: c, external: ext, seq: seq})
}

// versionRead is the outcome of one Source.DataVersion call that began
// after every ticket up to covers had been taken.
type versionRead struct {
	covers   uint64
	external string
	err      error
}

type versionCall struct {
	versionRead
	done chan struct{}
}

// dataVersion returns a data version read after ticket was taken, so that
// it reflects every commit that finished before then. Requests that
// arrive while a read is in flight wait for the next one, which starts
// as soon as that read ends and serves all of them: under load the cost
// of the read is shared, and no request uses a read that began before it
// did.
func (c *Cache) dataVersion(ctx context.Context, ticket uint64) (string, error) {
	for {
		c.vmu.Lock()
		if c.last.covers >= ticket {
			r := c.last
			c.vmu.Unlock()
			return r.external, r.err
		}
		if call := c.running; call != nil {
			c.vmu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			if call.covers >= ticket {
				return call.external, call.err
			}
			continue
		}
		call := &versionCall{versionRead: versionRead{covers: c.seq.Load()}, done: make(chan struct{})}
		c.running = call
		c.vmu.Unlock()
		// Others may be waiting on this read: a cancelled request must
		// not fail it for them.
		call.external, call.err = c.src.DataVersion(context.WithoutCancel(ctx))
		c.vmu.Lock()
		c.running = nil
		if call.err == nil && call.covers > c.last.covers {
			c.last = call.versionRead
		}
		c.vmu.Unlock()
		close(call.done)
		return call.external, call.err
	}
}

// Active reports whether ctx carries a view, so that Get may answer from
// memory.
func Active(ctx context.Context) bool {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v != nil
}

// Unchanged reports whether nothing has been committed since ctx's view
// began (by any process) and since the store's LocalCommits read local
// (by this one). A caller that combines cached answers with fresh reads
// checks it after the fresh reads: if true, they all describe one state.
// It reads the data version afresh; without a view it reports false.
func Unchanged(ctx context.Context, local uint64) bool {
	v, _ := ctx.Value(viewKey{}).(*view)
	if v == nil {
		return false
	}
	ext, err := v.c.src.DataVersion(ctx)
	return err == nil && ext == v.external && v.c.src.LocalCommits() == local
}

// Without returns ctx with no view: lookups through it read the store.
func Without(ctx context.Context) context.Context {
	if ctx.Value(viewKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, viewKey{}, (*view)(nil))
}

// Get is GetIn for an answer that may depend on anything (scope 0):
// kept until any change that is not one organization's alone.
func Get[T any](ctx context.Context, key any, fill func() (T, error)) (T, error) {
	return GetIn(ctx, 0, key, fill)
}

// GetIn returns the answer cached under key in ctx's view, or calls fill,
// caches what it returns and returns that. The answer must depend only on
// the data of scope (an organization's id: what Source.ChangesSince names
// when that organization changes) and on data that changes everything
// (scope 0). key must be comparable and should be a type of the caller's
// own, so callers cannot collide. Errors are cached only when they are
// seatkeeper errors (a 404, a 422): answers, not failures. Without a
// view, GetIn just calls fill.
func GetIn[T any](ctx context.Context, scope int64, key any, fill func() (T, error)) (T, error) {
	v, _ := ctx.Value(viewKey{}).(*view)
	if v == nil {
		return fill()
	}
	c := v.c
	// Read the local count before fill reads the store: what fill reads
	// is then at least as new as the generation it is filed in.
	local := c.src.LocalCommits()
	g := c.generationFor(ctx, v, local)
	if g == nil {
		// The view is older than the current generation: a commit
		// landed while this request ran, and a later request has seen
		// it. A generation at least as new as the view in both counts
		// (covers) holds answers as new as a read of the store would
		// give, so a hit answers; a miss reads the store but files
		// nothing, since the generation may be newer than that read.
		// (Under a burst of commits, on PostgreSQL the secondary limit's
		// lease claims, most requests in flight are such views: reading
		// the store for each of their lookups would slow them, and so
		// lengthen the burst.)
		if cur := c.cur.Load(); cur.covers(v, local) {
			if e, ok := cur.find(scope).get(key); ok {
				c.hits.Add(1)
				return answer[T](e)
			}
		}
		c.bypasses.Add(1)
		return fill()
	}
	b := g.bucket(scope)
	if e, ok := b.get(key); ok {
		c.hits.Add(1)
		return answer[T](e)
	}
	c.misses.Add(1)
	val, err := fill()
	if err != nil && !cacheable(err) {
		return val, err
	}
	if g.entries.Load() < int64(c.limit) {
		b.mu.Lock()
		if _, dup := b.entries[key]; !dup {
			b.entries[key] = entry{value: val, err: err}
			g.entries.Add(1)
		}
		b.mu.Unlock()
	} else {
		// Full: start over rather than track recency on every hit.
		c.cur.CompareAndSwap(g, newGeneration(g.external, g.local, g.seq, g.mark))
	}
	return val, err
}

// generationFor returns the generation for a view at local, starting one
// if the current one is older. It returns nil when the current generation
// is newer than the view (a request that began before another process's
// write, still running after a later request saw it): that view reads
// the store.
func (c *Cache) generationFor(ctx context.Context, v *view, local uint64) *generation {
	for {
		g := c.cur.Load()
		if g != nil && g.external == v.external && g.local == local {
			return g
		}
		if g != nil && (g.local > local || (g.external != v.external && g.seq > v.seq)) {
			return nil
		}
		ng := c.next(ctx, g, v, local)
		if c.cur.CompareAndSwap(g, ng) {
			return ng
		}
	}
}

// next builds the generation after g for a view at local: it keeps g's
// buckets of the scopes no commit changed since g's state, when that can
// be told exactly, and starts the others empty.
func (c *Cache) next(ctx context.Context, g *generation, v *view, local uint64) *generation {
	// One at a time: the others wait and find it built.
	c.buildMu.Lock()
	defer c.buildMu.Unlock()
	if cur := c.cur.Load(); cur != g && cur != nil && cur.external == v.external && cur.local == local {
		return cur
	}
	ng := newGeneration(v.external, local, v.seq, "")
	if g != nil && g.seq > ng.seq {
		ng.seq = g.seq
	}
	var from string
	if g != nil {
		from = g.mark
	}
	ctx = context.WithoutCancel(ctx)
	scopes, all, mark, err := c.src.ChangesSince(ctx, from, v.external)
	if err != nil {
		return ng
	}
	// A mark other than the view's data version itself names the view's
	// state only if nothing committed since the view read its version:
	// then nothing since has moved either count. Otherwise (a commit
	// landed while the view was on its way here, as happens under a
	// steady trickle of writes) the new generation takes the old one's
	// mark, which names an older state: the next ChangesSince from it
	// reports every scope changed since then, never fewer than changed
	// since the view's state. The buckets kept below are right either
	// way: their scopes did not change up to mark, at least as new as
	// the view's state.
	ng.mark = mark
	if mark != v.external {
		if ext, err := c.src.DataVersion(ctx); err != nil || ext != v.external || c.src.LocalCommits() != local {
			ng.mark = from
		}
	}
	if all || g == nil || from == "" {
		return ng
	}
	changed := make(map[int64]bool, len(scopes))
	for _, s := range scopes {
		changed[s] = true
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	for scope, b := range g.scopes {
		if changed[scope] {
			continue
		}
		ng.scopes[scope] = b
		b.mu.RLock()
		n := len(b.entries)
		b.mu.RUnlock()
		ng.entries.Add(int64(n))
		c.kept.Add(uint64(n))
	}
	return ng
}

// get returns the entry b holds under key; a nil bucket holds none.
func (b *bucket) get(key any) (entry, bool) {
	if b == nil {
		return entry{}, false
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	e, ok := b.entries[key]
	return e, ok
}

// answer is what e holds, as the caller's type.
func answer[T any](e entry) (T, error) {
	val, _ := e.value.(T)
	return val, e.err
}

// cacheable reports whether err is an answer (GitHub's 404 or 422, say)
// rather than a failure to read.
func cacheable(err error) bool {
	var e *seatkeeper.Error
	return errors.As(err, &e) && e.Kind != seatkeeper.KindInternal
}

// Stats are the cache's counters since it was made.
type Stats struct {
	Hits, Misses, Bypasses uint64
	Kept                   uint64 // entries carried into a later generation
	Entries                int
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	st := Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bypasses: c.bypasses.Load(), Kept: c.kept.Load()}
	if g := c.cur.Load(); g != nil {
		st.Entries = int(g.entries.Load())
	}
	return st
}
