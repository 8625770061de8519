package dashboard

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/report"
)

// seatRow is one row of the seats table: the report's row (what the CSV
// writes) and what the page shows besides.
type seatRow struct {
	*report.Row
	GrantKey   string // "direct", "team:<slug>" or "enterprise_team:<slug>": the grant filter's value
	GrantLabel string // "direct", or the team's name
	Name       string // the user's name, or ""
	Editor     string // the last editor, readable (see editorName)
	key        string // the login in lower case, for search and sort
	grantKey   string // the grant label in lower case, for sort
}

// Never reports whether the seat was never used.
func (r seatRow) Never() bool { return r.LastActivityAt == nil }

// Pending is the pending cancellation date, or "".
func (r seatRow) Pending() string {
	if r.PendingCancellationDate == nil {
		return ""
	}
	return *r.PendingCancellationDate
}

// buildRows makes the rows of every listed seat at now, through the
// report (the CLI's and the CSV's numbers).
func buildRows(org seatkeeper.Organization, plan string, seats []seatkeeper.Seat, now time.Time, prices report.Prices) []seatRow {
	rep := report.Build(org, plan, seats, now, report.Options{Prices: prices})
	rows := make([]seatRow, len(rep.Seats))
	editors := map[string]string{}
	for i := range rep.Seats {
		row, s := &rep.Seats[i], seats[i]
		r := seatRow{Row: row, GrantKey: report.GrantDirect, GrantLabel: report.GrantDirect}
		switch {
		case s.Team != nil:
			r.GrantKey, r.GrantLabel = report.GrantTeam+":"+s.Team.Slug, s.Team.Name
		case s.EnterpriseTeam != nil:
			r.GrantKey, r.GrantLabel = report.GrantEnterpriseTeam+":"+s.EnterpriseTeam.Slug, s.EnterpriseTeam.Name
		}
		// Editors are few: each is made readable once.
		ed, ok := editors[r.LastActivityEditor]
		if !ok {
			ed = editorName(r.LastActivityEditor)
			editors[r.LastActivityEditor] = ed
		}
		r.Name, r.Editor = s.User.Name, ed
		r.key, r.grantKey = strings.ToLower(r.Login), strings.ToLower(r.GrantLabel)
		rows[i] = r
	}
	return rows
}

// grantOption is one choice of the grant filter.
type grantOption struct {
	Key, Label string
}

// grantOptions lists the ways seats are held in rows: direct, then each
// team and enterprise team by name.
func grantOptions(rows []seatRow) []grantOption {
	seen := map[string]string{}
	for _, r := range rows {
		if r.GrantKey != report.GrantDirect {
			label := "team " + r.GrantLabel
			if r.GrantType == report.GrantEnterpriseTeam {
				label = "enterprise team " + r.GrantLabel
			}
			seen[r.GrantKey] = label
		}
	}
	out := []grantOption{{report.GrantDirect, "direct"}}
	var teams []grantOption
	for k, l := range seen {
		teams = append(teams, grantOption{k, l})
	}
	slices.SortFunc(teams, func(a, b grantOption) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)), strings.Compare(a.Key, b.Key))
	})
	return append(out, teams...)
}

// Sortable columns, in table order, and the default sort.
var sortColumns = []string{"login", "grant", "created", "activity", "idle", "editor", "pending"}

const (
	defaultSort    = "idle"
	defaultPerPage = 50
)

var perPageChoices = []int{25, 50, 100, 200}

// view is the seats table's state, all of it in the query string: the
// filter, the search, the sort and the page.
type view struct {
	Q       string // login or name contains, without case
	IdleMin int    // days idle at least (0: no filter)
	Never   bool   // never active
	Pending bool   // pending cancellation
	Grant   string // a grantOption key, or "" for any
	Sort    string // one of sortColumns
	Desc    bool
	Page    int // from 1
	PerPage int
}

