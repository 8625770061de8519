package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/report"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// A plan is what an action would do, found before asking to confirm: for
// each login named, whether it will happen and what, or why not. The
// confirmation page shows the plan and its button runs only what will
// happen; the plan's key, carried by the button, makes sure that what runs
// is what was shown (see act).

// check is the plan for one login or team.
type check struct {
	Login string
	Name  string // the user's name, or the team's
	Note  string // what will happen, or why not
	Cost  float64
	Keeps bool // assign: the seat is pending cancellation, and is kept
}

// plan is an action's checks, split.
type plan struct {
	Will []check
	Wont []check
	// People are, for a team's seats cancelled, the first maxShown
	// members holding a seat now, by login: who loses it, and who keeps
	// it through another grant (Keeps); Losing and Keeping count them all.
	People          []check
	Losing, Keeping int
	Cost            float64  // the monthly price of the seats in Will that the action ends or starts billing
	Fatal           string   // a refusal of the whole action (the org's Copilot setup)
	keys            []string // more of what the key covers: who of the members not listed loses a seat
}

// Logins are the logins (or team slugs) of what will happen.
func (p plan) Logins() []string {
	out := make([]string, len(p.Will))
	for i, c := range p.Will {
		out[i] = c.Login
	}
	return out
}

// key identifies what will happen: the confirmation's button carries it,
// and the action runs only if planning again gives the same key.
func (p plan) key(action string) string {
	keys := make([]string, len(p.Will))
	for i, c := range p.Will {
		keys[i] = seatkeeper.LoginKey(c.Login)
	}
	for _, c := range p.People {
		keys = append(keys, c.key())
	}
	keys = append(keys, p.keys...)
	slices.Sort(keys)
	return hashKey(action, keys...)
}

// key is what a plan's key covers of a member's seat: whether it is
// lost or kept, and how.
func (c check) key() string {
	k := "lose:"
	if c.Keeps {
		k = "keep:"
	}
	return k + seatkeeper.LoginKey(c.Login) + ":" + c.Note
}

