package dashboard

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// historyCycles is how many billing cycles the billed-seats chart shows.
const historyCycles = 12

// orgHandler serves a page about one org the signed-in principal may read.
type orgHandler func(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error

// org finds the org a page names and refuses principals that may not
// read its seats.
func (d *Dashboard) org(h orgHandler) func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
		org, err := d.store.OrgByLogin(r.Context(), r.PathValue("org"))
		if seatkeeper.IsNotFound(err) {
			return notFound("There is no organization named " + r.PathValue("org") + ".")
		}
		if err != nil {
			return err
		}
		a, err := d.orgAccess(r.Context(), rc.p, org)
		if err != nil {
			return err
		}
		if !a.Read {
			return forbidden(fmt.Sprintf("You cannot see %s's Copilot seats: only its owners can, with a token that may read them (and site administrators).", org.Login))
		}
		return h(w, r, rc, org, a)
	}
}

// setFlash leaves a message for the session's next page. A message that
// cannot be kept is logged: the action it tells of is done.
func (d *Dashboard) setFlash(rc *reqCtx, f flash) {
	if err := d.sessions.setFlash(rc.ctx, rc.sess.id, f); err != nil {
		d.log.Error("flash message", slog.Any("error", err))
	}
}

// takeFlash returns and clears the session's message (nil when it cannot
// be read: the page is still shown).
func (d *Dashboard) takeFlash(rc *reqCtx) *flash {
	f, err := d.sessions.takeFlash(rc.ctx, rc.sess.id)
	if err != nil {
		d.log.Error("flash message", slog.Any("error", err))
	}
	return f
}

// signedInLayout is the layout of a signed-in page, taking the session's
// flash message.
func (d *Dashboard) signedInLayout(rc *reqCtx, title string, page any, crumbs ...crumb) layout {
	return layout{Title: title, Who: who(rc.p), CSRF: rc.sess.csrf, Flash: d.takeFlash(rc), Crumbs: crumbs, Page: page}
}

// orgSummary is one org on the orgs page.
type orgSummary struct {
	Login       string
	Name        string
	Enabled     bool
	Plan        string
	Seats       int
	Active      int
	MonthlyCost float64
	Pending     int
}

type orgsPage struct {
	Orgs        []orgSummary
	Enterprises []enterpriseSummary // whose seats the principal may see (enterprise.go)
	SiteAdmin   bool
	Total       orgSummary // of the orgs on this page
	Page        page       // which orgs are on this page (its Rows unused)
	Pages       []pageLink
}

// orgsPerPage is how many orgs the orgs page shows at once: each costs a
// count of its seats.
const orgsPerPage = 25

// handleOrgs serves GET /ui/: the orgs the principal may read, by login,
// a page at a time (?page=N).
func (d *Dashboard) handleOrgs(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	orgs, err := d.visibleOrgs(r.Context(), rc.p)
	if err != nil {
		return err
	}
	page := orgsPage{SiteAdmin: auth.CheckSiteAdmin(rc.p) == nil}
	if page.Enterprises, err = d.visibleEnterprises(r.Context(), rc.p); err != nil {
		return err
	}
	v := view{PerPage: orgsPerPage, Page: 1}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		v.Page = n
	}
	page.Page = v.pageOf(len(orgs))
	page.Pages = pageLinks(page.Page, func(n int) string {
		if n == 1 {
			return Prefix + "/"
		}
		return Prefix + "/?page=" + strconv.Itoa(n)
	})
	if page.Page.Total > 0 {
		orgs = orgs[page.Page.First-1 : page.Page.Stop]
	}
	for _, org := range orgs {
		s := orgSummary{Login: org.Login, Name: org.Name}
		bill, err := d.copilot.Billing(r.Context(), org)
		switch {
		case seatkeeper.KindOf(err) == seatkeeper.KindInvalid:
			// Copilot is not enabled.
		case err != nil:
			return err
		default:
			b := bill.Seats
			s.Enabled, s.Plan, s.Seats, s.Active, s.Pending = true, bill.Subscription.PlanType, b.Total, b.ActiveThisCycle, b.PendingCancellation
			s.MonthlyCost = float64(b.Total) * d.cfg.Prices.Of(bill.Subscription.PlanType)
			page.Total.Seats += s.Seats
			page.Total.Active += s.Active
			page.Total.Pending += s.Pending
			page.Total.MonthlyCost += s.MonthlyCost
		}
		page.Orgs = append(page.Orgs, s)
	}
	d.render(w, r, http.StatusOK, "orgs", d.signedInLayout(rc, "Organizations", page))
	return nil
}

