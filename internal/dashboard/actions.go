package dashboard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Actions: cancelling seats, assigning them to members or to teams. Each
// is a form posted twice. First the dashboard plans it (plan.go): every
// login named is checked against the org's seats and members, and the
// confirmation page shows what will happen — each seat, its date, the
// count and the monthly cost — apart from what will not, and why. The
// button runs only what will happen, through copilot.Service (the API's
// code path, with its rules, messages and atomicity), and only if planning
// again finds the same (the plan's key); else the page is shown again.
// Then back to the seats with the outcome, naming the people, and, after a
// cancellation, an Undo button while the seats are only pending.

// confirmPage is the body of the confirmation page of an action.
type confirmPage struct {
	Org      seatkeeper.Organization
	Action   string // "cancel", "assign" or "teams": the path the form posts to
	Plan     plan
	Shown    []check // the start of Plan.Will, at most maxShown
	Hidden   int     // how many of Plan.Will are not shown
	Refused  []check // the start of Plan.Wont, at most maxShown
	Unshown  int     // how many of Plan.Wont are not shown
	Scope    string  // "filter": every seat matching the seats page's filter
	Count    int     // what will happen: seats or teams
	Logins   []string
	Teams    []string
	ByTeam   bool    // the action names teams, not logins
	Ends     bool    // the action ends seats (and is undone by keeping them)
	People   []check // the start of Plan.People, at most maxShown
	Others   int     // how many members holding a seat are not shown
	Back     string
	Key      string // the plan's key, carried by the button
	Changed  bool   // the key posted did not match: what would happen changed
	Error    string // a refusal of a confirmed action; nothing changed
	Verb     string // the button's words
	Question string
	EndsOn   string // cancel: when the seats end
}

// maxLogins bounds an action's list of logins named one by one; a whole
// filter is not bounded.
const maxLogins = 1000

// maxShown bounds the seats listed on a confirmation page (a variable
// so that a test can list fewer than a filter keeps).
var maxShown = 200

// formLogins reads the logins an action names: checked boxes (login) and
// a free-text list (logins, separated by commas or white space), without
// repeats (ignoring case), in the order given.
func formLogins(r *http.Request) []string {
	var raw []string
	raw = append(raw, r.PostForm["login"]...)
	raw = append(raw, strings.FieldsFunc(r.PostForm.Get("logins"), func(c rune) bool {
		return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t'
	})...)
	seen := map[string]bool{}
	var out []string
	for _, l := range raw {
		l = strings.TrimPrefix(strings.TrimSpace(l), "@")
		if l == "" || seen[seatkeeper.LoginKey(l)] {
			continue
		}
		seen[seatkeeper.LoginKey(l)] = true
		out = append(out, l)
	}
	return out
}

// backTo keeps a form's return address if it is a page of this org.
func backTo(r *http.Request, org seatkeeper.Organization) string {
	base := Prefix + "/orgs/" + url.PathEscape(org.Login)
	back := safeNext(r.PostForm.Get("back"))
	if back == base || strings.HasPrefix(back, base+"?") {
		return back
	}
	return base
}

// requireWrite refuses a principal that may only read.
func requireWrite(org seatkeeper.Organization, a access) error {
	if !a.Write {
		return forbidden(cmp.Or(a.WhyNotWrite, "You cannot change "+org.Login+"'s seats."))
	}
	return nil
}

// action is one kind of action: how it is named and planned, and how it
// runs.
type action struct {
	name     string // the path: cancel, assign, teams, teams/cancel
	byTeam   bool   // names teams, not logins
	ends     bool   // ends seats
	title    string
	none     string // the refusal of an empty list
	verb     string
	question func(n int, org string) string
	plan     func(ctx context.Context, pl *planner, names []string) (plan, error)
	run      func(ctx context.Context, d *Dashboard, org seatkeeper.Organization, names []string) (int, error)
	done     func(n int, p plan, ends string) string
}

