package journal

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSharedBatchIsBounded: the batch a replica holds before its next
// write is bounded as the journal is, by entries and by bytes, and what
// it writes is the newest, in order.
func TestSharedBatchIsBounded(t *testing.T) {
	st := storetest.OpenOn(t, storetest.DSN(t, store.Postgres), store.Options{})
	log := NewLog(st, 5)
	s, ok := log.(*Shared)
	if !ok {
		t.Fatalf("NewLog on PostgreSQL is a %T, want *Shared", log)
	}
	for i := 1; i <= 50; i++ { // all within FlushDelay: one batch
		s.Record(Entry{Path: fmt.Sprint("/", i)})
	}
	if n := len(s.pending.Recent(100, nil)); n != 5 {
		t.Errorf("the batch holds %d entries, want 5", n)
	}
	body := strings.Repeat("b", MaxBody)
	for range 1000 {
		s.Record(Entry{Path: "/big", Body: &body})
	}
	if s.pending.Bytes() > DefaultMaxBytes {
		t.Errorf("the batch holds %d bytes, more than the journal's %d", s.pending.Bytes(), DefaultMaxBytes)
	}
	for i := 51; i <= 53; i++ {
		s.Record(Entry{Path: fmt.Sprint("/", i)})
	}
	got, err := s.List(context.Background(), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range got {
		paths = append(paths, e.Path)
	}
	if strings.Join(paths, " ") != "/53 /52 /51" {
		t.Errorf("listed %v, want the newest three, newest first", paths)
	}
}
