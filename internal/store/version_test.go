package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// versionWorld is a small org with a team grant and a direct grant, so
// that the seat reads below run every query they can.
const versionWorld = `
users:
  - {login: owner}
  - {login: ann}
  - {login: bob}
organizations:
  - login: acme
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}]
    teams:
      - {name: Platform, slug: platform, members: [bob]}
      - {name: Juniors, slug: juniors, parent: platform, members: [ann]}
    seats:
      - {user: ann}
      - {team: platform}
tokens:
  - {token: ghp_versionWorldToken, user: owner, scopes: [read:org]}
`

// openPair opens two stores on one fresh database of dialect d, as two
// processes (or replicas) would, with versionWorld loaded through the first.
func openPair(t *testing.T, d store.Dialect) (*store.Store, *store.Store) {
	t.Helper()
	a, b := storetest.Pair(t, d)
	doc, err := seed.Parse([]byte(versionWorld))
	if err != nil {
		t.Fatal(err)
	}
	doc.AllowWeakTokens = true // tests give short literal tokens
	if err := doc.Load(context.Background(), a, t0); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func dataVersion(t *testing.T, st *store.Store) string {
	t.Helper()
	v, err := st.DataVersion(context.Background())
	if err != nil {
		t.Fatalf("DataVersion: %v", err)
	}
	return v
}

// settledVersion returns the data version once two reads in a row agree.
// On SQLite nothing else writes the test's database, so the first two
// must. PostgreSQL's snapshot names the whole cluster, which other test
// packages (and autovacuum) write to at the same time, so a few tries
// are allowed there.
func settledVersion(t *testing.T, st *store.Store) string {
	t.Helper()
	tries := 1
	if st.Dialect() == store.Postgres {
		tries = 200
	}
	prev := dataVersion(t, st)
	for range tries {
		v := dataVersion(t, st)
		if v == prev {
			return v
		}
		prev = v
		if st.Dialect() == store.Postgres {
			time.Sleep(time.Millisecond)
		}
	}
	t.Fatalf("DataVersion never settled without writes: last %q", prev)
	return ""
}

func createUser(t *testing.T, st *store.Store, login string) {
	t.Helper()
	mustTx(t, st, func(tx *store.Tx) error {
		return tx.CreateUser(context.Background(), &seatkeeper.User{Login: login, CreatedAt: t0, UpdatedAt: t0})
	})
}

func TestDataVersion(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			a, b := openPair(t, d)

			// Stable while nothing is written, reads included.
			v0 := settledVersion(t, a)
			if d == store.SQLite {
				if _, err := a.UserByLogin(ctx, "ann"); err != nil {
					t.Fatal(err)
				}
				if _, err := a.OrgReachesOf(ctx, 1, store.Users{}); err != nil {
					t.Fatal(err)
				}
				for i := range 5 {
					if v := dataVersion(t, a); v != v0 {
						t.Fatalf("read %d: DataVersion %q, was %q with no write", i, v, v0)
					}
				}
			}

			// A transaction committed on the same store.
			createUser(t, a, "carol")
			v1 := dataVersion(t, a)
			if v1 == v0 {
				t.Errorf("DataVersion still %q after a commit on this store", v1)
			}

			// A write by another store on the same database: another
			// process, or a replica.
			v1 = settledVersion(t, a)
			before := a.LocalCommits()
			createUser(t, b, "dave")
			v2 := dataVersion(t, a)
			if v2 == v1 {
				t.Errorf("DataVersion still %q after another store's commit", v2)
			}
			if got := a.LocalCommits(); got != before {
				t.Errorf("LocalCommits %d -> %d for another store's write", before, got)
			}
			if _, err := a.UserByLogin(ctx, "dave"); err != nil {
				t.Errorf("the other store's user: %v", err)
			}

			// A transaction that fails (rolls back) is no commit; any
			// change it makes to the version can only be spurious, but
			// the second store's version must follow the first's commits
			// too.
			vb := settledVersion(t, b)
			createUser(t, a, "erin")
			if v := dataVersion(t, b); v == vb {
				t.Errorf("second store: DataVersion still %q after the first store's commit", v)
			}
		})
	}
}