var (
	cancelAction = action{
		name: "cancel", title: "Cancel seats", none: "Select at least one seat to cancel.", verb: "Cancel", ends: true,
		question: func(n int, org string) string {
			if n == 1 {
				return "Cancel this Copilot seat in " + org + "?"
			}
			return fmt.Sprintf("Cancel these %s Copilot seats in %s?", thousands(n), org)
		},
		plan: func(ctx context.Context, pl *planner, names []string) (plan, error) { return pl.cancel(ctx, names) },
		run: func(ctx context.Context, d *Dashboard, org seatkeeper.Organization, names []string) (int, error) {
			return d.copilot.CancelUsers(ctx, org, names)
		},
		done: func(n int, p plan, ends string) string {
			if n != len(p.Will) {
				return fmt.Sprintf("Cancelled %s %s. %s billed until %s, then %s.", thousands(n), plural(n, "seat", "seats"),
					plural(n, "It stays", "They stay"), ends, plural(n, "ends", "end"))
			}
			return fmt.Sprintf("Cancelled the %s of %s. %s billed until %s, then %s.", plural(n, "seat", "seats"), nameList(p.Logins()),
				plural(n, "It stays", "They stay"), ends, plural(n, "ends", "end"))
		},
	}
	assignAction = action{
		name: "assign", title: "Assign seats", none: "Choose at least one member to assign a seat to.", verb: "Assign",
		question: func(n int, org string) string {
			if n == 1 {
				return "Assign a Copilot seat in " + org + " to this member?"
			}
			return fmt.Sprintf("Assign Copilot seats in %s to these %s members?", org, thousands(n))
		},
		plan: func(ctx context.Context, pl *planner, names []string) (plan, error) { return pl.assign(ctx, names) },
		run: func(ctx context.Context, d *Dashboard, org seatkeeper.Organization, names []string) (int, error) {
			return d.copilot.AddUsers(ctx, org, names)
		},
		done: func(n int, p plan, _ string) string {
			if n != len(p.Will) {
				return fmt.Sprintf("Assigned %s %s.", thousands(n), plural(n, "seat", "seats"))
			}
			return "Assigned seats to " + nameList(p.Logins()) + "."
		},
	}
	teamsAction = action{
		name: "teams", title: "Assign seats to teams", none: "Choose at least one team.", verb: "Grant seats to", byTeam: true,
		question: func(n int, org string) string {
			return fmt.Sprintf("Grant Copilot seats in %s to every member of %s?", org, plural(n, "this team", "these teams"))
		},
		plan: func(ctx context.Context, pl *planner, names []string) (plan, error) { return pl.teams(ctx, names) },
		run: func(ctx context.Context, d *Dashboard, org seatkeeper.Organization, names []string) (int, error) {
			return d.copilot.AddTeams(ctx, org, names)
		},
		done: func(n int, p plan, _ string) string {
			names := make([]string, len(p.Will))
			for i, c := range p.Will {
				names[i] = c.Name
			}
			return fmt.Sprintf("Granted seats to %s %s (%s %s).", plural(len(names), "the team", "the teams"), nameList(names),
				thousands(n), plural(n, "member", "members"))
		},
	}
	cancelTeamsAction = action{
		name: "teams/cancel", title: "Cancel teams' seats", none: "Choose at least one team.", verb: "Cancel the seats of",
		byTeam: true, ends: true,
		question: func(n int, org string) string {
			return fmt.Sprintf("Cancel the Copilot seats %s gives in %s?", plural(n, "this team", "these teams"), org)
		},
		plan: func(ctx context.Context, pl *planner, names []string) (plan, error) {
			return pl.cancelTeams(ctx, names)
		},
		run: func(ctx context.Context, d *Dashboard, org seatkeeper.Organization, names []string) (int, error) {
			return d.copilot.CancelTeams(ctx, org, names)
		},
		done: func(n int, p plan, ends string) string {
			names := make([]string, len(p.Will))
			for i, c := range p.Will {
				names[i] = c.Name
			}
			lose := p.Losing
			return fmt.Sprintf("Cancelled the seats of %s %s. %s %s billed until %s, then %s; members with another grant keep theirs.",
				plural(len(names), "the team", "the teams"), nameList(names), thousands(lose), plural(lose, "seat stays", "seats stay"), ends,
				plural(lose, "ends", "end"))
		},
	}
)

