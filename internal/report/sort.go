package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SortKeys are the columns a report may be sorted by (Options.Sort), each
// ascending, or descending with a leading "-".
var SortKeys = []string{"login", "organization", "last-activity", "days-idle", "grant", "created", "pending-cancellation", "cost"}

var sortBy = map[string]func(a, b Row) int{
	"login": func(a, b Row) int { return cmp.Compare(strings.ToLower(a.Login), strings.ToLower(b.Login)) },
	"organization": func(a, b Row) int {
		return cmp.Compare(strings.ToLower(a.Organization), strings.ToLower(b.Organization))
	},
	"last-activity": func(a, b Row) int { return cmp.Compare(unix(a.LastActivityAt), unix(b.LastActivityAt)) },
	"days-idle":     func(a, b Row) int { return cmp.Compare(a.DaysIdle, b.DaysIdle) },
	"grant":         func(a, b Row) int { return cmp.Compare(grant(a), grant(b)) },
	"created":       func(a, b Row) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"pending-cancellation": func(a, b Row) int {
		return cmp.Compare(pending(a), pending(b))
	},
	"cost": func(a, b Row) int { return cmp.Compare(a.MonthlyCost, b.MonthlyCost) },
}

// unix is t in Unix seconds, or the smallest int64 for a seat never used,
// which sorts first.
func unix(t *time.Time) int64 {
	if t == nil {
		return -1 << 63
	}
	return t.Unix()
}

// CheckSort explains a sort key Sort does not know.
func CheckSort(key string) error {
	if _, ok := sortBy[strings.TrimPrefix(key, "-")]; !ok {
		return fmt.Errorf("unknown sort key %q: want one of %s, with a leading - for descending", key, strings.Join(SortKeys, ", "))
	}
	return nil
}

// Sort orders r's seats by key (see SortKeys); ties keep the API's order
// (oldest grant first). An empty key keeps the API's order.
func Sort(r *Report, key string) error {
	if key == "" {
		return nil
	}
	if err := CheckSort(key); err != nil {
		return err
	}
	desc := strings.HasPrefix(key, "-")
	by := sortBy[strings.TrimPrefix(key, "-")]
	slices.SortStableFunc(r.Seats, func(a, b Row) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
	return nil
}
