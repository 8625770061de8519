package readcache_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

// key is these tests' cache key type.
type key string

// users counts the store's users: the answer the tests cache, read for
// real, so that a stale answer shows as a wrong count.
type users struct {
	st    *store.Store
	fills atomic.Int64
}

func (u *users) fill() (int, error) {
	u.fills.Add(1)
	all, err := u.st.Users(context.Background())
	return len(all), err
}

func (u *users) get(t testing.TB, ctx context.Context) int {
	t.Helper()
	n, err := readcache.Get(ctx, key("users"), u.fill)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return n
}

// wantFills checks how many times fill ran, and returns the count.
func (u *users) wantFills(t testing.TB, want int64) {
	t.Helper()
	if got := u.fills.Load(); got != want {
		t.Errorf("fill ran %d times, want %d", got, want)
	}
}

var userSeq atomic.Int64

// addUser commits a transaction on st creating a user.
func addUser(t testing.TB, st *store.Store) {
	t.Helper()
	login := fmt.Sprintf("user%d", userSeq.Add(1))
	err := st.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.CreateUser(context.Background(), &seatkeeper.User{Login: login, CreatedAt: t0, UpdatedAt: t0})
	})
	if err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
}

// eachPair runs fn once per dialect with two stores on one database.
func eachPair(t *testing.T, fn func(t *testing.T, mine, other *store.Store)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			mine, other := storetest.Pair(t, d) // this process's and another's
			fn(t, mine, other)
		})
	}
}

func TestGetWithoutAViewFillsEveryTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := readcache.New(st, 0)
		u := &users{st: st}
		ctx := context.Background()
		for range 3 {
			u.get(t, ctx)
		}
		u.wantFills(t, 3)
		// Without takes the view away again.
		plain := readcache.Without(c.Begin(ctx))
		for range 3 {
			u.get(t, plain)
		}
		u.wantFills(t, 6)
		if readcache.Without(ctx) != ctx {
			t.Error("Without of a context with no view should return it unchanged")
		}
		if st := c.Stats(); st.Hits != 0 || st.Misses != 0 || st.Bypasses != 0 {
			t.Errorf("stats %+v after lookups without a view", st)
		}
	})
}

func TestGetHitsWithinAView(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := readcache.New(st, 0)
		u := &users{st: st}
		v := c.Begin(context.Background())
		if n := u.get(t, v); n != 0 {
			t.Fatalf("users %d, want 0", n)
		}
		for range 3 {
			u.get(t, v)
		}
		u.wantFills(t, 1)
		if s := c.Stats(); s.Hits != 3 || s.Misses != 1 || s.Entries != 1 {
			t.Errorf("stats %+v, want 3 hits, 1 miss, 1 entry", s)
		}

		// Another key is another entry.
		other := 0
		readcache.Get(v, key("other"), func() (int, error) { other++; return 7, nil })
		n, _ := readcache.Get(v, key("other"), func() (int, error) { other++; return 8, nil })
		if n != 7 || other != 1 {
			t.Errorf("other key: %d after %d fills", n, other)
		}

		// A later view with nothing written since shares the generation.
		// (On PostgreSQL the data version names the whole cluster, which
		// other test packages write to, so a few views may start anew.)
		hit := false
		for try := 0; try < 200 && !hit; try++ {
			before := u.fills.Load()
			u.get(t, c.Begin(context.Background()))
			hit = u.fills.Load() == before
			if !hit && st.Dialect() == store.SQLite {
				t.Fatal("a new view refilled with nothing written")
			}
			if !hit {
				time.Sleep(5 * time.Millisecond)
			}
		}
		if !hit {
			t.Error("no later view hit the cache")
		}
	})
}

