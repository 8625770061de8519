package seed

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// FuzzParseAndLoad feeds arbitrary documents to the parser and, when they
// parse, to Load on one shared database per store (SQLite, and PostgreSQL
// when storetest.EnvURL names a server: it refuses text SQLite keeps, a
// NUL byte or invalid UTF-8): no input may panic, a document that fails
// to load must leave the database as it was, and both stores must agree
// on whether it loads.
func FuzzParseAndLoad(f *testing.F) {
	for _, path := range []string{"../../examples/seed.yaml", "../demo/demo.yaml"} {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"users: [{login: a}]",
		"users: [{login: a}, {login: A}]",
		"organizations: [{login: o, members: [{login: ghost}]}]",
		"organizations: [{login: o, teams: [{name: T, parent: t}]}]",
		"{\"users\": [{\"login\": \"x\", \"id\": -1}]}",
		"tokens: [{token: ghp_x, kind: classic, user: nobody}]",
		"users: !!binary AAAA",
		"- a\n- b",
		"&a [*a]",
		// Text PostgreSQL cannot hold, in every kind of name a seed gives.
		"users: [{login: \"nul\\0user\"}]",
		"users: [{login: a, name: \"\\0\"}]",
		"{\"users\": [{\"login\": \"bad\xffutf8\"}]}",
		"users: [{login: a}]\norganizations: [{login: o, members: [{login: a, role: admin}], teams: [{name: \"t\\0\"}]}]",
		"users: [{login: a}]\ntokens: [{token: ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789, kind: classic, user: a, note: \"n\\0te\"}]",
		"users: [{login: a}]\norganizations: [{login: o, members: [{login: a}], copilot: {plan_type: business}, seats: [{user: a}], activity: [{user: a, last_activity_at: \"2026-01-01T00:00:00Z\", last_activity_editor: \"vs\\0code\"}]}]",
	} {
		f.Add(s)
	}
	stores := fuzzStores(f)
	f.Fuzz(func(t *testing.T, data string) {
		watchdog := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("input hangs: %q", data)) })
		defer watchdog.Stop()
		doc, err := Parse([]byte(data))
		if err != nil {
			return
		}
		doc.AllowWeakTokens = len(data)%2 == 0 // both the refusal and what lies past it
		var loaded []bool
		for _, st := range stores {
			before := storetest.Take(t, st)
			err := doc.Load(context.Background(), st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				storetest.Unchanged(t, st, before, "a failed load on "+string(st.Dialect()))
			}
			loaded = append(loaded, err == nil)
			if len(loaded) > 1 && loaded[0] != (err == nil) {
				t.Fatalf("loaded on %s: %v, on %s: %v (%v)", stores[0].Dialect(), loaded[0], st.Dialect(), err == nil, err)
			}
		}
	})
}

// fuzzStores opens one database per store for the whole fuzz run
// (opening one per input is too slow under coverage instrumentation):
// documents that load pile up, alike in each, which only makes later ones
// fail more often, on duplicates.
func fuzzStores(f *testing.F) []*store.Store {
	sqlite, err := store.Open(context.Background(), ":memory:", store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { sqlite.Close() })
	stores := []*store.Store{sqlite}
	if os.Getenv(storetest.EnvURL) != "" {
		stores = append(stores, storetest.Open(f, store.Postgres))
	}
	return stores
}