// TestDataVersionInMemory: an in-memory database is this process's alone,
// so its data version is constant and LocalCommits says everything.
func TestDataVersionInMemory(t *testing.T) {
	st, err := store.Open(context.Background(), ":memory:", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before := st.LocalCommits()
	createUser(t, st, "carol")
	if v := dataVersion(t, st); v != "" {
		t.Errorf("in-memory DataVersion %q, want \"\"", v)
	}
	if got := st.LocalCommits(); got <= before {
		t.Errorf("LocalCommits %d after a commit, was %d", got, before)
	}
}

func TestLocalCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		doc, err := seed.Parse([]byte(versionWorld))
		if err != nil {
			t.Fatal(err)
		}
		doc.AllowWeakTokens = true // tests give short literal tokens
		if err := doc.Load(ctx, st, t0); err != nil {
			t.Fatal(err)
		}
		org, err := st.OrgByLogin(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		team, err := st.TeamBySlug(ctx, org.ID, "platform")
		if err != nil {
			t.Fatal(err)
		}
		ann, err := st.UserByLogin(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}

		// Each committed transaction counts at least once.
		for i := range 3 {
			before := st.LocalCommits()
			createUser(t, st, fmt.Sprintf("user%d", i))
			if got := st.LocalCommits(); got < before+1 {
				t.Errorf("commit %d: LocalCommits %d -> %d", i, before, got)
			}
		}
		// An empty transaction commits too: counting it is allowed (a
		// spurious change), so only check it does not go backwards.
		before := st.LocalCommits()
		mustTx(t, st, func(*store.Tx) error { return nil })
		if got := st.LocalCommits(); got < before {
			t.Errorf("LocalCommits went back: %d -> %d", before, got)
		}
		// A write statement outside a transaction commits on its own.
		tok, err := st.TokenByHash(ctx, auth.Hash("ghp_versionWorldToken"))
		if err != nil {
			t.Fatal(err)
		}
		before = st.LocalCommits()
		if err := st.RevokeToken(ctx, tok.ID, t0); err != nil {
			t.Fatal(err)
		}
		if got := st.LocalCommits(); got < before+1 {
			t.Errorf("write outside a transaction: LocalCommits %d -> %d", before, got)
		}

		// Pure reads never count: the seat-details path runs them all on
		// every request, and a count would empty the read cache each time.
		reads := []struct {
			name string
			read func() error
		}{
			{"UserByLogin", func() error { _, err := st.UserByLogin(ctx, "ann"); return err }},
			{"UserByID", func() error { _, err := st.UserByID(ctx, ann.ID); return err }},
			{"Users", func() error { _, err := st.Users(ctx); return err }},
			{"OrgByLogin", func() error { _, err := st.OrgByLogin(ctx, "acme"); return err }},
			{"OrgByID", func() error { _, err := st.OrgByID(ctx, org.ID); return err }},
			{"Membership", func() error { _, err := st.Membership(ctx, org.ID, ann.ID); return err }},
			{"Subscription", func() error { _, err := st.Subscription(ctx, org.ID); return err }},
			{"TokenByHash", func() error { _, err := st.TokenByHash(ctx, auth.Hash("ghp_versionWorldToken")); return err }},
			{"MembersOf", func() error {
				_, err := st.MembersOf(ctx, org.ID, seatkeeper.StateActive, store.OnlyUsers(ann.ID))
				return err
			}},
			{"OrgActivityOf", func() error { _, err := st.OrgActivityOf(ctx, org.ID, store.OnlyUsers(ann.ID)); return err }},
			{"OrgReachesOf", func() error { _, err := st.OrgReachesOf(ctx, org.ID, store.OnlyUsers(ann.ID)); return err }},
			{"TeamByID", func() error { _, err := st.TeamByID(ctx, team.ID); return err }},
			{"TeamSubtreeIDs", func() error { _, err := st.TeamSubtreeIDs(ctx, team.ID); return err }},
			{"TeamSubtreeUserIDs", func() error { _, err := st.TeamSubtreeUserIDs(ctx, team.ID); return err }},
			{"TeamSubtreeMembers", func() error { _, err := st.TeamSubtreeMembers(ctx, team.ID); return err }},
			{"UserByLogin, not found", func() error {
				if _, err := st.UserByLogin(ctx, "ghost"); !seatkeeper.IsNotFound(err) {
					return fmt.Errorf("want not found, got %v", err)
				}
				return nil
			}},
		}
		for _, r := range reads {
			t.Run(r.name, func(t *testing.T) {
				before := st.LocalCommits()
				if err := r.read(); err != nil {
					t.Fatal(err)
				}
				if got := st.LocalCommits(); got != before {
					t.Errorf("a pure read moved LocalCommits %d -> %d", before, got)
				}
			})
		}
	})
}