func TestLocalWriteRefills(t *testing.T) {
	for _, c := range []struct {
		name     string
		sameView bool // look up through the view begun before the write, first
	}{
		{"same view", true},
		{"new view", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				cache := readcache.New(st, 0)
				u := &users{st: st}
				v := cache.Begin(context.Background())
				if n := u.get(t, v); n != 0 {
					t.Fatalf("users %d before any write", n)
				}
				u.get(t, v)
				u.wantFills(t, 1)

				addUser(t, st) // a write of this process, as by this very request

				if c.sameView {
					if n := u.get(t, v); n != 1 {
						t.Errorf("same view after the write: %d users, want 1", n)
					}
					u.wantFills(t, 2)
					if n := u.get(t, v); n != 1 {
						t.Errorf("same view, again: %d users, want 1", n)
					}
				}
				w := cache.Begin(context.Background())
				if n := u.get(t, w); n != 1 {
					t.Errorf("new view after the write: %d users, want 1", n)
				}
				if n := u.get(t, w); n != 1 {
					t.Errorf("new view, again: %d users, want 1", n)
				}
				if got := u.fills.Load(); got < 2 {
					t.Errorf("fill ran %d times: the write did not refill", got)
				}
			})
		})
	}
}

func TestExternalWriteSeenByALaterView(t *testing.T) {
	eachPair(t, func(t *testing.T, mine, other *store.Store) {
		c := readcache.New(mine, 0)
		u := &users{st: mine}
		v := c.Begin(context.Background())
		if n := u.get(t, v); n != 0 {
			t.Fatalf("users %d", n)
		}
		local := mine.LocalCommits()
		addUser(t, other) // another process commits
		if mine.LocalCommits() != local {
			t.Fatal("another store's write moved this store's LocalCommits")
		}
		w := c.Begin(context.Background())
		if n := u.get(t, w); n != 1 {
			t.Errorf("a view begun after another process's write: %d users, want 1", n)
		}
		u.wantFills(t, 2)
		if n := u.get(t, w); n != 1 {
			t.Errorf("again: %d users, want 1", n)
		}
		// Twice more, to be sure it keeps up.
		for i := 2; i <= 3; i++ {
			addUser(t, other)
			if n := u.get(t, c.Begin(context.Background())); n != i {
				t.Errorf("after write %d: %d users", i, n)
			}
		}
	})
}

// TestOlderViewReadsNewerGeneration: a request that began before another
// process's write, still running after a later request filled the cache
// from the newer data, takes the newer generation's answers (as new as a
// read of the store) and reads the store for the rest, filing nothing:
// its own generation's answers are never used again, and what it reads
// may be older than the generation it would be filed in.
func TestOlderViewReadsNewerGeneration(t *testing.T) {
	eachPair(t, func(t *testing.T, mine, other *store.Store) {
		c := readcache.New(mine, 0)
		u := &users{st: mine}
		old := c.Begin(context.Background())
		if n := u.get(t, old); n != 0 {
			t.Fatalf("users %d", n)
		}

		addUser(t, other)
		newer := c.Begin(context.Background())
		if n := u.get(t, newer); n != 1 {
			t.Fatalf("newer view: %d users, want 1", n)
		}
		u.wantFills(t, 2)

		before := c.Stats()
		// The key both views use: the newer generation's answer, not the
		// old view's own (0 users) and not a read of the store.
		if n := u.get(t, old); n != 1 {
			t.Errorf("old view: %d users, want the newer generation's 1", n)
		}
		u.wantFills(t, 2)
		// A key only the old view asks for: read each time, never kept.
		fills := 0
		for range 2 {
			readcache.Get(old, key("old only"), func() (int, error) { fills++; return 0, nil })
		}
		if fills != 2 {
			t.Errorf("a key only the old view asks for: %d fills, want 2 (bypass, never cached)", fills)
		}
		after := c.Stats()
		if got := after.Bypasses - before.Bypasses; got != 2 {
			t.Errorf("%d bypasses, want 2", got)
		}
		if got := after.Hits - before.Hits; got != 1 {
			t.Errorf("%d hits, want 1 (the newer generation's answer)", got)
		}
		// The newer view's entries are untouched by the old view.
		if n := u.get(t, newer); n != 1 {
			t.Errorf("newer view again: %d", n)
		}
		u.wantFills(t, 2)
		if after.Entries != 1 {
			t.Errorf("%d entries, want the newer view's 1 only", after.Entries)
		}
	})
}

