package seed

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// FuzzParseAndLoad feeds arbitrary documents to the parser and, when they
// parse, to Load on one shared database: no input may panic, and a document
// that fails to load must leave the database as it was.
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
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		watchdog := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("input hangs: %q", data)) })
		defer watchdog.Stop()
		doc, err := Parse([]byte(data))
		if err != nil {
			return
		}
		doc.AllowWeakTokens = len(data)%2 == 0 // both the refusal and what lies past it
		st := fuzzStore(t)
		before := storetest.Take(t, st)
		if err := doc.Load(context.Background(), st, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
			return
		}
		storetest.Unchanged(t, st, before, "a failed load")
	})
}

// One database for the whole fuzz run (opening one per input is too slow
// under coverage instrumentation): documents that load pile up, which
// only makes later ones fail more often, on duplicates.
var (
	fuzzOnce sync.Once
	fuzzSt   *store.Store
)

func fuzzStore(t *testing.T) *store.Store {
	fuzzOnce.Do(func() {
		var err error
		if fuzzSt, err = store.Open(context.Background(), ":memory:", store.Options{}); err != nil {
			t.Fatal(err)
		}
	})
	return fuzzSt
}