// parseView reads a view from a query string, ignoring what does not
// parse.
func parseView(q url.Values) view {
	v := view{
		Q:       strings.TrimSpace(q.Get("q")),
		Never:   q.Get("never") == "1",
		Pending: q.Get("pending") == "1",
		Grant:   q.Get("grant"),
		Sort:    q.Get("sort"),
		Desc:    q.Get("dir") == "desc",
		PerPage: defaultPerPage,
		Page:    1,
	}
	if n, err := strconv.Atoi(q.Get("idle")); err == nil && n > 0 {
		v.IdleMin = min(n, 100000)
	}
	if !slices.Contains(sortColumns, v.Sort) {
		v.Sort, v.Desc = defaultSort, true
		if d := q.Get("dir"); d == "asc" {
			v.Desc = false
		}
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && slices.Contains(perPageChoices, n) {
		v.PerPage = n
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		v.Page = n
	}
	return v
}

// values is the query string of v, leaving out defaults.
func (v view) values() url.Values {
	q := url.Values{}
	if v.Q != "" {
		q.Set("q", v.Q)
	}
	if v.IdleMin > 0 {
		q.Set("idle", strconv.Itoa(v.IdleMin))
	}
	if v.Never {
		q.Set("never", "1")
	}
	if v.Pending {
		q.Set("pending", "1")
	}
	if v.Grant != "" {
		q.Set("grant", v.Grant)
	}
	if v.Sort != defaultSort || !v.Desc {
		q.Set("sort", v.Sort)
		q.Set("dir", map[bool]string{true: "desc", false: "asc"}[v.Desc])
	}
	if v.PerPage != defaultPerPage {
		q.Set("per_page", strconv.Itoa(v.PerPage))
	}
	if v.Page > 1 {
		q.Set("page", strconv.Itoa(v.Page))
	}
	return q
}

// Query is v's query string with a leading "?", or "".
func (v view) Query() string {
	if s := v.values().Encode(); s != "" {
		return "?" + s
	}
	return ""
}

// Filtered reports whether any filter or search is on.
func (v view) Filtered() bool {
	return v.Q != "" || v.IdleMin > 0 || v.Never || v.Pending || v.Grant != ""
}

// keep reports whether a row passes the filter and the search, q being
// the search in lower case.
func (v view) keep(r *seatRow, q string) bool {
	switch {
	case v.IdleMin > 0 && r.DaysIdle < v.IdleMin,
		v.Never && !r.Never(),
		v.Pending && r.PendingCancellationDate == nil,
		v.Grant != "" && r.GrantKey != v.Grant,
		q != "" && !strings.Contains(r.key, q) && !strings.Contains(strings.ToLower(r.Name), q):
		return false
	}
	return true
}

// apply filters rows and sorts them. The result shares nothing with rows
// but the strings; sorting goes through an index, rows being large.
func (v view) apply(rows []seatRow) []seatRow {
	idx := make([]int32, 0, len(rows))
	q := strings.ToLower(v.Q)
	for i := range rows {
		if v.keep(&rows[i], q) {
			idx = append(idx, int32(i))
		}
	}
	by := compareBy(v.Sort)
	// Logins are unique in an org, so the order is total: no need for a
	// stable sort.
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := &rows[i], &rows[j]
		c := by(a, b)
		if v.Desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(a.key, b.key))
	})
	out := make([]seatRow, len(idx))
	for k, i := range idx {
		out[k] = rows[i]
	}
	return out
}

// compareBy orders rows by a column, ascending. Missing values (never
// active, no editor, not pending) come first.
func compareBy(col string) func(a, b *seatRow) int {
	switch col {
	case "login":
		return func(a, b *seatRow) int { return strings.Compare(a.key, b.key) }
	case "grant":
		return func(a, b *seatRow) int {
			return cmp.Or(strings.Compare(a.grantKey, b.grantKey), strings.Compare(a.GrantKey, b.GrantKey))
		}
	case "created":
		return func(a, b *seatRow) int { return a.CreatedAt.Compare(b.CreatedAt) }
	case "activity":
		return func(a, b *seatRow) int { return cmp.Compare(unixOr0(a.LastActivityAt), unixOr0(b.LastActivityAt)) }
	case "editor":
		return func(a, b *seatRow) int { return strings.Compare(a.LastActivityEditor, b.LastActivityEditor) }
	case "pending":
		return func(a, b *seatRow) int { return strings.Compare(a.Pending(), b.Pending()) }
	}
	return func(a, b *seatRow) int { return cmp.Compare(a.DaysIdle, b.DaysIdle) }
}

func unixOr0(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

// page is one page of a filtered list.
type page struct {
	Rows        []seatRow
	Number      int  // from 1, clamped to the last page
	Last        int  // the number of pages (at least 1)
	First, Stop int  // 1-based index of the first row shown, and of the last
	Total       int  // rows after filtering
	Pending     bool // some row shown is pending cancellation
}

// paginate cuts the view's page out of rows.
func (v view) paginate(rows []seatRow) page {
	p := page{Total: len(rows), Last: max(1, (len(rows)+v.PerPage-1)/v.PerPage)}
	p.Number = min(v.Page, p.Last)
	lo := (p.Number - 1) * v.PerPage
	hi := min(lo+v.PerPage, len(rows))
	p.Rows = rows[lo:hi]
	if hi > lo {
		p.First, p.Stop = lo+1, hi
	}
	return p
}

// idleBounds are the lower bounds of the idle chart's buckets, in whole
// days idle: each bucket holds exactly what the filter "idle at least
// lower bound" finds minus what the next bucket's bound finds, never
// active seats counting days since they were granted, as in the filter
// and the report.
var idleBounds = [4]int{0, 7, 30, idleLong}

// idleLong is the days idle from which a seat is called idle long: the
// last bucket, the orange colour and the card.
const idleLong = 90

var idleBucketLabels = [4]string{"0–6", "7–29", "30–89", "90 or more"}

// idleBuckets counts seats by idleBounds.
func idleBuckets(rows []seatRow) [4]int {
	var b [4]int
	for i := range rows {
		k := len(idleBounds) - 1
		for rows[i].DaysIdle < idleBounds[k] {
			k--
		}
		b[k]++
	}
	return b
}