func TestErrorsCachedOnlyWhenAnswers(t *testing.T) {
	wrappedNotFound := fmt.Errorf("user ghost: %w", store.ErrNotFound)
	for _, c := range []struct {
		name   string
		err    error
		cached bool
	}{
		{"not found", seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found"), true},
		{"wrapped store not found", wrappedNotFound, true},
		{"validation failed", seatkeeper.ValidationFailed(seatkeeper.FieldError{Resource: "User", Code: "missing"}), true},
		{"unprocessable", seatkeeper.Errorf(seatkeeper.KindInvalid, "Copilot Business is not enabled for this organization."), true},
		{"internal", seatkeeper.Errorf(seatkeeper.KindInternal, "Internal Server Error"), false},
		{"plain error", errors.New("store: connection refused"), false},
		{"wrapped sql error", fmt.Errorf("store: query: %w", sql.ErrConnDone), false},
		{"context canceled", context.Canceled, false},
		{"deadline", fmt.Errorf("store: query: %w", context.DeadlineExceeded), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.Open(t, store.SQLite)
			cache := readcache.New(st, 0)
			v := cache.Begin(context.Background())
			fills := 0
			fill := func() (string, error) { fills++; return "partial", c.err }
			for range 3 {
				got, err := readcache.Get(v, key("k"), fill)
				if err != c.err {
					t.Errorf("error %v, want %v", err, c.err)
				}
				if got != "partial" {
					t.Errorf("value %q, want fill's", got)
				}
			}
			want := 3
			if c.cached {
				want = 1
			}
			if fills != want {
				t.Errorf("fill ran %d times, want %d", fills, want)
			}
			if s := cache.Stats(); (s.Entries == 1) != c.cached {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestLimitDropsTheGeneration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := readcache.New(st, 2)
		v := c.Begin(context.Background())
		fills := map[key]int{}
		get := func(k key) {
			t.Helper()
			got, err := readcache.Get(v, k, func() (key, error) { fills[k]++; return k, nil })
			if err != nil || got != k {
				t.Fatalf("Get %s: %v, %v", k, got, err)
			}
		}
		get("a")
		get("b")
		get("a")
		get("b")
		if fills["a"] != 1 || fills["b"] != 1 || c.Stats().Entries != 2 {
			t.Fatalf("fills %v, stats %+v", fills, c.Stats())
		}
		get("c") // full: the generation is dropped, c answered but not kept
		if e := c.Stats().Entries; e != 0 {
			t.Errorf("%d entries after the limit was reached, want 0", e)
		}
		get("a")
		get("c")
		get("a")
		get("c")
		if fills["a"] != 2 || fills["c"] != 2 || c.Stats().Entries != 2 {
			t.Errorf("after the drop: fills %v, stats %+v", fills, c.Stats())
		}
	})
}

func TestNilCache(t *testing.T) {
	var c *readcache.Cache
	ctx := context.Background()
	if got := c.Begin(ctx); got != ctx {
		t.Error("a nil cache's Begin changed the context")
	}
	fills := 0
	for range 2 {
		readcache.Get(c.Begin(ctx), key("k"), func() (int, error) { fills++; return 1, nil })
	}
	if fills != 2 {
		t.Errorf("fill ran %d times through a nil cache, want 2", fills)
	}
	if s := c.Stats(); s != (readcache.Stats{}) {
		t.Errorf("nil cache stats %+v", s)
	}
}

// TestBeginWithoutADataVersion: when the data version cannot be read (the
// store is closed here), Begin leaves the context alone and every lookup
// reads the store.
func TestBeginWithoutADataVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := readcache.New(st, 0)
		if _, err := st.DataVersion(context.Background()); err != nil {
			t.Fatal(err)
		}
		st.Close()
		ctx := context.Background()
		v := c.Begin(ctx)
		if v != ctx {
			t.Error("Begin made a view without a data version")
		}
		fills := 0
		for range 2 {
			readcache.Get(v, key("k"), func() (int, error) { fills++; return 1, nil })
		}
		if fills != 2 {
			t.Errorf("fill ran %d times, want 2", fills)
		}
	})
}

