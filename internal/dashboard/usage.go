package dashboard

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// usageIdleDays is how long a seat's holder must have had no usage event
// for the usage page to call the seat idle.
const usageIdleDays = 30

// usageIdleShown bounds the holders of seats idle by usage that the page
// lists.
const usageIdleShown = 200

// usageTop is how many features, IDEs and languages the page ranks.
const usageTop = 10

// usagePage is the body of the usage page.
type usagePage struct {
	Org        seatkeeper.Organization
	NotEnabled string
	usageFigures
	SeatsHref string
	// Enterprise: the enterprise's page, which links its Orgs' pages in
	// place of the seats idle by usage.
	Enterprise bool
	Orgs       []string
	Price      float64
	Seats      int      // listed seats
	Idle       []string // holders of the seats idle usageIdleDays days by usage, by login: the first usageIdleShown
	IdleCount  int      // how many seats are idle by usage
	IdleCost   float64  // their monthly price
	IdleSince  time.Time
}

// usageFigures are what the org's and the enterprise's usage pages show
// of a window's days (the "usage-figures" template).
type usageFigures struct {
	Name      string // the org's login or the enterprise's name
	From, To  string // the window: the latest 28 complete days
	Days      []usage.Day
	Chart     barChart
	Latest    usage.Day   // the window's last day
	AvgDaily  string      // daily active users, averaged over the window
	Generated int         // code generations in the window
	Accepted  int         // code acceptances in the window
	Rate      string      // Accepted / Generated, or "–"
	Tops      []countList // features, IDEs and languages
}

// newUsageFigures sums days, the window from to to, for name's page.
func newUsageFigures(name, from, to string, days []usage.Day) usageFigures {
	f := usageFigures{Name: name, From: from, To: to, Days: days}
	var daily int
	features := make([]map[string]int64, len(days))
	ides := make([]map[string]int64, len(days))
	langs := make([]map[string]int64, len(days))
	for i, day := range days {
		daily += day.Daily
		f.Generated += int(day.Generations)
		f.Accepted += int(day.Acceptances)
		features[i], ides[i], langs[i] = day.Features, day.IDEs, day.Languages
	}
	if n := len(days); n > 0 {
		f.Latest = days[n-1]
		f.AvgDaily = strconv.FormatFloat(float64(daily)/float64(n), 'f', 1, 64)
	}
	f.Rate = "–"
	if f.Generated > 0 {
		f.Rate = strconv.FormatFloat(float64(f.Accepted)*100/float64(f.Generated), 'f', 1, 64) + "%"
	}
	f.Tops = []countList{
		{"features", "Features", "Feature", usage.Top(usageTop, features...)},
		{"ides", "IDEs", "IDE", usage.Top(usageTop, ides...)},
		{"languages", "Languages", "Language", usage.Top(usageTop, langs...)},
	}
	f.Chart = dailyUsersChart(days)
	return f
}

// countList is a ranking of the usage page: its table's id, title,
// first column's header and rows.
type countList struct {
	ID, Title, Header string
	Counts            []usage.Count
}

