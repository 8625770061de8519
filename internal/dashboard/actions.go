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

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Actions: cancelling and assigning seats. Each is a form posted twice:
// first it shows what will happen and asks to confirm; confirmed, it runs
// copilot.Service.CancelUsers or AddUsers — the API's code path, with its
// rules, messages and atomicity — and returns to the seats with the
// outcome.

// confirmPage is the body of the confirmation page of an action.
type confirmPage struct {
	Org      seatkeeper.Organization
	Action   string // "cancel" or "assign"
	Logins   []string
	Back     string
	Error    string // the refusal of a confirmed action; nothing changed
	EndsOn   string // cancel: when the seats end
	Verb     string // the button's words
	Question string
}

// maxLogins bounds one action's list, as a sane form would.
const maxLogins = 1000

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

// handleCancel serves POST /ui/orgs/{org}/cancel.
func (d *Dashboard) handleCancel(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	cp := confirmPage{Org: org, Action: "cancel", Logins: formLogins(r), Back: backTo(r, org), Verb: "Cancel"}
	if sub, err := d.store.Subscription(r.Context(), org.ID); err == nil {
		cp.EndsOn = seatkeeper.NextCycleStart(sub.BillingCycleDay, d.clock.Now()).String()
	}
	return d.act(w, r, rc, cp, "Select at least one seat to cancel.", func(ctx context.Context) (string, error) {
		n, err := d.copilot.CancelUsers(ctx, org, cp.Logins)
		if err != nil {
			return "", err
		}
		if n == 0 {
			return "No seat was cancelled: the selected seats were already pending cancellation, or held none.", nil
		}
		if n == 1 {
			return fmt.Sprintf("Cancelled 1 seat (seats_cancelled: 1). It stays billed until %s, then ends.", cp.EndsOn), nil
		}
		return fmt.Sprintf("Cancelled %d seats (seats_cancelled: %d). They stay billed until %s, then end.", n, n, cp.EndsOn), nil
	})
}

// handleAssign serves POST /ui/orgs/{org}/assign.
func (d *Dashboard) handleAssign(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	cp := confirmPage{Org: org, Action: "assign", Logins: formLogins(r), Back: backTo(r, org), Verb: "Assign"}
	return d.act(w, r, rc, cp, "Choose at least one member to assign a seat to.", func(ctx context.Context) (string, error) {
		n, err := d.copilot.AddUsers(ctx, org, cp.Logins)
		if err != nil {
			return "", err
		}
		if n == 0 {
			return "No seat was created: the members named already hold seats.", nil
		}
		return fmt.Sprintf("Assigned %d %s (seats_created: %d).", n, plural(n, "seat", "seats"), n), nil
	})
}

// act runs the two steps of an action: without confirm=yes, the
// confirmation page; with it, the action, then back to the seats with the
// outcome as a flash message. A refusal (GitHub's message: a member who
// does not exist, a seat held through a team...) shows the confirmation
// page again with the message and the status the API would answer.
func (d *Dashboard) act(w http.ResponseWriter, r *http.Request, rc *reqCtx, cp confirmPage, none string, run func(context.Context) (string, error)) error {
	title := map[string]string{"cancel": "Cancel seats", "assign": "Assign seats"}[cp.Action]
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {cp.Org.Login, cp.Back}, {title, ""}}
	n := len(cp.Logins)
	cp.Verb = fmt.Sprintf("%s %d %s", cp.Verb, n, plural(n, "seat", "seats"))
	switch {
	case cp.Action == "cancel" && n == 1:
		cp.Question = "Cancel the Copilot seat of this member in " + cp.Org.Login + "?"
	case cp.Action == "cancel":
		cp.Question = fmt.Sprintf("Cancel the Copilot seats of these %d members in %s?", n, cp.Org.Login)
	case n == 1:
		cp.Question = "Assign a Copilot seat in " + cp.Org.Login + " to this member?"
	default:
		cp.Question = fmt.Sprintf("Assign Copilot seats in %s to these %d members?", cp.Org.Login, n)
	}
	switch {
	case n == 0:
		cp.Error = none
		d.render(w, r, http.StatusUnprocessableEntity, "confirm", d.signedInLayout(rc, title, cp, crumbs...))
		return nil
	case n > maxLogins:
		cp.Error = fmt.Sprintf("Too many members at once: %d (at most %d).", n, maxLogins)
		d.render(w, r, http.StatusUnprocessableEntity, "confirm", d.signedInLayout(rc, title, cp, crumbs...))
		return nil
	case r.PostForm.Get("confirm") != "yes":
		d.render(w, r, http.StatusOK, "confirm", d.signedInLayout(rc, title, cp, crumbs...))
		return nil
	}
	msg, err := run(r.Context())
	var se *seatkeeper.Error
	if errors.As(err, &se) && se.Kind != seatkeeper.KindInternal {
		cp.Error = se.Message
		d.render(w, r, se.Kind.Status(), "confirm", d.signedInLayout(rc, title, cp, crumbs...))
		return nil
	}
	if err != nil {
		return err
	}
	d.sessions.setFlash(rc.sess.id, flash{Message: msg})
	http.Redirect(w, r, cp.Back, http.StatusSeeOther)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// assignPage is the body of the assign page.
type assignPage struct {
	Org       seatkeeper.Organization
	Q         string
	Members   []store.Member // members without a seat, matching Q, at most maxCandidates
	Matching  int            // how many match Q in all
	NoCopilot string
	Back      string
}

// maxCandidates bounds the members listed on the assign page.
const maxCandidates = 200

// handleAssignForm serves GET /ui/orgs/{org}/assign: the org's members
// (active or invited) who hold no seat, to pick from, and a field to name
// any member.
func (d *Dashboard) handleAssignForm(w http.ResponseWriter, r *http.Request, rc *reqCtx, org seatkeeper.Organization, a access) error {
	if err := requireWrite(org, a); err != nil {
		return err
	}
	base := Prefix + "/orgs/" + url.PathEscape(org.Login)
	pg := assignPage{Org: org, Q: strings.TrimSpace(r.URL.Query().Get("q")), Back: base}
	crumbs := []crumb{{"Organizations", Prefix + "/"}, {org.Login, base}, {"Assign seats", ""}}
	ov, err := d.copilot.Overview(r.Context(), org)
	if seatkeeper.KindOf(err) == seatkeeper.KindInvalid {
		pg.NoCopilot = err.Error()
		d.render(w, r, http.StatusOK, "assign", d.signedInLayout(rc, "Assign seats", pg, crumbs...))
		return nil
	}
	if err != nil {
		return err
	}
	members, err := d.store.MembersOf(r.Context(), org.ID, "", store.Users{})
	if err != nil {
		return err
	}
	seated := make(map[int64]bool, len(ov.Seats))
	for _, s := range ov.Seats {
		seated[s.User.ID] = true
	}
	q := strings.ToLower(pg.Q)
	for _, m := range members {
		if seated[m.User.ID] || (q != "" && !strings.Contains(strings.ToLower(m.User.Login), q)) {
			continue
		}
		pg.Members = append(pg.Members, m)
	}
	pg.Matching = len(pg.Members)
	slices.SortFunc(pg.Members, func(a, b store.Member) int {
		return strings.Compare(strings.ToLower(a.User.Login), strings.ToLower(b.User.Login))
	})
	pg.Members = pg.Members[:min(len(pg.Members), maxCandidates)]
	d.render(w, r, http.StatusOK, "assign", d.signedInLayout(rc, "Assign seats", pg, crumbs...))
	return nil
}
