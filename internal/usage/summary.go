package usage

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Day is one day of an aggregate report, in the figures the dashboard's
// usage page shows: the active users the reports count (the store's kept
// counts) and the sums of the same roll-ups, by the reports' rule (the
// CLI counts in totals_by_cli alone, so in none of these), so that the
// page and the reports never disagree.
type Day struct {
	Day          string
	Daily        int // daily_active_users
	Weekly       int // weekly_active_users
	Monthly      int // monthly_active_users
	Generations  int64
	Acceptances  int64
	Interactions int64
	// The day's code generations by feature, IDE and language (the
	// editors' events; the CLI counts in totals_by_cli alone).
	Features, IDEs, Languages map[string]int64
}

// Days are the aggregate figures of the usage q selects (its orgs', and
// its enterprise's own when set) for each day from q.From to q.To
// (YYYY-MM-DD, inclusive), in day order. They read the roll-ups summed by
// day, feature, IDE and language (store.EachDaySum), not the reports'
// every breakdown.
func Days(ctx context.Context, src Source, q store.UsageQuery) ([]Day, error) {
	acts, err := src.ActiveCounts(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Day
	index := map[string]int{}
	err = eachDay(q.From, q.To, func(day string) error {
		a := acts[len(out)]
		index[day] = len(out)
		out = append(out, Day{Day: day, Daily: a.Daily, Weekly: a.Weekly, Monthly: a.Monthly,
			Features: map[string]int64{}, IDEs: map[string]int64{}, Languages: map[string]int64{}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = src.EachDaySum(ctx, q, func(s store.DaySum) error {
		i, ok := index[s.Day]
		if !ok || s.Feature == seatkeeper.FeatureCLI {
			return nil
		}
		d := &out[i]
		d.Generations += s.Generations
		d.Acceptances += s.Acceptances
		d.Interactions += s.Interactions
		d.Features[s.Feature] += s.Generations
		d.IDEs[s.IDE] += s.Generations
		d.Languages[s.Language] += s.Generations
		return nil
	})
	return out, err
}

// Count is a name and its sum, as Top ranks them.
type Count struct {
	Name string
	N    int64
}

// Top sums the maps by key and ranks the keys by sum, largest first
// (ties by name), keeping at most n and leaving out zero sums.
func Top(n int, ms ...map[string]int64) []Count {
	sum := map[string]int64{}
	for _, m := range ms {
		for k, v := range m {
			sum[k] += v
		}
	}
	var out []Count
	for _, k := range slices.Sorted(maps.Keys(sum)) {
		if sum[k] > 0 {
			out = append(out, Count{k, sum[k]})
		}
	}
	slices.SortStableFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Name, b.Name)) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}