func TestMayWrite(t *testing.T) {
	for _, c := range []struct {
		query string
		want  bool
	}{
		{"SELECT 1", false},
		{"select id from users", false},
		{"  \n\tSELECT id FROM users", false},
		{"SELECT(1)", false},
		{"PRAGMA data_version", false},
		{"pragma foreign_keys", false},
		{"WITH x AS (SELECT 1) SELECT * FROM x", false},
		{"with recursive sub (team_id) as (select 1) select team_id from sub", false},
		{"\nWITH RECURSIVE sub (id) AS (SELECT id FROM teams) SELECT id FROM sub", false},
		// Column names that merely contain a keyword: the recursive reads
		// of OrgReaches and TeamSubtreeMembers select updated_at.
		{"WITH x AS (SELECT id, updated_at FROM users) SELECT * FROM x", false},
		{"WITH x AS (SELECT id FROM users WHERE deleted_flag = 0) SELECT * FROM x", false},
		{"INSERT INTO users (id) VALUES (1)", true},
		{"insert into users (id) values (1)", true},
		{"  UPDATE users SET name = 'x'", true},
		{"update users set name = 'x'", true},
		{"\tDELETE FROM users", true},
		{"delete from users", true},
		{"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", true},
		{"with x as (select 1) update t set a = 1", true},
		{"WITH gone AS (DELETE FROM t RETURNING id) SELECT * FROM gone", true},
		{"UPDATE id_sequences SET last_id = last_id + 1 WHERE name = ? RETURNING last_id", true},
		{"CREATE TABLE t (id INTEGER)", true},
		{"-- a note\nUPDATE t SET a = 1", true},
		// A comment could hide the first word: any comment counts as a write.
		{"/* SELECT */ UPDATE t SET a = 1", true},
		{"-- SELECT\nDELETE FROM t", true},
		{"SELECT 1 -- a note", true},
		{"(SELECT 1)", false},
		{"", false}, // no statement at all
	} {
		if got := store.MayWrite(c.query); got != c.want {
			t.Errorf("mayWrite(%q) = %v, want %v", c.query, got, c.want)
		}
	}
}

// TestDataVersionSeesEveryCommit commits many times, alternately through
// two stores on one SQLite file, small and large transactions, and
// checkpoints that restart the WAL in between: after each commit, both
// stores' DataVersion differ from what they read before it. On unix the
// version comes from the mapped WAL index header.
func TestDataVersionSeesEveryCommit(t *testing.T) {
	ctx := context.Background()
	a, b := openPair(t, store.SQLite)
	if runtime.GOOS != "windows" && !store.VersionFromWALIndex(a) {
		t.Fatal("DataVersion does not read the WAL index header")
	}
	seen := map[string]bool{}
	prevA, prevB := dataVersion(t, a), dataVersion(t, b)
	for i := range 120 {
		writer := a
		if i%2 == 1 {
			writer = b
		}
		n := 1
		if i%10 == 0 {
			n = 200 // a transaction of many pages
		}
		mustTx(t, writer, func(tx *store.Tx) error {
			for j := range n {
				if err := tx.CreateUser(ctx, &seatkeeper.User{Login: fmt.Sprintf("u%d-%d", i, j), CreatedAt: t0, UpdatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		va, vb := dataVersion(t, a), dataVersion(t, b)
		if va == prevA || vb == prevB {
			t.Fatalf("commit %d: version unchanged (a %q -> %q, b %q -> %q)", i, prevA, va, prevB, vb)
		}
		if seen[va] {
			t.Fatalf("commit %d: version %q seen before", i, va)
		}
		seen[va] = true
		prevA, prevB = va, vb
		if i%15 == 14 {
			// Restart the WAL: the next commit writes from its start again.
			if _, err := writer.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
		}
	}
}
