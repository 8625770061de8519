package main

import (
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/readcache"
)

// TestHeapLimit: --memory-limit by default makes room for the read cache
// (100 MiB for the default cache), takes a size in MiB, and -1 sets none.
func TestHeapLimit(t *testing.T) {
	for _, c := range []struct {
		mib, entries int
		want         int64
	}{
		{0, readcache.DefaultLimit, 100 << 20},
		{0, 0, 36 << 20},
		{0, 1 << 16, 164 << 20},
		{250, readcache.DefaultLimit, 250 << 20},
		{-1, readcache.DefaultLimit, 0},
	} {
		if got := heapLimit(c.mib, c.entries); got != c.want {
			t.Errorf("heapLimit(%d, %d) = %d MiB, want %d MiB", c.mib, c.entries, got>>20, c.want>>20)
		}
	}
}
