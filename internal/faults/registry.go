package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Registry holds faults: the control API adds, lists and removes them,
// the request pipeline fires them. Set keeps them in one process's
// memory; Shared in the database replicas share.
type Registry interface {
	AddFault(ctx context.Context, spec Spec, now time.Time) (Fault, error)
	ListFaults(ctx context.Context, now time.Time) ([]Fault, error)
	RemoveFault(ctx context.Context, id int64) (bool, error)
	ClearFaults(ctx context.Context) error
	// Armed reports whether any fault is set, cheaply: the whole cost of
	// fault injection on a request when none is.
	Armed(ctx context.Context) (bool, error)
	// FireFault is Set.Fire: the fault that answers req, if one does.
	FireFault(ctx context.Context, req Request) (Fault, bool, error)
}

// NewRegistry returns the registry for st: Shared where replicas share
// its database, else a Set.
func NewRegistry(st *store.Store) Registry {
	if st.SharesState() {
		return &Shared{store: st}
	}
	return NewSet()
}

func (s *Set) AddFault(_ context.Context, spec Spec, now time.Time) (Fault, error) {
	return s.Add(spec, now), nil
}

func (s *Set) ListFaults(_ context.Context, now time.Time) ([]Fault, error) { return s.List(now), nil }

func (s *Set) RemoveFault(_ context.Context, id int64) (bool, error) { return s.Remove(id), nil }

func (s *Set) ClearFaults(context.Context) error {
	s.Clear()
	return nil
}

func (s *Set) Armed(context.Context) (bool, error) { return !s.Empty(), nil }

func (s *Set) FireFault(_ context.Context, req Request) (Fault, bool, error) {
	f, ok := s.Fire(req)
	return f, ok, nil
}

// Shared keeps faults in the database (internal/store's faults and
// fault_counts), for every replica. Firing locks the candidates' rows, so
// a fault's times and its probability's draws are spent once across all
// replicas, in the order the requests reach the database. Its definitions
// are read through the request's read-cache view: a request when no fault
// is set costs a lookup in memory.
type Shared struct {
	store *store.Store
}

type definitionsKey struct{}

// definitions are the faults, as of the read cache's view of ctx.
func (s *Shared) definitions(ctx context.Context) ([]*fault, error) {
	return readcache.Get(ctx, definitionsKey{}, func() ([]*fault, error) {
		rows, err := s.store.Faults(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]*fault, len(rows))
		for i, row := range rows {
			if out[i], err = fromRow(row); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// fromRow is the fault a row holds, its generator where it stood.
func fromRow(row store.FaultRow) (*fault, error) {
	var spec Spec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, fmt.Errorf("faults: stored fault %d: %w", row.ID, err)
	}
	f := newFault(row.ID, spec, row.CreatedAt)
	f.Fired, f.Remaining = row.Fired, row.Remaining
	if f.pcg != nil && row.RNG != nil {
		if err := f.pcg.UnmarshalBinary(row.RNG); err != nil {
			return nil, fmt.Errorf("faults: stored fault %d: %w", row.ID, err)
		}
	}
	return f, nil
}

func (s *Shared) AddFault(ctx context.Context, spec Spec, now time.Time) (Fault, error) {
	f := newFault(0, spec, now) // draws the seed a probability lacks
	b, err := json.Marshal(f.Spec)
	if err != nil {
		return Fault{}, err
	}
	row := store.FaultRow{Spec: b, CreatedAt: f.CreatedAt, Remaining: f.Remaining}
	if f.pcg != nil {
		row.RNG = pcgState(f.pcg)
	}
	if f.ID, err = s.store.AddFault(ctx, row); err != nil {
		return Fault{}, err
	}
	return f.snapshot(now), nil
}

func pcgState(p *rand.PCG) []byte {
	b, _ := p.MarshalBinary() // never fails
	return b
}

func (s *Shared) ListFaults(ctx context.Context, now time.Time) ([]Fault, error) {
	rows, err := s.store.Faults(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Fault, len(rows))
	for i, row := range rows {
		f, err := fromRow(row)
		if err != nil {
			return nil, err
		}
		out[i] = f.snapshot(now)
	}
	return out, nil
}

func (s *Shared) RemoveFault(ctx context.Context, id int64) (bool, error) {
	return s.store.RemoveFault(ctx, id)
}

func (s *Shared) ClearFaults(ctx context.Context) error { return s.store.ClearFaults(ctx) }

func (s *Shared) Armed(ctx context.Context) (bool, error) {
	defs, err := s.definitions(ctx)
	return len(defs) > 0, err
}

// FireFault finds, among the faults the read cache holds, those that could
// answer req (active by their expiry, matching); only if there are any
// does it go to the database, where the first of them that fires, by the
// counts and draws stored there, answers.
func (s *Shared) FireFault(ctx context.Context, req Request) (Fault, bool, error) {
	if Excluded(req.Path) {
		return Fault{}, false, nil
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return Fault{}, false, err
	}
	var ids []int64
	for _, f := range defs {
		if (f.ExpiresAt == nil || req.Now.Before(*f.ExpiresAt)) && f.Match.Matches(req) {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) == 0 {
		return Fault{}, false, nil
	}
	var out Fault
	_, ok, err := s.store.FireFault(ctx, ids, func(row *store.FaultRow) bool {
		f, err := fromRow(*row)
		if err != nil {
			return false
		}
		fired := f.fire(req)
		row.Fired, row.Remaining = f.Fired, f.Remaining
		if f.pcg != nil {
			row.RNG = pcgState(f.pcg)
		}
		if fired {
			out = f.snapshot(req.Now)
		}
		return fired
	})
	return out, ok, err
}