// TestConcurrentReadersAndAWriter runs readers, each beginning a view per
// lookup as requests do, while a writer commits, through this store or
// another. Under -race it checks the cache's own synchronization; it also
// checks that no reader ever sees the count go backwards, that the writer
// sees each of its own writes through a view begun before them, and that
// once the writer is done a fresh view sees the final count.
func TestConcurrentReadersAndAWriter(t *testing.T) {
	const readers, writes = 8, 25
	for _, w := range []string{"this store", "another store"} {
		t.Run(w, func(t *testing.T) {
			eachPair(t, func(t *testing.T, mine, other *store.Store) {
				writer := mine
				if w == "another store" {
					writer = other
				}
				c := readcache.New(mine, 0)
				u := &users{st: mine}
				ctx, stop := context.WithCancel(context.Background())
				defer stop()

				var wg sync.WaitGroup
				errs := make(chan error, readers+1)
				for r := range readers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						last := 0
						for i := 0; ctx.Err() == nil; i++ {
							v := c.Begin(context.Background())
							n, err := readcache.Get(v, key("users"), u.fill)
							if err != nil {
								errs <- err
								return
							}
							if n < last {
								errs <- fmt.Errorf("reader %d lookup %d: %d users after %d", r, i, n, last)
								return
							}
							last = n
							// Other keys, so generations hold several entries.
							readcache.Get(v, key(fmt.Sprint("k", i%5)), func() (int, error) { return i % 5, nil })
						}
					}()
				}

				long := c.Begin(context.Background()) // the writer's request
				for i := 1; i <= writes; i++ {
					addUser(t, writer)
					if writer == mine {
						// This process's write is seen at once, even by a
						// view begun before it.
						if n := u.get(t, long); n != i {
							t.Errorf("write %d: the writer's own view sees %d users", i, n)
						}
					}
					if n := u.get(t, c.Begin(context.Background())); n != i {
						t.Errorf("write %d: a view begun after it sees %d users", i, n)
					}
				}
				stop()
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				for range 3 {
					if n := u.get(t, c.Begin(context.Background())); n != writes {
						t.Errorf("after the last commit a fresh view sees %d users, want %d", n, writes)
					}
				}
				t.Logf("stats %+v, fills %d", c.Stats(), u.fills.Load())
			})
		})
	}
}

