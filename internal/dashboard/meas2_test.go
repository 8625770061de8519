package dashboard

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

var mOnce sync.Once
var mSvc *copilot.Service
var mOrg seatkeeper.Organization

func msetup(b *testing.B) {
	mOnce.Do(func() {
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		generate.Generate(ctx, st, generate.Options{Orgs: 1, SeatsPerOrg: 10000, Seed: 1}, now)
		clk := &clock.Clock{}
		clk.Set(now)
		mSvc = &copilot.Service{Store: st, Clock: clk}
		mOrg, _ = st.OrgByLogin(ctx, generate.Org(0))
	})
}
func BenchmarkMOrgSeats(b *testing.B) {
	msetup(b)
	for b.Loop() {
		mSvc.OrgSeats(context.Background(), mOrg)
	}
}
func BenchmarkMBilling(b *testing.B) {
	msetup(b)
	for b.Loop() {
		mSvc.Billing(context.Background(), mOrg)
	}
}
func BenchmarkMMembers(b *testing.B) {
	msetup(b)
	for b.Loop() {
		mSvc.Store.Members(context.Background(), mOrg.ID, "active", 0)
	}
}
func BenchmarkMReaches(b *testing.B) {
	msetup(b)
	for b.Loop() {
		mSvc.Store.OrgReaches(context.Background(), mOrg.ID, 0)
	}
}
func BenchmarkMGrants(b *testing.B) {
	msetup(b)
	for b.Loop() {
		mSvc.Store.Grants(context.Background(), mOrg.ID)
	}
}