// handleCancel serves POST /ui/orgs/{org}/cancel.
func (d *Dashboard) handleCancel(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	return d.act(w, r, rc, org, a, cancelAction)
}

// handleAssign serves POST /ui/orgs/{org}/assign.
func (d *Dashboard) handleAssign(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	return d.act(w, r, rc, org, a, assignAction)
}

// handleCancelTeams serves POST /ui/orgs/{org}/teams/cancel.
func (d *Dashboard) handleCancelTeams(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	return d.act(w, r, rc, org, a, cancelTeamsAction)
}

// handleTeams serves POST /ui/orgs/{org}/teams.
func (d *Dashboard) handleTeams(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	return d.act(w, r, rc, org, a, teamsAction)
}

// act plans an action and, when the button of its confirmation was
// pressed (confirm carrying the plan's key), runs what the plan says will
// happen; else it shows the confirmation page. A refusal after confirming
// (something changed in between: GitHub's message) shows the page again
// with the message and the status the API would answer.
func (d *Dashboard) act(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access, act action) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	cp := confirmPage{Org: org, Action: act.name, ByTeam: act.byTeam, Ends: act.ends, Back: backTo(r, org)}
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {org.Login, cp.Back}, {act.title, ""}}
	show := func(status int) error {
		d.render(w, r, status, "confirm", d.signedInLayout(rc, act.title, cp, crumbs...))
		return nil
	}
	ctx := r.Context()
	sub, err := d.store.Subscription(ctx, org.ID)
	if seatkeeper.IsNotFound(err) { // Copilot is not enabled
		cp.Error = copilot.MsgNotEnabled
		return show(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	now := d.clock.Now()
	var names []string
	var rows []seatRow    // the listed seats of names
	var whole *filterPlan // a cancellation of every seat the seats page's filter keeps
	switch {
	case act.byTeam:
		names = dedupeNames(r.PostForm["team"])
		cp.Teams = names
	case r.PostForm.Get("scope") == "filter" && act.name == cancelAction.name:
		cp.Scope = "filter"
		back, _ := url.Parse(cp.Back)
		v := parseView(back.Query())
		var grants []grantOption
		if v.Grant != "" {
			if grants, err = d.grantOptions(ctx, org, now); err != nil {
				return err
			}
		}
		if whole, err = d.newPlanner(org, sub, now, nil).cancelFilter(ctx, v.seatFilter(org, now, grants), v.order()); err != nil {
			return err
		}
	default:
		names = formLogins(r)
		cp.Logins = names
		if len(names) > 0 && len(names) <= maxLogins {
			if rows, err = d.rowsOf(ctx, org, sub, now, names); err != nil {
				return err
			}
		}
	}
	switch {
	case whole != nil && whole.matching == 0:
		cp.Error = "No seat matches the filter."
		return show(http.StatusUnprocessableEntity)
	case whole == nil && len(names) == 0:
		cp.Error = act.none
		return show(http.StatusUnprocessableEntity)
	case whole == nil && len(names) > maxLogins:
		cp.Error = fmt.Sprintf("Too many at once: %s (at most %s). To act on every seat matching a filter, use the button for the whole filter.", thousands(len(names)), thousands(maxLogins))
		return show(http.StatusUnprocessableEntity)
	}
	pl := d.newPlanner(org, sub, now, rows)
	var p plan
	n := 0 // what will happen
	if whole != nil {
		p, n = whole.plan, whole.will
		cp.Key = whole.key
		cp.Hidden, cp.Unshown = whole.will-len(p.Will), whole.wont-len(p.Wont)
	} else {
		if p, err = act.plan(ctx, pl, names); err != nil {
			return err
		}
		n = len(p.Will)
		cp.Key = p.key(act.name)
		cp.Hidden, cp.Unshown = max(0, len(p.Will)-maxShown), max(0, len(p.Wont)-maxShown)
	}
	cp.Plan, cp.EndsOn, cp.Count = p, pl.ends, n
	cp.Shown, cp.Refused = p.Will[:min(len(p.Will), maxShown)], p.Wont[:min(len(p.Wont), maxShown)]
	cp.People = p.People[:min(len(p.People), maxShown)]
	cp.Others = max(0, p.Losing+p.Keeping-len(cp.People))
	cp.Verb = fmt.Sprintf("%s %s %s", act.verb, thousands(n), plural(n, "seat", "seats"))
	if act.byTeam {
		cp.Verb = fmt.Sprintf("%s %s %s", act.verb, thousands(n), plural(n, "team", "teams"))
	}
	cp.Question = act.question(n, org.Login)
	confirm := r.PostForm.Get("confirm")
	switch {
	case p.Fatal != "" || n == 0:
		return show(http.StatusUnprocessableEntity)
	case confirm != cp.Key:
		cp.Changed = confirm != ""
		return show(http.StatusOK)
	}
	logins := p.Logins()
	if whole != nil && whole.will > len(p.Will) { // not all of them shown
		if logins, err = whole.logins(ctx); err != nil {
			return err
		}
	}
	done, err := act.run(ctx, d, org, logins)
	if se := (*seatkeeper.Error)(nil); errors.As(err, &se) && se.Kind != seatkeeper.KindInternal {
		cp.Error = se.Message
		return show(se.Kind.Status())
	}
	if err != nil {
		return err
	}
	f := flash{Message: act.done(done, p, pl.ends)}
	if act.ends && done > 0 {
		seats := done // a team's members count, but only those losing a seat are offered to keep
		if act.byTeam {
			seats = p.Losing
		}
		id, err := d.offerUndo(rc, undo{OrgID: org.ID, Back: cp.Back, Logins: logins, Teams: act.byTeam})
		if err != nil {
			return err
		}
		f.Undo = &undoOffer{Action: Prefix + "/orgs/" + url.PathEscape(org.Login) + "/undo", ID: id, Count: seats}
	}
	d.setFlash(rc, f)
	http.Redirect(w, r, cp.Back, http.StatusSeeOther)
	return nil
}

// handleUndo serves POST /ui/orgs/{org}/undo: the Undo button after a
// cancellation keeps the seats it cancelled that are still pending, as
// assigning them again does (copilot.Service.AddUsers), at once.
func (d *Dashboard) handleUndo(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	ctx := r.Context()
	u, ok, err := d.takeUndo(ctx, rc, org.ID, r.PostForm.Get("id"))
	if err != nil {
		return err
	}
	if !ok {
		d.setFlash(rc, flash{Error: true, Message: "There is nothing to undo: the offer was used, or replaced by a later one. To keep seats pending cancellation, select them and assign them again."})
		http.Redirect(w, r, Prefix+"/orgs/"+url.PathEscape(org.Login), http.StatusSeeOther)
		return nil
	}
	kept, err := d.undoable(ctx, org, u)
	if err != nil {
		return err
	}
	keep := d.copilot.AddUsers
	if u.Teams {
		keep = d.copilot.AddTeams
	}
	f := flash{Message: "Nothing to undo: those seats are no longer pending cancellation."}
	if len(kept) > 0 {
		if _, err := keep(ctx, org, kept); err != nil {
			if se := (*seatkeeper.Error)(nil); errors.As(err, &se) && se.Kind != seatkeeper.KindInternal {
				d.setFlash(rc, flash{Error: true, Message: "Nothing changed. " + se.Message})
				http.Redirect(w, r, u.Back, http.StatusSeeOther)
				return nil
			}
			return err
		}
		f.Message = fmt.Sprintf("Kept the %s of %s: the cancellation is withdrawn.", plural(len(kept), "seat", "seats"), nameList(kept))
		if u.Teams {
			f.Message = fmt.Sprintf("Kept the seats of %s %s: the cancellation is withdrawn.", plural(len(kept), "the team", "the teams"), nameList(kept))
		}
	}
	d.setFlash(rc, f)
	http.Redirect(w, r, u.Back, http.StatusSeeOther)
	return nil
}

// undoable is what of a cancellation is still pending, to keep: the
// logins whose seats are (as assigning them again would keep them), or
// the teams whose grants are.
func (d *Dashboard) undoable(ctx context.Context, org seatkeeper.Organization, u undo) ([]string, error) {
	sub, err := d.store.Subscription(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	now := d.clock.Now()
	var kept []string
	if u.Teams {
		teams, err := d.store.Teams(ctx, org.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range teams {
			if !slices.Contains(u.Logins, t.Slug) {
				continue
			}
			g, err := d.store.TeamGrant(ctx, org.ID, t.ID)
			switch {
			case seatkeeper.IsNotFound(err):
			case err != nil:
				return nil, err
			case !g.Lapsed(now) && g.PendingCancellationDate != nil:
				kept = append(kept, t.Slug)
			}
		}
		return kept, nil
	}
	rows, err := d.rowsOf(ctx, org, sub, now, u.Logins)
	if err != nil {
		return nil, err
	}
	p, err := d.newPlanner(org, sub, now, rows).assign(ctx, u.Logins)
	if err != nil {
		return nil, err
	}
	for _, c := range p.Will {
		if c.Keeps {
			kept = append(kept, c.Login)
		}
	}
	return kept, nil
}

// rowsOf reads the listed seats of logins (at most maxLogins).
func (d *Dashboard) rowsOf(ctx context.Context, org seatkeeper.Organization, sub seatkeeper.Subscription, at time.Time, logins []string) ([]seatRow, error) {
	return d.listRows(ctx, org, sub, store.SeatFilter{OrgID: org.ID, At: at, Logins: logins}, store.SeatOrder{By: store.SeatsByLogin})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// dedupeNames drops empty and repeated names, ignoring case.
func dedupeNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			out = append(out, n)
		}
	}
	return out
}

// assignPage is the body of the assign page.
type assignPage struct {
	Org       seatkeeper.Organization
	Q         string
	Members   []store.Member // members without a seat, matching Q, at most maxCandidates
	Matching  int            // how many match Q in all
	Teams     []teamChoice
	Granted   bool // some team has seats
	Price     float64
	NoCopilot string
	Back      string
}

// teamChoice is a team on the assign page.
type teamChoice struct {
	Slug, Name string
	Members    int
	Granted    bool // the team has seats (not pending cancellation)
}

// maxCandidates bounds the members listed on the assign page.
const maxCandidates = 200

// handleAssignForm serves GET /ui/orgs/{org}/assign: the org's members
// (active or invited) who hold no seat, to pick from, a field to name any
// member, and the org's teams.
func (d *Dashboard) handleAssignForm(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	base := Prefix + "/orgs/" + url.PathEscape(org.Login)
	pg := assignPage{Org: org, Q: strings.TrimSpace(r.URL.Query().Get("q")), Back: base}
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {org.Login, base}, {"Assign seats", ""}}
	sub, err := d.store.Subscription(r.Context(), org.ID)
	if seatkeeper.IsNotFound(err) {
		pg.NoCopilot = copilot.MsgNotEnabled
		d.render(w, r, http.StatusOK, "assign", d.signedInLayout(rc, "Assign seats", pg, crumbs...))
		return nil
	}
	if err != nil {
		return err
	}
	now := d.clock.Now()
	pg.Price = d.cfg.Prices.Of(sub.PlanType)
	if pg.Members, pg.Matching, err = d.store.Unseated(r.Context(), org.ID, now, pg.Q, maxCandidates); err != nil {
		return err
	}
	teams, err := d.store.Teams(r.Context(), org.ID)
	if err != nil {
		return err
	}
	for _, t := range teams {
		ids, err := d.store.TeamSubtreeUserIDs(r.Context(), t.ID)
		if err != nil {
			return err
		}
		c := teamChoice{Slug: t.Slug, Name: t.Name, Members: len(ids)}
		if g, err := d.store.TeamGrant(r.Context(), org.ID, t.ID); err == nil {
			c.Granted = !g.Lapsed(now) && g.PendingCancellationDate == nil
		} else if !seatkeeper.IsNotFound(err) {
			return err
		}
		pg.Teams = append(pg.Teams, c)
		pg.Granted = pg.Granted || c.Granted
	}
	slices.SortFunc(pg.Teams, func(a, b teamChoice) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	d.render(w, r, http.StatusOK, "assign", d.signedInLayout(rc, "Assign seats", pg, crumbs...))
	return nil
}
