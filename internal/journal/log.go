package journal

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Log is the request journal as the server uses it: a Ring in this
// process's memory, or Shared, in the database every replica on one
// PostgreSQL database writes, so that any replica lists requests any of
// them served.
type Log interface {
	// Record adds an entry.
	Record(e Entry)
	// List returns up to limit entries keep accepts (nil: every one),
	// newest first.
	List(ctx context.Context, limit int, keep func(*Entry) bool) ([]Entry, error)
	// Empty removes every entry.
	Empty(ctx context.Context) error
	// Cap is how many entries the journal keeps.
	Cap() int
}

// NewLog returns the journal for st, of size entries and at most
// DefaultMaxBytes bytes: Shared where replicas share st's database, else
// a Ring.
func NewLog(st *store.Store, size int) Log {
	if st.SharesState() {
		return &Shared{store: st, size: max(size, 1), maxBytes: DefaultMaxBytes, pending: New(size)}
	}
	return New(size)
}

func (r *Ring) Record(e Entry) { r.Add(e) }

func (r *Ring) List(_ context.Context, limit int, keep func(*Entry) bool) ([]Entry, error) {
	return r.Recent(limit, keep), nil
}

func (r *Ring) Empty(context.Context) error {
	r.Clear()
	return nil
}

// Shared keeps the journal in the database (internal/store's
// request_journal), bounded there as the Ring is in memory: by entries
// and by bytes, the oldest dropped first. Entries are written in batches,
// FlushDelay after the first of a batch, so that a request costs no round
// trip of its own: a replica lists its own requests at once (it writes
// what it holds first) and another replica's within FlushDelay. While a
// batch waits, what it holds is a Ring, bounded as the journal is.
type Shared struct {
	store          *store.Store
	size, maxBytes int
	pending        *Ring // the batch waiting to be written

	mu        sync.Mutex
	scheduled bool // a flush is due
	flushMu   sync.Mutex
}

// FlushDelay is how long an entry may wait in a replica's memory before it
// is written. Each batch is a write, which moves the data version every
// replica's read cache checks (the cache then starts a new generation,
// keeping its answers): a second, not less, keeps that rare. Measured:
// docs/performance.md, "One state across replicas".
const FlushDelay = time.Second

func (s *Shared) Cap() int { return s.size }

func (s *Shared) Record(e Entry) {
	s.pending.Add(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.scheduled {
		s.scheduled = true
		time.AfterFunc(FlushDelay, func() { s.flush(context.Background()) })
	}
}

// flush writes what is pending, in order.
func (s *Shared) flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	s.scheduled = false
	s.mu.Unlock()
	batch := s.pending.take()
	if len(batch) == 0 {
		return nil
	}
	entries, sizes := make([]string, len(batch)), make([]int32, len(batch))
	for i := range batch {
		b, err := json.Marshal(&batch[i])
		if err != nil {
			return err
		}
		entries[i], sizes[i] = string(b), int32(batch[i].size())
	}
	// A batch that cannot be written is lost: the journal is a
	// diagnostic, and the requests it records were answered.
	return s.store.AppendJournal(ctx, entries, sizes, s.size, s.maxBytes)
}

func (s *Shared) List(ctx context.Context, limit int, keep func(*Entry) bool) ([]Entry, error) {
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	seqs, rows, err := s.store.JournalEntries(ctx, s.size)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for i := 0; i < len(rows) && len(out) < limit; i++ {
		var e Entry
		if err := json.Unmarshal([]byte(rows[i]), &e); err != nil {
			return nil, err
		}
		e.Seq = uint64(seqs[i])
		if keep == nil || keep(&e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *Shared) Empty(ctx context.Context) error {
	s.pending.Clear()
	return s.store.ClearJournal(ctx)
}
