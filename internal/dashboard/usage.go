package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/seatkeeper/seatkeeper"
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
	From, To   string // the window: the latest 28 complete days
	Days       []usage.Day
	Chart      barChart
	Latest     usage.Day   // the window's last day
	AvgDaily   string      // daily active users, averaged over the window
	Generated  int         // code generations in the window
	Accepted   int         // code acceptances in the window
	Rate       string      // Accepted / Generated, or "–"
	Tops       []countList // features, IDEs and languages
	Price      float64
	Seats      int      // listed seats
	Idle       []string // holders of the seats idle usageIdleDays days by usage, by login: the first usageIdleShown
	IdleCount  int      // how many seats are idle by usage
	IdleCost   float64  // their monthly price
	IdleSince  time.Time
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
	pg := usagePage{Org: org}
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
	pg.From, pg.To = usage.Window(now)
	if pg.Days, err = usage.Days(ctx, d.store, []int64{org.ID}, pg.From, pg.To); err != nil {
		return err
	}
	var daily int
	features := make([]map[string]int64, len(pg.Days))
	ides := make([]map[string]int64, len(pg.Days))
	langs := make([]map[string]int64, len(pg.Days))
	for i, day := range pg.Days {
		daily += day.Daily
		pg.Generated += int(day.Generations)
		pg.Accepted += int(day.Acceptances)
		features[i], ides[i], langs[i] = day.Features, day.IDEs, day.Languages
	}
	if n := len(pg.Days); n > 0 {
		pg.Latest = pg.Days[n-1]
		pg.AvgDaily = strconv.FormatFloat(float64(daily)/float64(n), 'f', 1, 64)
	}
	pg.Rate = "–"
	if pg.Generated > 0 {
		pg.Rate = strconv.FormatFloat(float64(pg.Accepted)*100/float64(pg.Generated), 'f', 1, 64) + "%"
	}
	pg.Tops = []countList{
		{"features", "Features", "Feature", usage.Top(usageTop, features...)},
		{"ides", "IDEs", "IDE", usage.Top(usageTop, ides...)},
		{"languages", "Languages", "Language", usage.Top(usageTop, langs...)},
	}
	pg.Chart = dailyUsersChart(pg.Days)

	// Seats idle by usage: every listed seat (as the seats page lists
	// them) whose holder's latest usage event is older than the cutoff.
	pg.Price = d.cfg.Prices.Of(sub.PlanType)
	pg.IdleSince = now.AddDate(0, 0, -usageIdleDays)
	// Counted by index and the usage roll-ups; only the holders shown are
	// read, the first usageIdleShown by login.
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