// orgData is everything the org page shows, read at one moment: the
// breakdown, the sums of the seats (the view's filter among them), the
// view's page of rows and the billed seats per cycle.
type orgData struct {
	Billing copilot.Billing
	At      time.Time
	Sums    seatSums
	Rows    []seatRow // the view's page
	Page    page
	Cycles  []cycleCount
}

// loadOrg reads what the org page shows of org in view v, in one
// snapshot: counts and sums from the org's kept totals and index ranges,
// and only the page of seats shown.
func (d *Dashboard) loadOrg(ctx context.Context, org seatkeeper.Organization, v view) (orgData, error) {
	var data orgData
	err := d.store.Snapshot(ctx, func(tx *store.Tx) error {
		var err error
		data, err = d.loadOrgFrom(ctx, tx, org, v)
		return err
	})
	return data, err
}

func (d *Dashboard) loadOrgFrom(ctx context.Context, r reader, org seatkeeper.Organization, v view) (orgData, error) {
	var data orgData
	now := d.clock.Now()
	bill, err := copilot.BillingAt(ctx, r, org, now)
	if err != nil {
		return data, err
	}
	data.Billing, data.At = bill, now
	cycles := billingCycles(bill.Subscription.BillingCycleDay, now, historyCycles)
	spans := make([]store.SeatSpan, len(cycles))
	for i, c := range cycles {
		spans[i] = store.SeatSpan{From: c.Start, Until: c.End}
	}
	if data.Sums, err = d.sumSeats(ctx, r, org, now, v, spans); err != nil {
		return data, err
	}
	data.Page = v.pageOf(data.Sums.Matching)
	if data.Page.Total > 0 {
		ls, err := r.ListSeats(ctx, data.Sums.Filter, v.order(), data.Page.First-1, v.PerPage)
		if err != nil {
			return data, err
		}
		if data.Rows, err = d.seatRows(ctx, r, org, bill.Subscription, now, ls); err != nil {
			return data, err
		}
	}
	data.Cycles, err = billedCycles(ctx, r, org, bill.Subscription, now, cycles, data.Sums.Cycles)
	return data, err
}

// orgPage is the body of the org page.
type orgPage struct {
	Org         seatkeeper.Organization
	Access      access
	Enabled     bool
	NotEnabled  string
	Sub         seatkeeper.Subscription
	Breakdown   copilot.SeatBreakdown
	Price       float64
	Cost        float64 // of every seat
	CycleStart  time.Time
	CycleEnd    time.Time // the start of the next cycle: when seats cancelled now end
	IdleChart   barChart
	CycleChart  barChart
	View        view
	Page        page
	Pages       []pageLink
	PrevHref    string
	NextHref    string
	Grants      []grantOption
	FilterCost  float64 // of the filtered seats
	Idle90      int     // seats idle idleLong days or more (as the filter idle=90 finds)
	Idle90Cost  float64 // their monthly price
	PendingCost float64 // the monthly price of the seats pending cancellation
	NeverActive int
	PerPage     []int
	Columns     []column
	CSV         string // the download link for the filtered list
	Back        string // this page's address, for the forms to return to
}

// column is a header of the seats table.
type column struct {
	Key, Label string
	Href       string // sorts by this column (toggling the direction when it already does)
	Sort       string // aria-sort: ascending, descending or none
}

// pageLink is one link of the pagination.
type pageLink struct {
	Number  int
	Href    string
	Current bool
	Gap     bool // an ellipsis instead of a link
}

var columnLabels = map[string]string{
	"login": "Login", "grant": "Grant", "created": "Created", "activity": "Last activity",
	"idle": "Days idle", "editor": "Editor", "pending": "Pending cancellation",
}

