package usage

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Day is one day of an aggregate report, in the figures the dashboard's
// usage page shows: read from the same records the reports write
// (dayRecords), so that the page and the reports never disagree.
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
// (YYYY-MM-DD, inclusive), in day order.
func Days(ctx context.Context, src Source, q store.UsageQuery) ([]Day, error) {
	recs, err := dayRecords(ctx, src, Request{OrgIDs: q.OrgIDs, EnterpriseID: q.EnterpriseID, From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	out := make([]Day, len(recs))
	for i, r := range recs {
		d := Day{Day: r.Day, Daily: r.DailyActiveUsers, Weekly: r.WeeklyActiveUsers, Monthly: r.MonthlyActiveUsers,
			Generations: r.CodeGeneration, Acceptances: r.CodeAcceptance, Interactions: r.Interactions,
			Features: map[string]int64{}, IDEs: map[string]int64{}, Languages: map[string]int64{}}
		for _, f := range r.Features {
			d.Features[f.Feature] += f.CodeGeneration
		}
		for _, x := range r.IDEs {
			d.IDEs[x.IDE] += x.CodeGeneration
		}
		for _, l := range r.LanguageFeatures {
			d.Languages[l.Language] += l.CodeGeneration
		}
		out[i] = d
	}
	return out, nil
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