// hashKey is a short hash of parts, in order.
func hashKey(first string, rest ...string) string {
	h := sha256.New()
	h.Write([]byte(first))
	for _, k := range rest {
		h.Write([]byte{0})
		h.Write([]byte(k))
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// planner answers for one org at one moment: its listed seats by login.
type planner struct {
	d     *Dashboard
	org   seatkeeper.Organization
	sub   seatkeeper.Subscription
	at    time.Time
	rows  map[string]*seatRow // the listed seats of the logins named, by seatkeeper.LoginKey
	price float64
	ends  string // when a seat cancelled now ends
}

func (d *Dashboard) newPlanner(org seatkeeper.Organization, sub seatkeeper.Subscription, at time.Time, rows []seatRow) *planner {
	pl := &planner{d: d, org: org, sub: sub, at: at, rows: make(map[string]*seatRow, len(rows)),
		price: d.cfg.Prices.Of(sub.PlanType),
		ends:  seatkeeper.NextCycleStart(sub.BillingCycleDay, at).String()}
	for i := range rows {
		pl.rows[seatkeeper.LoginKey(rows[i].Login)] = &rows[i]
	}
	return pl
}

// unlisted is what is known of a login without a listed seat: whether it
// names a member (or invitee) of the org, and that member's direct grant.
type unlisted struct {
	member  bool
	name    string
	grant   seatkeeper.Grant
	granted bool // a live direct grant
}

func (pl *planner) lookup(ctx context.Context, login string) (unlisted, error) {
	u, err := pl.d.store.UserByLogin(ctx, login)
	if err == nil {
		_, err = pl.d.store.Membership(ctx, pl.org.ID, u.ID)
	}
	if seatkeeper.IsNotFound(err) {
		return unlisted{}, nil
	}
	if err != nil {
		return unlisted{}, err
	}
	out := unlisted{member: true, name: u.Name}
	g, err := pl.d.store.UserGrant(ctx, pl.org.ID, u.ID)
	switch {
	case seatkeeper.IsNotFound(err):
	case err != nil:
		return unlisted{}, err
	default:
		out.grant, out.granted = g, !g.Lapsed(pl.at)
	}
	return out, nil
}

func (pl *planner) notMember(login string) check {
	return check{Login: login, Note: "not a member of " + pl.org.Login + " (check the spelling)"}
}

func (pl *planner) setup(p *plan) {
	if err := copilot.Manageable(pl.sub); err != nil {
		p.Fatal = err.Error()
	}
}

// cancel plans cancelling the direct seats of logins, as
// copilot.Service.CancelUsers would.
func (pl *planner) cancel(ctx context.Context, logins []string) (plan, error) {
	var p plan
	pl.setup(&p)
	for _, login := range logins {
		if r, ok := pl.rows[seatkeeper.LoginKey(login)]; ok {
			c := check{Login: r.Login, Name: r.Name}
			switch {
			case r.GrantType != report.GrantDirect:
				c.Note = "holds the seat through " + grantNoun(r) + ": it cannot be cancelled here; remove them from the team, or cancel the team's seat"
				p.Wont = append(p.Wont, c)
			case r.Pending() != "":
				c.Note = "already pending cancellation: the seat ends " + r.Pending()
				p.Wont = append(p.Wont, c)
			default:
				c.Note, c.Cost = "billed until "+pl.ends+", then the seat ends", r.MonthlyCost
				p.Will = append(p.Will, c)
			}
			continue
		}
		u, err := pl.lookup(ctx, login)
		switch {
		case err != nil:
			return p, err
		case !u.member:
			p.Wont = append(p.Wont, pl.notMember(login))
		case u.granted && u.grant.PendingCancellationDate == nil:
			p.Will = append(p.Will, check{Login: login, Name: u.name, Note: "invited, with a seat: billed until " + pl.ends + ", then the seat ends", Cost: pl.price})
		case u.granted:
			p.Wont = append(p.Wont, check{Login: login, Name: u.name, Note: "already pending cancellation: the seat ends " + u.grant.PendingCancellationDate.String()})
		default:
			p.Wont = append(p.Wont, check{Login: login, Name: u.name, Note: "holds no seat"})
		}
	}
	p.total()
	return p, nil
}

// filterPlan is the cancellation of every listed seat a filter keeps,
// planned from counts and the first seats of each kind: the list is never
// read whole until it runs.
type filterPlan struct {
	plan           // the first seats of each kind, and the cost of all
	matching   int // seats the filter keeps
	will, wont int // of them, cancelled and not
	key        string
	cancelled  store.SeatFilter
	st         *store.Store
}

// logins are the holders of every seat that will be cancelled.
func (fp *filterPlan) logins(ctx context.Context) ([]string, error) {
	return fp.st.SeatLogins(ctx, fp.cancelled)
}

// cancelFilter plans cancelling every listed seat f keeps, as cancel
// plans the seats named one by one: direct seats not yet pending are
// cancelled; those already pending, and those a team carries, are not.
// The counts and the key come from the index, the seats shown (the first
// maxShown of each kind, in ord) from one page of the list each.
func (pl *planner) cancelFilter(ctx context.Context, f store.SeatFilter, ord store.SeatOrder) (*filterPlan, error) {
	st := pl.d.store
	fp := &filterPlan{st: st}
	f, err := st.NarrowSearch(ctx, f) // once, for every count and list below
	if err != nil {
		return nil, err
	}
	// Direct seats not pending are cancelled; the others are not.
	var sum int64
	if fp.will, sum, fp.wont, err = st.SeatListSplit(ctx, f); err != nil {
		return nil, err
	}
	if fp.matching = fp.will + fp.wont; fp.matching == 0 {
		return fp, nil
	}
	direct := store.SeatGrant{}
	will, pending, teams := f, f, f // the first seats of each kind, shown
	will.Grant, will.NotPending = &direct, true
	pending.Grant, pending.Pending = &direct, true
	teams.ByTeams = true
	fp.cancelled = will
	var seats []store.LedgerSeat
	for _, kf := range []store.SeatFilter{will, pending, teams} {
		if kf.Grant != nil && f.Grant != nil && *kf.Grant != *f.Grant {
			continue // another grant than the filter's: none
		}
		ls, err := st.ListSeats(ctx, kf, ord, 0, maxShown)
		if err != nil {
			return nil, err
		}
		seats = append(seats, ls...)
	}
	rows, err := pl.d.seatRows(ctx, st, pl.org, pl.sub, pl.at, seats)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		pl.rows[seatkeeper.LoginKey(rows[i].Login)] = &rows[i]
	}
	logins := make([]string, len(rows))
	for i, r := range rows {
		logins[i] = r.Login
	}
	if fp.plan, err = pl.cancel(ctx, logins); err != nil {
		return nil, err
	}
	fp.Cost = float64(fp.will) * pl.price
	fp.key = hashKey("cancel-filter", fp.plan.key("cancel"), fmt.Sprint(fp.will, sum, fp.wont))
	return fp, nil
}

// assign plans giving logins direct seats, as copilot.Service.AddUsers
// would: new seats, seats kept (a pending cancellation withdrawn), and
// direct grants beside a team's.
func (pl *planner) assign(ctx context.Context, logins []string) (plan, error) {
	var p plan
	pl.setup(&p)
	for _, login := range logins {
		if r, ok := pl.rows[seatkeeper.LoginKey(login)]; ok {
			c := check{Login: r.Login, Name: r.Name}
			switch {
			case r.GrantType == report.GrantDirect && r.Pending() == "":
				c.Note = "already holds a seat"
				p.Wont = append(p.Wont, c)
			case r.Pending() != "":
				c.Note, c.Cost, c.Keeps = "keeps the seat: the cancellation on "+r.Pending()+" is withdrawn", r.MonthlyCost, true
				p.Will = append(p.Will, c)
			default:
				c.Note = "gets a direct seat beside the one through " + grantNoun(r) + ": no extra cost"
				p.Will = append(p.Will, c)
			}
			continue
		}
		u, err := pl.lookup(ctx, login)
		switch {
		case err != nil:
			return p, err
		case !u.member:
			p.Wont = append(p.Wont, pl.notMember(login))
		case u.granted && u.grant.PendingCancellationDate == nil:
			p.Wont = append(p.Wont, check{Login: login, Name: u.name, Note: "already holds a seat (invitation pending)"})
		case u.granted:
			p.Will = append(p.Will, check{Login: login, Name: u.name, Cost: pl.price, Keeps: true,
				Note: "keeps the seat: the cancellation on " + u.grant.PendingCancellationDate.String() + " is withdrawn"})
		default:
			p.Will = append(p.Will, check{Login: login, Name: u.name, Note: "gets a seat, billed from this cycle", Cost: pl.price})
		}
	}
	p.total()
	return p, nil
}

// team finds the org's team called name as the Copilot service does
// (store.TeamByNameOrSlug: a name before a slug, without case); a name
// that calls no team is listed in p.Wont and ok is false.
func (pl *planner) team(ctx context.Context, name string, p *plan) (t seatkeeper.Team, ok bool, err error) {
	t, err = pl.d.store.TeamByNameOrSlug(ctx, pl.org.ID, name)
	switch {
	case seatkeeper.IsNotFound(err):
		p.Wont = append(p.Wont, check{Login: name, Note: "no such team in " + pl.org.Login})
		return t, false, nil
	case err != nil:
		return t, false, err
	}
	return t, true, nil
}

// teams plans granting seats to teams, as copilot.Service.AddTeams would:
// a team already granted, or without members, is left out.
func (pl *planner) teams(ctx context.Context, slugs []string) (plan, error) {
	var p plan
	pl.setup(&p)
	for _, slug := range slugs {
		t, ok, err := pl.team(ctx, slug, &p)
		if err != nil {
			return p, err
		}
		if !ok {
			continue
		}
		c := check{Login: t.Slug, Name: t.Name}
		g, err := pl.d.store.TeamGrant(ctx, pl.org.ID, t.ID)
		switch {
		case err != nil && !seatkeeper.IsNotFound(err):
			return p, err
		case err == nil && !g.Lapsed(pl.at) && g.PendingCancellationDate == nil:
			c.Note = "the team already has seats"
			p.Wont = append(p.Wont, c)
			continue
		}
		members, err := pl.d.store.TeamSubtreeUserIDs(ctx, t.ID)
		if err != nil {
			return p, err
		}
		if len(members) == 0 {
			c.Note = "the team has no members"
			p.Wont = append(p.Wont, c)
			continue
		}
		seated, err := pl.d.store.SeatedUserIDs(ctx, pl.org.ID, pl.at, members)
		if err != nil {
			return p, err
		}
		fresh := 0
		for _, id := range members {
			if !seated[id] {
				fresh++
			}
		}
		c.Cost = float64(fresh) * pl.price
		c.Note = thousands(len(members)) + " " + plural(len(members), "member", "members") + ", " +
			thousands(fresh) + " of them without a seat now"
		p.Will = append(p.Will, c)
	}
	p.total()
	return p, nil
}

// cancelTeams plans cancelling teams' seats, as
// copilot.Service.CancelTeams would: a team whose seats are already
// pending cancellation, or that has none, is left out. For each member
// holding a seat, whether the seat ends with the team's or stays, held
// through another grant (their own, another team's): counted
// (teamSeats), the first maxShown by login listed.
func (pl *planner) cancelTeams(ctx context.Context, slugs []string) (plan, error) {
	var p plan
	pl.setup(&p)
	seen := map[int64]bool{} // members already counted, through an earlier team
	for _, slug := range slugs {
		t, ok, err := pl.team(ctx, slug, &p)
		if err != nil {
			return p, err
		}
		if !ok {
			continue
		}
		c := check{Login: t.Slug, Name: t.Name}
		g, err := pl.d.store.TeamGrant(ctx, pl.org.ID, t.ID)
		switch {
		case seatkeeper.IsNotFound(err) || (err == nil && g.Lapsed(pl.at)):
			c.Note = "the team has no seats"
			p.Wont = append(p.Wont, c)
			continue
		case err != nil:
			return p, err
		case g.PendingCancellationDate != nil:
			c.Note = "already pending cancellation: the team's seats end " + g.PendingCancellationDate.String()
			p.Wont = append(p.Wont, c)
			continue
		}
		members, err := pl.d.store.TeamSubtreeUserIDs(ctx, t.ID)
		if err != nil {
			return p, err
		}
		members = slices.DeleteFunc(members, func(id int64) bool { return seen[id] })
		for _, id := range members {
			seen[id] = true
		}
		ts, err := pl.teamSeats(ctx, t, g, members)
		if err != nil {
			return p, err
		}
		p.Losing, p.Keeping = p.Losing+ts.lose, p.Keeping+ts.keep
		p.People = append(p.People, ts.shown...)
		p.keys = append(p.keys, ts.key)
		c.Cost = float64(ts.lose) * pl.price
		c.Note = thousands(ts.lose) + " " + plural(ts.lose, "member loses a seat", "members lose their seats") + " on " + pl.ends +
			", " + thousands(ts.keep) + " " + plural(ts.keep, "keeps one", "keep theirs") + " through another grant"
		p.Will = append(p.Will, c)
	}
	slices.SortStableFunc(p.People, func(a, b check) int {
		return strings.Compare(seatkeeper.LoginKey(a.Login), seatkeeper.LoginKey(b.Login))
	})
	p.People = p.People[:min(len(p.People), maxShown)]
	p.total()
	return p, nil
}

// teamSeats is what cancelling a team's seats does to some of its
// members holding a seat: how many lose it and keep it, a key of who,
// and the first maxShown of them by login, each with what happens.
type teamSeats struct {
	lose, keep int
	key        string
	shown      []check
}

// teamSeats plans the team t's grant g ending for members (their ids),
// from counts: the members' seats and those t carries are counted in the
// seat index (store.SeatsCarried). A seat another grant carries stays
// (the ledger carries a seat by a grant not pending cancellation before
// the team's). One that t carries ends, unless another team's grant
// (or an enterprise team's) not pending cancellation reaches its holder
// too, carrying the seat after the team's: only the members such a grant
// reaches are read one by one with their grants (teamMembers), and the
// members shown.
func (pl *planner) teamSeats(ctx context.Context, t seatkeeper.Team, g seatkeeper.Grant, members []int64) (teamSeats, error) {
	var out teamSeats
	st := pl.d.store
	also, err := pl.alsoGranted(ctx, g)
	if err != nil {
		return out, err
	}
	var maybe, rest []int64
	for _, id := range members {
		if also[id] {
			maybe = append(maybe, id)
		} else {
			rest = append(rest, id)
		}
	}
	team := store.SeatGrant{TeamID: t.ID}
	split, err := st.SeatsCarried(ctx, pl.org.ID, pl.at, rest, team)
	if err != nil {
		return out, err
	}
	out.lose, out.keep = split.Part, split.All-split.Part
	checks, err := pl.teamMembers(ctx, g, maybe)
	if err != nil {
		return out, err
	}
	keys := make([]string, len(checks))
	for i, c := range checks {
		if c.Keeps {
			out.keep++
		} else {
			out.lose++
		}
		keys[i] = c.key()
	}
	out.key = hashKey("team", append([]string{t.Slug, fmt.Sprint(g.ID, split.All, split.AllSum, split.Part, split.PartSum)}, keys...)...)
	// The first maxShown by login: of the seats t carries, a walk of the
	// users' login index; of the others, only when there are some, the
	// first of each batch of members.
	byLogin := store.SeatOrder{By: store.SeatsByLogin}
	first, err := st.ListSeats(ctx, store.SeatFilter{OrgID: pl.org.ID, At: pl.at, Grant: &team}, byLogin, 0, maxShown)
	if err != nil {
		return out, err
	}
	others := maybe
	if split.All > split.Part {
		others = members
	}
	for batch := range slices.Chunk(others, 1000) {
		ls, err := st.ListSeats(ctx, store.SeatFilter{OrgID: pl.org.ID, At: pl.at, UserIDs: batch}, byLogin, 0, maxShown)
		if err != nil {
			return out, err
		}
		first = append(first, ls...)
	}
	// By login, each member once, none counted through an earlier team.
	slices.SortFunc(first, func(a, b store.LedgerSeat) int {
		return strings.Compare(seatkeeper.LoginKey(a.User.Login), seatkeeper.LoginKey(b.User.Login))
	})
	listed := make(map[int64]bool, len(members))
	for _, id := range members {
		listed[id] = true
	}
	var ids []int64
	for _, s := range first {
		if listed[s.User.ID] && len(ids) < maxShown {
			listed[s.User.ID] = false
			ids = append(ids, s.User.ID)
		}
	}
	out.shown, err = pl.teamMembers(ctx, g, ids)
	return out, err
}

// alsoGranted returns the users reached by the org's team and
// enterprise team grants that are live and not pending cancellation,
// but g: a team's members with those of its child teams, as
// store.OrgReachesOf reaches them.
func (pl *planner) alsoGranted(ctx context.Context, g seatkeeper.Grant) (map[int64]bool, error) {
	gs, err := pl.d.store.GroupGrants(ctx, pl.org.ID)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, o := range gs {
		if o.ID == g.ID || o.Lapsed(pl.at) || o.PendingCancellationDate != nil {
			continue
		}
		var ids []int64
		if o.TeamID != 0 {
			ids, err = pl.d.store.TeamSubtreeUserIDs(ctx, o.TeamID)
		} else {
			ids, err = pl.d.store.EnterpriseTeamMemberIDs(ctx, o.EnterpriseTeamID)
		}
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// teamMembers returns, for each of members (ids) holding a seat now, by
// login, whether the seat ends when the team's grant g ends or stays,
// through another grant, read with the member's grants.
func (pl *planner) teamMembers(ctx context.Context, g seatkeeper.Grant, members []int64) ([]check, error) {
	var out []check
	// A batch the size of the most users a read of their grants takes.
	for batch := range slices.Chunk(members, store.MaxUsers) {
		seated, err := pl.d.store.ListSeats(ctx, store.SeatFilter{OrgID: pl.org.ID, At: pl.at, UserIDs: batch}, store.SeatOrder{By: store.SeatsByLogin}, 0, 0)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(seated))
		for i, s := range seated {
			ids[i] = s.User.ID
		}
		reaches, err := pl.d.store.OrgReachesOf(ctx, pl.org.ID, store.OnlyUsers(ids...))
		if err != nil {
			return nil, err
		}
		for _, s := range seated {
			// The seat ends with the last of the other grants' dates, if
			// later than the team's; it stays with a grant that has none.
			ends := pl.ends
			c := check{Login: s.User.Login, Name: s.User.Name}
			for _, r := range reaches[s.User.ID] {
				switch {
				case r.Grant.ID == g.ID || r.Grant.Lapsed(pl.at):
				case r.Grant.PendingCancellationDate == nil:
					c.Keeps, c.Note = true, "keeps the seat through "+reachNoun(r)
				case r.Grant.PendingCancellationDate.String() > ends:
					ends = r.Grant.PendingCancellationDate.String()
				}
				if c.Keeps {
					break
				}
			}
			if !c.Keeps {
				c.Note = "loses the seat on " + ends
			}
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b check) int {
		return strings.Compare(seatkeeper.LoginKey(a.Login), seatkeeper.LoginKey(b.Login))
	})
	return out, nil
}

// reachNoun names the grant a reach comes through.
func reachNoun(r seatkeeper.Reach) string {
	switch {
	case r.Team != nil:
		return "the team " + r.Team.Name
	case r.ETeam != nil:
		return "the enterprise team " + r.ETeam.Name
	}
	return "a seat of their own"
}

func (p *plan) total() {
	for _, c := range p.Will {
		p.Cost += c.Cost
	}
}

// grantNoun names the team a row's seat comes through.
func grantNoun(r *seatRow) string {
	if r.GrantType == report.GrantEnterpriseTeam {
		return "the enterprise team " + r.GrantLabel
	}
	return "the team " + r.GrantLabel
}

// nameList writes logins for a sentence: "bob", "bob and dee",
// "bob, dee and eve", "bob, dee, eve, fay, gus and 12 others".
func nameList(logins []string) string {
	const shown = 5
	switch n := len(logins); {
	case n == 0:
		return ""
	case n == 1:
		return logins[0]
	case n <= shown:
		return strings.Join(logins[:n-1], ", ") + " and " + logins[n-1]
	default:
		return strings.Join(logins[:shown], ", ") + " and " + thousands(n-shown) + " others"
	}
}