// handleOrg serves GET /ui/orgs/{org}.
func (d *Dashboard) handleOrg(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	v := parseView(r.URL.Query())
	base := Prefix + "/orgs/" + url.PathEscape(org.Login)
	pg := orgPage{Org: org, Access: a, View: v, PerPage: perPageChoices}
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {org.Login, ""}}
	data, err := d.loadOrg(r.Context(), org, v)
	if seatkeeper.KindOf(err) == seatkeeper.KindInvalid {
		pg.NotEnabled = err.Error()
		d.render(w, r, http.StatusOK, "org", d.signedInLayout(rc, org.Login, pg, crumbs...))
		return nil
	}
	if err != nil {
		return err
	}
	sub, sums := data.Billing.Subscription, data.Sums
	pg.Enabled, pg.Sub, pg.Breakdown = true, sub, data.Billing.Seats
	pg.Price = d.cfg.Prices.Of(sub.PlanType)
	pg.Cost = float64(pg.Breakdown.Total) * pg.Price
	pg.CycleStart = seatkeeper.CycleStart(sub.BillingCycleDay, data.At)
	pg.CycleEnd = seatkeeper.NextCycleStart(sub.BillingCycleDay, data.At).Time
	pg.IdleChart = idleChart(sums.Buckets)
	// Every seat of an org costs its plan's price.
	pg.Idle90 = sums.Buckets[len(sums.Buckets)-1]
	pg.Idle90Cost = float64(pg.Idle90) * pg.Price
	pg.PendingCost = float64(sums.Pending) * pg.Price
	pg.NeverActive = sums.Never
	pg.CycleChart = cycleChart(data.Cycles)
	pg.Grants = sums.Grants
	pg.FilterCost = float64(sums.Matching) * pg.Price
	pg.Page = data.Page
	pg.Page.Rows = data.Rows
	for _, row := range pg.Page.Rows {
		pg.Page.Pending = pg.Page.Pending || row.PendingCancellationDate != nil
	}
	pg.View.Page = pg.Page.Number
	pg.Pages = pageLinks(pg.Page, func(n int) string {
		at := pg.View
		at.Page = n
		return base + at.Query()
	})
	if n := pg.Page.Number; n > 1 {
		prev := pg.View
		prev.Page = n - 1
		pg.PrevHref = base + prev.Query()
	}
	if n := pg.Page.Number; n < pg.Page.Last {
		next := pg.View
		next.Page = n + 1
		pg.NextHref = base + next.Query()
	}
	pg.Columns = columns(base, v)
	csv := v
	csv.Page, csv.PerPage = 1, defaultPerPage
	pg.CSV = base + "/seats.csv" + csv.Query()
	pg.Back = base + pg.View.Query()
	d.render(w, r, http.StatusOK, "org", d.signedInLayout(rc, org.Login, pg, crumbs...))
	return nil
}

// columns are the table's headers, each a link that sorts by it.
func columns(base string, v view) []column {
	out := make([]column, len(sortColumns))
	for i, key := range sortColumns {
		c := column{Key: key, Label: columnLabels[key], Sort: "none"}
		next := v
		next.Page = 1
		if v.Sort == key {
			c.Sort = map[bool]string{true: "descending", false: "ascending"}[v.Desc]
			next.Desc = !v.Desc
		} else {
			next.Sort = key
			// Numbers and dates read best largest or latest first.
			next.Desc = key == "idle" || key == "created" || key == "activity"
		}
		c.Href = base + next.Query()
		out[i] = c
	}
	return out
}

// pageLinks lists the pages around the current one, the first and the
// last, with gaps; href is the address of page n.
func pageLinks(p page, href func(n int) string) []pageLink {
	if p.Last <= 1 {
		return nil
	}
	var out []pageLink
	gap := false
	for n := 1; n <= p.Last; n++ {
		if n != 1 && n != p.Last && (n < p.Number-2 || n > p.Number+2) {
			if !gap {
				out = append(out, pageLink{Gap: true})
				gap = true
			}
			continue
		}
		gap = false
		out = append(out, pageLink{Number: n, Href: href(n), Current: n == p.Number})
	}
	return out
}