// handleUsage serves GET /ui/orgs/{org}/usage: the org's Copilot usage
// over the latest 28 complete days by the service clock, computed by the
// usage reports' code (usage.Days), and the seats whose holder has no
// usage event in the last usageIdleDays days, with their cost.
func (d *Dashboard) handleUsage(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	ctx := r.Context()
	pg := usagePage{Org: org, usageFigures: usageFigures{Name: org.Login}, SeatsHref: Prefix + "/orgs/" + org.Login}
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {org.Login, Prefix + "/orgs/" + org.Login}, {"Usage", ""}}
	title := org.Login + " usage"
	sub, err := d.store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) {
		pg.NotEnabled = copilot.MsgNotEnabled
		d.render(w, r, http.StatusOK, "usage", d.signedInLayout(rc, title, pg, crumbs...))
		return nil
	}
	if err != nil {
		return err
	}
	now := d.clock.Now()
	from, to := usage.Window(now)
	days, err := usage.Days(ctx, d.store, store.UsageQuery{OrgIDs: []int64{org.ID}, From: from, To: to})
	if err != nil {
		return err
	}
	pg.usageFigures = newUsageFigures(org.Login, from, to, days)

	// Seats idle by usage: every listed seat (as the seats page lists
	// them) whose holder's latest usage event is older than the cutoff.
	pg.Price = d.cfg.Prices.Of(sub.PlanType)
	pg.IdleSince = now.AddDate(0, 0, -usageIdleDays)
	// Counted by index (each seat row carries its holder's latest usage
	// in the org); only the holders shown are read, the first
	// usageIdleShown by login.
	if pg.Seats, err = d.store.CountSeatList(ctx, store.SeatFilter{OrgID: org.ID, At: now}); err != nil {
		return err
	}
	idle := store.SeatFilter{OrgID: org.ID, At: now, UnusedSince: pg.IdleSince}
	if pg.IdleCount, err = d.store.CountSeatList(ctx, idle); err != nil {
		return err
	}
	shown, err := d.store.ListSeats(ctx, idle, store.SeatOrder{By: store.SeatsByLogin}, 0, usageIdleShown)
	if err != nil {
		return err
	}
	for _, s := range shown {
		pg.Idle = append(pg.Idle, s.User.Login)
	}
	// Every seat of an org costs its plan's price.
	pg.IdleCost = float64(pg.IdleCount) * pg.Price
	d.render(w, r, http.StatusOK, "usage", d.signedInLayout(rc, title, pg, crumbs...))
	return nil
}

// dailyUsersChart is the chart of daily active users, a bar a day.
func dailyUsersChart(days []usage.Day) barChart {
	labels := make([]string, len(days))
	subs := make([]string, len(days))
	longs := make([]string, len(days))
	values := make([]int, len(days))
	for i, day := range days {
		t, err := time.Parse(seatkeeper.DateLayout, day.Day)
		if err != nil {
			continue
		}
		labels[i] = strconv.Itoa(t.Day())
		if i == 0 || t.Day() == 1 {
			subs[i] = t.Format("Jan") // the month, where it changes
		}
		longs[i] = day.Day
		values[i] = day.Daily
	}
	ch := newBarChart("daily", "Daily active users",
		fmt.Sprintf("Bar chart of the users active on each of the %d days, oldest first.", len(days)),
		labels, subs, longs, values, nil)
	ch.LabelHeader, ch.ValueHeader = "Day", "Active users"
	return ch
}

// handleEnterpriseUsage serves GET /ui/enterprises/{enterprise}/usage, for
// those who may read the enterprise's usage-metrics reports: the usage of
// its organizations and of the seats it grants itself over the latest 28
// complete days, as the enterprise's reports count it (usage.Days over
// the roll-ups), with links to each organization's usage page.
func (d *Dashboard) handleEnterpriseUsage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	ent, err := d.readableEnterprise(ctx, rc, r.PathValue("enterprise"), auth.EnterpriseUsageMetricsRead, "Copilot usage")
	if err != nil {
		return err
	}
	orgs, err := d.store.EnterpriseOrgs(ctx, ent.ID)
	if err != nil {
		return err
	}
	q := store.UsageQuery{EnterpriseID: ent.ID}
	pg := usagePage{SeatsHref: Prefix + "/enterprises/" + ent.Slug, Enterprise: true}
	for _, o := range orgs {
		q.OrgIDs = append(q.OrgIDs, o.ID)
		pg.Orgs = append(pg.Orgs, o.Login)
	}
	slices.SortFunc(pg.Orgs, func(a, b string) int { return strings.Compare(seatkeeper.LoginKey(a), seatkeeper.LoginKey(b)) })
	q.From, q.To = usage.Window(d.clock.Now())
	days, err := usage.Days(ctx, d.store, q)
	if err != nil {
		return err
	}
	pg.usageFigures = newUsageFigures(ent.Name, q.From, q.To, days)
	d.render(w, r, http.StatusOK, "usage", d.signedInLayout(rc, ent.Name+" usage", pg,
		crumb{Label: "Organizations", Href: Prefix + "/"}, crumb{Label: ent.Name, Href: Prefix + "/enterprises/" + ent.Slug}, crumb{Label: "Usage"}))
	return nil
}
