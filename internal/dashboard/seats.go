package dashboard

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
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
	grant      store.SeatGrant
}

// Sortable columns, in table order, and the default sort.
var sortColumns = []string{store.SeatsByLogin, store.SeatsByGrant, store.SeatsByCreated, store.SeatsByActivity,
	store.SeatsByIdle, store.SeatsByEditor, store.SeatsByPending}

const (
	defaultSort    = store.SeatsByIdle
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

// page is one page of a filtered list.
type page struct {
	Rows        []seatRow
	Number      int  // from 1, clamped to the last page
	Last        int  // the number of pages (at least 1)
	First, Stop int  // 1-based index of the first row shown, and of the last
	Total       int  // rows after filtering
	Pending     bool // some row shown is pending cancellation
}

// pageOf places the view's page in a list of total rows (its Rows left
// to fill).
func (v view) pageOf(total int) page {
	p := page{Total: total, Last: max(1, (total+v.PerPage-1)/v.PerPage)}
	p.Number = min(v.Page, p.Last)
	lo := (p.Number - 1) * v.PerPage
	hi := min(lo+v.PerPage, total)
	if hi > lo {
		p.First, p.Stop = lo+1, hi
	}
	return p
}

// idleBounds are the lower bounds of the idle chart's buckets, in whole
// days idle: each bucket holds exactly what the filter "idle at least
// lower bound" finds minus what the next bucket's bound finds (both
// through idleCutoff), never active seats counting days since they were
// granted, as in the filter and the report.
var idleBounds = [4]int{0, 7, 30, idleLong}

// idleLong is the days idle from which a seat is called idle long: the
// last bucket, the orange colour and the card.
const idleLong = 90

var idleBucketLabels = [4]string{"0–6", "7–29", "30–89", "90 or more"}