// idleChart is the chart of seats by days idle, in the buckets the
// filter's boundaries make (idleBuckets).
func idleChart(b [len(idleBounds)]int) barChart {
	labels := make([]string, len(b))
	longs := make([]string, len(b))
	values := make([]int, len(b))
	subs := make([]string, len(b))
	for i := range b {
		labels[i] = idleBucketLabels[i]
		longs[i] = idleBucketLabels[i] + " days idle"
		subs[i] = "days"
		values[i] = b[i]
	}
	c := newBarChart("idle", "Seats by days idle",
		"Bar chart of the org's seats by whole days since their last Copilot activity (since they were granted, for seats never used): 0 to 6, 7 to 29, 30 to 89, and 90 or more, the last in orange.",
		labels, subs, longs, values, func(i int) bool { return i == len(b)-1 })
	c.LabelHeader, c.ValueHeader = "Days idle", "Seats"
	return c
}

// cycleChart is the chart of billed seats per billing cycle.
func cycleChart(cycles []cycleCount) barChart {
	labels := make([]string, len(cycles))
	subs := make([]string, len(cycles))
	longs := make([]string, len(cycles))
	values := make([]int, len(cycles))
	for i, c := range cycles {
		labels[i] = c.Start.Format("Jan")
		if i == 0 || c.Start.Month() == time.January {
			subs[i] = c.Start.Format("2006") // the year, where it changes
		}
		longs[i] = c.Start.Format("2006-01-02") + " to " + c.End.AddDate(0, 0, -1).Format("2006-01-02")
		if c.Current {
			longs[i] += " (current cycle)"
		}
		values[i] = c.Seats
	}
	ch := newBarChart("cycles", "Billed seats per billing cycle",
		fmt.Sprintf("Bar chart of the seats billed in each of the last %d billing cycles, oldest first; the last bar is the current cycle.", len(cycles)),
		labels, subs, longs, values, func(i int) bool { return cycles[i].Current })
	ch.LabelHeader, ch.ValueHeader = "Billing cycle", "Billed seats"
	return ch
}

// handleCSV serves GET /ui/orgs/{org}/seats.csv: the filtered, sorted
// list (every page), in the report's CSV, streamed from the ledger a
// batch of rows at a time.
func (d *Dashboard) handleCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	ctx := r.Context()
	v := parseView(r.URL.Query())
	sub, err := d.store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		return seatkeeper.Errorf(seatkeeper.KindInvalid, "%s", copilot.MsgNotEnabled)
	}
	if err != nil {
		return err
	}
	now := d.clock.Now()
	var grants []grantOption
	if v.Grant != "" {
		if grants, err = d.grantOptions(ctx, org, now); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-seats-%s.csv"`, seatkeeper.Slugify(org.Login), now.UTC().Format("2006-01-02")))
	out := report.NewCSV(w)
	// The rows are made a batch at a time (a batch's teams read once);
	// the first batch is small, so that the download starts at once.
	batch := 100
	var pending []store.LedgerSeat
	flush := func() error {
		// The report's rows alone: the page's extras (names, readable
		// editors, sort keys) are not written.
		seats, err := copilot.WholeSeats(ctx, d.store, org, sub, pending)
		if err != nil {
			return err
		}
		for _, row := range report.Build(org, sub.PlanType, seats, now, report.Options{Prices: d.cfg.Prices}).Seats {
			out.Write(row)
		}
		pending = pending[:0]
		return nil
	}
	// One snapshot: the list is read a day idle (or a query) at a time.
	err = d.store.Snapshot(ctx, func(tx *store.Tx) error {
		return tx.EachSeat(ctx, v.seatFilter(org, now, grants), v.order(), func(s store.LedgerSeat) error {
			if pending = append(pending, s); len(pending) == batch {
				batch = 2000
				return flush()
			}
			return nil
		})
	})
	if err == nil && len(pending) > 0 {
		err = flush()
	}
	if err != nil {
		return err
	}
	return out.Flush()
}