// TestOtherOrgsAnswersSurviveAWrite keeps answers per organization: a
// write to one org, by this process or another, refills that org's
// answers at the next request and leaves the other org's in place; a
// write that is no one org's alone (a new user) refills everything.
func TestOtherOrgsAnswersSurviveAWrite(t *testing.T) {
	eachPair(t, func(t *testing.T, mine, other *store.Store) {
		ctx := context.Background()
		orgs := map[string]int64{}
		for _, login := range []string{"org-a", "org-b"} {
			err := mine.Tx(ctx, func(tx *store.Tx) error {
				o := seatkeeper.Organization{Login: login, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateOrg(ctx, &o); err != nil {
					return err
				}
				orgs[login] = o.ID
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		join := func(st *store.Store, org string) {
			t.Helper()
			login := fmt.Sprintf("member%d", userSeq.Add(1))
			err := st.Tx(ctx, func(tx *store.Tx) error {
				u := seatkeeper.User{Login: login, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				return nil
			})
			if err == nil {
				err = st.Tx(ctx, func(tx *store.Tx) error {
					u, err := tx.UserByLogin(ctx, login)
					if err != nil {
						return err
					}
					return tx.PutMembership(ctx, seatkeeper.Membership{OrgID: orgs[org], UserID: u.ID, Role: seatkeeper.RoleMember,
						State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0})
				})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		c := readcache.New(mine, 0)
		fills := map[string]int{}
		members := func(org string) int {
			t.Helper()
			view := c.Begin(ctx)
			n, err := readcache.GetIn(view, orgs[org], key("members "+org), func() (int, error) {
				fills[org]++
				ms, err := mine.MembersOf(ctx, orgs[org], "", store.Users{})
				return len(ms), err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		check := func(step string, wantA, wantB, fillsA, fillsB int) {
			t.Helper()
			if a, b := members("org-a"), members("org-b"); a != wantA || b != wantB {
				t.Errorf("%s: %d and %d members, want %d and %d", step, a, b, wantA, wantB)
			}
			if fills["org-a"] != fillsA || fills["org-b"] != fillsB {
				t.Errorf("%s: filled %d and %d times, want %d and %d", step, fills["org-a"], fills["org-b"], fillsA, fillsB)
			}
		}
		join(mine, "org-a")
		join(mine, "org-b")
		check("first reads", 1, 1, 1, 1)
		check("nothing changed", 1, 1, 1, 1)
		// The membership is written alone, after the user: org-a's only.
		err := other.Tx(ctx, func(tx *store.Tx) error {
			return tx.PutMembership(ctx, seatkeeper.Membership{OrgID: orgs["org-a"], UserID: mustUser(t, tx, "member"+fmt.Sprint(userSeq.Load()-1)),
				Role: seatkeeper.RoleAdmin, State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		check("another process wrote to org-a", 1, 1, 2, 1)
		err = mine.Tx(ctx, func(tx *store.Tx) error {
			return tx.PutMembership(ctx, seatkeeper.Membership{OrgID: orgs["org-b"], UserID: mustUser(t, tx, "member"+fmt.Sprint(userSeq.Load())),
				Role: seatkeeper.RoleAdmin, State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		check("this process wrote to org-b", 1, 1, 2, 2)
		join(other, "org-a") // a user (everything), then a membership (org-a)
		check("a new user", 2, 1, 3, 3)
		if c.Stats().Kept == 0 {
			t.Error("no entry was ever carried into a new generation")
		}
	})
}

func mustUser(t *testing.T, tx *store.Tx, login string) int64 {
	t.Helper()
	u, err := tx.UserByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestWriteDuringABuild covers a commit that lands between a view's
// Begin and the generation it builds: the generation cannot be filed
// under the store's newest mark (the view's answers may be older than
// that), yet the other organizations' answers are kept, and the next
// view still sees the write.
func TestWriteDuringABuild(t *testing.T) {
	eachPair(t, func(t *testing.T, mine, other *store.Store) {
		ctx := context.Background()
		var orgA, orgB int64
		var users []int64
		err := mine.Tx(ctx, func(tx *store.Tx) error {
			for _, login := range []string{"org-a", "org-b"} {
				o := seatkeeper.Organization{Login: login, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateOrg(ctx, &o); err != nil {
					return err
				}
				orgA, orgB = orgB, o.ID
			}
			for _, login := range []string{"ann", "bob", "cid"} {
				u := seatkeeper.User{Login: login, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				users = append(users, u.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// join is another process adding a member to org-b: org-b's
		// change alone.
		join := func(user int64) {
			t.Helper()
			err := other.Tx(ctx, func(tx *store.Tx) error {
				return tx.PutMembership(ctx, seatkeeper.Membership{OrgID: orgB, UserID: user, Role: seatkeeper.RoleMember,
					State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		count := func(org int64) int {
			t.Helper()
			ms, err := mine.MembersOf(ctx, org, "", store.Users{})
			if err != nil {
				t.Fatal(err)
			}
			return len(ms)
		}
		c := readcache.New(mine, 0)
		fills := map[int64]int{}
		get := func(view context.Context, org int64, fill func() int) int {
			t.Helper()
			n, err := readcache.GetIn(view, org, key(fmt.Sprint("members ", org)), func() (int, error) {
				fills[org]++
				return fill(), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		get(c.Begin(ctx), orgA, func() int { return count(orgA) })

		join(users[0])
		view := c.Begin(ctx)
		// This view's own reading of org-b, taken at the state it
		// began in; the next commit lands before it reaches the cache.
		before := count(orgB)
		join(users[1])
		if n := get(view, orgB, func() int { return before }); n != before {
			t.Fatalf("org-b: %d members, want %d", n, before)
		}
		get(view, orgA, func() int { return count(orgA) })
		if fills[orgA] != 1 {
			t.Errorf("org-a filled %d times, want 1: its answer was dropped for org-b's writes", fills[orgA])
		}

		later := c.Begin(ctx)
		if n, want := get(later, orgB, func() int { return count(orgB) }), before+1; n != want {
			t.Errorf("the next view: org-b has %d members, want %d: a write was missed", n, want)
		}
		get(later, orgA, func() int { return count(orgA) })
		if fills[orgA] != 1 {
			t.Errorf("org-a filled %d times, want 1", fills[orgA])
		}
	})
}
