package copilot

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestMergeOrder(t *testing.T) {
	k := func(since, user int64) sortKey { return sortKey{since, user} }
	tests := []struct {
		name   string
		chunks [][]sortKey
		want   []int64
	}{
		{"nothing", nil, []int64{}},
		{"empty chunks", [][]sortKey{{}, {}}, []int64{}},
		{"one chunk", [][]sortKey{{k(1, 5), k(2, 3)}}, []int64{5, 3}},
		{"interleaved", [][]sortKey{{k(1, 1), k(3, 3)}, {k(2, 2), k(4, 4)}}, []int64{1, 2, 3, 4}},
		{"ties by user id", [][]sortKey{{k(7, 9), k(7, 10)}, {k(7, 2), k(8, 1)}}, []int64{2, 9, 10, 1}},
		{"one after another", [][]sortKey{{k(5, 5)}, {}, {k(1, 1), k(2, 2)}}, []int64{1, 2, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeOrder(tt.chunks); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMergeOrderRandom: merging sorted chunks gives what sorting all the
// keys at once gives.
func TestMergeOrderRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		var all []sortKey
		chunks := make([][]sortKey, rng.IntN(12))
		user := int64(0)
		for i := range chunks {
			for range rng.IntN(30) {
				user++
				chunks[i] = append(chunks[i], sortKey{rng.Int64N(10), user}) // few distinct times: many ties
			}
			slices.SortFunc(chunks[i], sortKey.compare)
			all = append(all, chunks[i]...)
		}
		slices.SortFunc(all, sortKey.compare)
		want := make([]int64, len(all))
		for i, key := range all {
			want[i] = key.user
		}
		if got := mergeOrder(chunks); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
