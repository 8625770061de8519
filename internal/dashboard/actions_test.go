package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

var undoID = regexp.MustCompile(`name="id" value="([^"]+)"`)

func TestCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		back := "/ui/orgs/acme?idle=30"
		b.get(back)

		// First the confirmation, which changes nothing: each seat with its
		// date, the count and what it saves.
		p, done := b.confirmed("/ui/orgs/acme/cancel", url.Values{"login": {"bob", "dee", "BOB"}, "back": {back}})
		if p.status != http.StatusOK {
			t.Fatalf("confirmation: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "Cancel these 2 Copilot seats in acme?", "<strong>2 seats</strong> ·",
			"<strong>38 USD</strong> a month less from 2026-04-01",
			`<span class="who">bob</span> <span class="what">billed until 2026-04-01, then the seat ends</span>`,
			`<span class="who">dee <span class="muted">Dee Dowling</span></span>`,
			`<input type="hidden" name="login" value="dee">`, "Cancel 2 seats")
		p.lacks(t, "What will not happen")

		// Confirmed: back to the list, naming the people, with an Undo.
		if done.status != http.StatusSeeOther || done.location() != back {
			t.Fatalf("confirmed: %d %q %s", done.status, done.location(), excerpt(done.body))
		}
		for _, login := range []string{"bob", "dee"} {
			if d := e.pendingDate(login); d != "2026-04-01" {
				t.Errorf("%s pending %q", login, d)
			}
		}
		// The audit log names who did it, as for the API.
		entries, _, err := st.AuditLog(context.Background(), store.AuditFilter{Action: audit.SeatCancelled, Until: e.clock.Now()}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("audit entries %+v", entries)
		}
		for _, en := range entries {
			if en.Actor != "ann" || en.ActorTokenKind != "classic" || !strings.HasPrefix(en.RequestID, "UI-") || en.Org != "acme" {
				t.Errorf("audit entry %+v", en)
			}
		}
		p = b.get(back)
		p.contains(t, `id="flash">Cancelled the seats of bob and dee. They stay billed until 2026-04-01, then end.`,
			`action="/ui/orgs/acme/undo"`, "Undo: keep these seats",
			`Pending cancellation</span><span class="card-value">3</span>`)
		if strings.Count(p.body, `<span class="badge">ends 2026-04-01</span>`) != 3 { // with eve's
			t.Errorf("pending badges: %s", excerpt(p.body))
		}
		if strings.Contains(b.get(back).body, "Cancelled the seats") {
			t.Error("the flash message shows twice")
		}

		// Undo keeps both seats, at once.
		m := undoID.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatal("no undo id")
		}
		u := b.post("/ui/orgs/acme/undo", url.Values{"id": {m[1]}})
		if u.status != http.StatusSeeOther || u.location() != back {
			t.Fatalf("undo: %d %q", u.status, u.location())
		}
		for _, login := range []string{"bob", "dee"} {
			if d := e.pendingDate(login); d != "" {
				t.Errorf("%s still pending %q after undo", login, d)
			}
		}
		b.get(back).contains(t, "Kept the seats of bob and dee: the cancellation is withdrawn.")
		// An offer works once.
		if u := b.post("/ui/orgs/acme/undo", url.Values{"id": {m[1]}}); u.status != http.StatusSeeOther {
			t.Errorf("undo again: %d", u.status)
		}
		b.get("/ui/orgs/acme").contains(t, "There is nothing to undo")

		// A return address off this org's page is not followed.
		b.get(back)
		_, p = b.confirmed("/ui/orgs/acme/cancel", url.Values{"login": {"ann"}, "back": {"/ui/orgs/other"}})
		if p.status != http.StatusSeeOther || p.location() != "/ui/orgs/acme" {
			t.Errorf("back elsewhere: %d %q", p.status, p.location())
		}
	})
}

// The confirmation page checks every login first and shows apart what
// cannot happen, with the real dates; its button runs only the rest.
func TestCancelChecksFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, strings.Replace(testSeed, `pending_cancellation_date: "2026-04-01"`, `pending_cancellation_date: "2099-01-01"`, 1))
		b := e.signedIn("ghp_annWrite")
		b.get("/ui/orgs/acme")
		p := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}, "logins": {"cid nobdy eve fay zed"}})
		if p.status != http.StatusOK {
			t.Fatalf("confirmation: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "Cancel this Copilot seat in acme?", "<strong>1 seat</strong>", "Cancel 1 seat",
			`<input type="hidden" name="login" value="bob">`,
			"What will not happen",
			`<span class="who">cid</span> <span class="what">holds the seat through the team Web Team: it cannot be cancelled here`,
			`<span class="who">nobdy</span> <span class="what">not a member of acme (check the spelling)`,
			`<span class="who">zed</span> <span class="what">not a member of acme`,
			`<span class="who">eve</span> <span class="what">already pending cancellation: the seat ends 2099-01-01`,
			`<span class="who">fay <span class="muted">Fay Fisher</span></span> <span class="what">holds no seat`)
		p.lacks(t, `name="login" value="cid"`, `name="login" value="eve"`, "billed until 2099", "eve</span> <span class=\"what\">billed")
		key := p.confirmKey()
		// The button goes through: the refused names are left out.
		done := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}, "confirm": {key}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		if d := e.pendingDate("bob"); d != "2026-04-01" {
			t.Errorf("bob pending %q", d)
		}

		// Nothing that can happen: no button.
		b.get("/ui/orgs/acme")
		p = b.post("/ui/orgs/acme/cancel", url.Values{"login": {"cid", "bob"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("nothing to do: %d", p.status)
		}
		p.contains(t, "<strong>Nothing to do.</strong>", "already pending cancellation: the seat ends 2026-04-01")
		p.lacks(t, `name="confirm"`)
		b.get("/ui/orgs/acme")
		if p := b.post("/ui/orgs/acme/cancel", url.Values{}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("none selected: %d", p.status)
		} else {
			p.contains(t, "Select at least one seat to cancel.")
		}
	})
}

// A key that no longer matches what would happen (a seat changed since
// the page was shown, or a forged key) shows the confirmation again.
func TestConfirmKeyMustMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		b.get("/ui/orgs/acme")
		key := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob", "ann"}}).confirmKey()
		// Meanwhile ann's seat is cancelled elsewhere.
		if _, err := e.dash.copilot.CancelUsers(context.Background(), mustOrg(t, st, "acme"), []string{"ann"}); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{key, "yes", "0000"} {
			p := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob", "ann"}, "confirm": {k}})
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", k, p.status)
			}
			p.contains(t, "The seats changed since you looked", "Cancel 1 seat", "already pending cancellation: the seat ends 2026-04-01")
		}
		if d := e.pendingDate("bob"); d != "" {
			t.Errorf("bob cancelled on a stale confirmation: %q", d)
		}
	})
}

func mustOrg(t *testing.T, st *store.Store, login string) seatkeeper.Organization {
	t.Helper()
	org, err := st.OrgByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// The whole filter, not one page: the confirmation counts and prices every
// seat the filter finds, leaving out what cannot be cancelled.
func TestCancelWholeFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		back := "/ui/orgs/acme?idle=10&per_page=25"
		b.get(back).contains(t, `name="scope" value="filter"`, "Cancel all 4 seats matching the filter…")
		p, done := b.confirmed("/ui/orgs/acme/cancel", url.Values{"scope": {"filter"}, "back": {back}, "login": {"ann"}})
		// dee, bob, eve (already pending), cid (team): 2 will be cancelled.
		p.contains(t, "<strong>2 seats</strong> matching the filter", "<strong>38 USD</strong> a month less",
			`<input type="hidden" name="scope" value="filter">`, "Cancel 2 seats",
			"holds the seat through the team Web Team", "already pending cancellation")
		p.lacks(t, `<span class="who">ann</span>`)
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		for login, want := range map[string]string{"bob": "2026-04-01", "dee": "2026-04-01", "ann": "", "cid": ""} {
			if d := e.pendingDate(login); d != want {
				t.Errorf("%s pending %q, want %q", login, d, want)
			}
		}
		b.get("/ui/orgs/acme?idle=1000")
		if p := b.post("/ui/orgs/acme/cancel", url.Values{"scope": {"filter"}, "back": {"/ui/orgs/acme?idle=1000"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("empty filter: %d", p.status)
		}
	})
}

// A whole filter by grant: direct seats are cancelled but for those
// already pending; a team's seats are not cancelled here at all.
func TestCancelWholeFilterByGrant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		for _, c := range []struct {
			back   string
			status int
			wants  []string
		}{
			{"/ui/orgs/acme?grant=direct", http.StatusOK, []string{"Cancel 3 seats", "<strong>3 seats</strong> matching the filter", "already pending cancellation"}},
			{"/ui/orgs/acme?grant=team%3Aweb-team", http.StatusUnprocessableEntity, []string{"Nothing to do.", "holds the seat through the team Web Team"}},
			{"/ui/orgs/acme?grant=team%3Aweb-team&q=nobody", http.StatusUnprocessableEntity, []string{"No seat matches the filter."}},
		} {
			b.get(c.back)
			p := b.post("/ui/orgs/acme/cancel", url.Values{"scope": {"filter"}, "back": {c.back}})
			if p.status != c.status {
				t.Errorf("%s: %d, want %d", c.back, p.status, c.status)
			}
			p.contains(t, c.wants...)
		}
	})
}

// A whole filter's confirmation carries a key of the seats' holders: when
// they change between the confirmation and the confirm, even to as many
// seats at the same cost with the same first seats shown, the page asks
// again and nothing is cancelled.
func TestCancelWholeFilterHoldersChange(t *testing.T) {
	defer func(n int) { maxShown = n }(maxShown)
	maxShown = 1 // only dee, the longest idle, is shown: the holders' key alone tells the lists apart
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		back := "/ui/orgs/acme?idle=10"
		b.get(back)
		form := url.Values{"scope": {"filter"}, "back": {back}}
		p := b.post("/ui/orgs/acme/cancel", form)
		p.contains(t, "Cancel 2 seats") // dee and bob
		key := p.confirmKey()
		// Meanwhile bob uses Copilot, and nine days on ann has been idle
		// ten days: ann takes bob's place, dee stays first.
		ctx := context.Background()
		bob, err := st.UserByLogin(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		used := testNow
		if err := st.PutActivity(ctx, mustOrg(t, st, "acme").ID, bob.ID, seatkeeper.Activity{LastActivityAt: &used, LastActivityEditor: "vim"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(testNow.AddDate(0, 0, 9))
		b.signIn("ghp_annWrite") // the session has ended by then
		b.get(back)
		form.Del("csrf")
		form.Set("confirm", key)
		p = b.post("/ui/orgs/acme/cancel", form)
		if p.status != http.StatusOK {
			t.Fatalf("confirmed with a stale key: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "The seats changed since you looked", "Cancel 2 seats")
		for _, login := range []string{"ann", "bob", "dee"} {
			if d := e.pendingDate(login); d != "" {
				t.Errorf("%s cancelled on a stale confirmation: pending %q", login, d)
			}
		}
		// Confirming what the page now shows cancels ann's and dee's.
		form.Del("csrf")
		form.Set("confirm", p.confirmKey())
		if done := b.post("/ui/orgs/acme/cancel", form); done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		for login, want := range map[string]string{"ann": "2026-04-01", "dee": "2026-04-01", "bob": ""} {
			if d := e.pendingDate(login); d != want {
				t.Errorf("%s pending %q, want %q", login, d, want)
			}
		}
	})
}

func TestAssign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		p := b.get("/ui/orgs/acme/assign")
		if p.status != http.StatusOK {
			t.Fatalf("assign page: %d", p.status)
		}
		p.contains(t, `<input type="checkbox" name="login" value="fay"> fay`, `<input type="checkbox" name="login" value="hal"> hal`,
			`<label for="a-logins">`, `<input type="checkbox" name="team" value="web-team" disabled> Web Team <span class="muted">1 member</span>`)
		p.lacks(t, `value="bob"`, `value="ann"`)
		b.get("/ui/orgs/acme/assign?q=F").contains(t, `value="fay"`)
		b.get("/ui/orgs/acme/assign?q=F").lacks(t, `value="hal"`)
		b.get("/ui/orgs/acme/assign?q=fisher").contains(t, `value="fay"`) // by name

		p, done := b.confirmed("/ui/orgs/acme/assign", url.Values{"login": {"fay"}, "logins": {"hal, @FAY stranger bob eve\n"}, "back": {"/ui/orgs/acme"}})
		p.contains(t, "Assign Copilot seats in acme to these 3 members?", "<strong>3 seats</strong> · <strong>57 USD</strong> a month more", "Assign 3 seats",
			`<span class="who">hal</span> <span class="what">gets a seat, billed from this cycle`,
			`<span class="who">eve</span> <span class="what">keeps the seat: the cancellation on 2026-04-01 is withdrawn`,
			`<span class="who">stranger</span> <span class="what">not a member of acme`,
			`<span class="who">bob</span> <span class="what">already holds a seat`)
		p.lacks(t, "FAY", `name="login" value="stranger"`)
		if done.status != http.StatusSeeOther || done.location() != "/ui/orgs/acme" {
			t.Fatalf("confirmed: %d %q %s", done.status, done.location(), excerpt(done.body))
		}
		for _, login := range []string{"fay", "hal"} {
			if _, err := e.seatOf(login); err != nil {
				t.Errorf("%s: %v", login, err)
			}
		}
		if d := e.pendingDate("eve"); d != "" {
			t.Errorf("eve still pending %q", d)
		}
		b.get("/ui/orgs/acme").contains(t, "Assigned seats to fay, hal and eve.", `Total billed</span><span class="card-value">7</span>`)
		b.get("/ui/orgs/acme")
		if p := b.post("/ui/orgs/acme/assign", url.Values{"logins": {" , "}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("nobody named: %d", p.status)
		}
	})
}

func TestAssignTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, strings.Replace(testSeed, "tokens:\n", `  - login: teamorg
    copilot: {plan_type: enterprise, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members: [{login: ann, role: admin}, {login: bob}, {login: cid}]
    teams:
      - {name: Platform, members: [{login: bob}, {login: cid}]}
      - {name: Empty}
    seats:
      - {user: bob}
tokens:
`, 1))
		b := e.signedIn("ghp_annWrite")
		b.get("/ui/orgs/teamorg/assign").contains(t, `name="team" value="platform"> Platform <span class="muted">2 members</span>`)
		p, done := b.confirmed("/ui/orgs/teamorg/teams", url.Values{"team": {"platform", "empty", "nope"}})
		p.contains(t, "Grant Copilot seats in teamorg to every member of this team?", "<strong>1 team</strong> · <strong>39 USD</strong> a month more",
			`<span class="who">platform <span class="muted">Platform</span></span> <span class="what">2 members, 1 of them without a seat now`,
			`<span class="what">the team has no members`, `<span class="who">nope</span> <span class="what">no such team in teamorg`,
			"Grant seats to 1 team")
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		b.get("/ui/orgs/teamorg").contains(t, "Granted seats to the team Platform (2 members).", `Total billed</span><span class="card-value">2</span>`)
		p = b.post("/ui/orgs/teamorg/teams", url.Values{"team": {"platform"}})
		p.contains(t, "the team already has seats", "<strong>Nothing to do.</strong>")
	})
}

// The whole action is refused before confirming when the org's Copilot
// setup does not let seats be managed, with GitHub's message.
func TestActionsRefusedBySetup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, strings.Replace(testSeed, "seat_management_setting: assign_selected, public_code_suggestions: allow",
			"seat_management_setting: assign_all, public_code_suggestions: allow", 1))
		b := e.signedIn("ghp_annWrite")
		b.get("/ui/orgs/acme")
		p := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("status %d", p.status)
		}
		p.contains(t, "<strong>Nothing can change.</strong> Your organization has enabled Copilot access for all members.")
		p.lacks(t, `name="confirm"`)
	})
}

// A site administrator's org list comes a page at a time: only the orgs
// of the page are resolved.
func TestOrgsPagePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var doc strings.Builder
		doc.WriteString("users: [{login: root, site_admin: true}]\norganizations:\n")
		for i := range 30 {
			fmt.Fprintf(&doc, "  - {login: org%02d, copilot: {public_code_suggestions: allow}}\n", i)
		}
		doc.WriteString("tokens: [{token: ghp_root, user: root, scopes: [read:org, site_admin]}]\n")
		e := newEnv(t, st, doc.String())
		b := e.signedIn("ghp_root")
		p := b.get("/ui/")
		p.contains(t, "Organizations 1–25 of 30, by login", `href="/ui/orgs/org00"`, `href="/ui/orgs/org24"`,
			`<a href="/ui/?page=2" aria-label="Page 2">2</a>`, `<th scope="row">This page</th>`)
		p.lacks(t, `href="/ui/orgs/org25"`)
		p = b.get("/ui/?page=2")
		p.contains(t, "Organizations 26–30 of 30", `href="/ui/orgs/org25"`, `href="/ui/orgs/org29"`, `<a href="/ui/" aria-label="Page 1">1</a>`)
		p.lacks(t, `href="/ui/orgs/org24"`)
		if p := b.get("/ui/?page=99"); !strings.Contains(p.body, "Organizations 26–30 of 30") {
			t.Errorf("past the end: %s", excerpt(p.body))
		}
	})
}

// TestCancelTeams: cancelling a team's seats shows first, for each member
// holding a seat, whether they lose it or keep it through another grant
// (ann's own seat), and the cost of those lost only; confirmed, the team's
// grant is pending cancellation; Undo keeps it.
func TestCancelTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		doc := strings.Replace(testSeed, `members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}]`,
			`members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}, {login: ann, joined_at: "2025-02-01T00:00:00Z"}]`, 1)
		e := newEnv(t, st, doc)
		b := e.signedIn("ghp_annWrite")
		b.get("/ui/orgs/acme/assign").contains(t, `action="/ui/orgs/acme/teams/cancel"`, `<input type="checkbox" name="team" value="web-team"> Web Team`)

		p, done := b.confirmed("/ui/orgs/acme/teams/cancel", url.Values{"team": {"web-team", "nosuch"}, "back": {"/ui/orgs/acme"}})
		if p.status != http.StatusOK {
			t.Fatalf("confirmation: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "Cancel the Copilot seats this team gives in acme?", "<strong>1 team</strong> ·",
			"<strong>19 USD</strong> a month less from 2026-04-01",
			"1 member loses a seat on 2026-04-01, 1 keeps one through another grant",
			`<li class="loses"><span class="who">cid</span> <span class="what">loses the seat on 2026-04-01</span></li>`,
			`<li class="keeps"><span class="who">ann</span> <span class="what">keeps the seat through a seat of their own</span></li>`,
			"no such team in acme", `<input type="hidden" name="team" value="web-team">`, "Cancel the seats of 1 team")
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		if d := e.pendingDate("cid"); d != "2026-04-01" {
			t.Errorf("cid pending %q", d)
		}
		if d := e.pendingDate("ann"); d != "" {
			t.Errorf("ann pending %q: her own seat stays", d)
		}
		page := b.get("/ui/orgs/acme")
		page.contains(t, "Cancelled the seats of the team Web Team. 1 seat stays billed until 2026-04-01, then ends; members with another grant keep theirs.",
			"Undo: keep this seat")
		// Planned again, the team is already pending.
		b.post("/ui/orgs/acme/teams/cancel", url.Values{"team": {"web-team"}}).contains(t, "already pending cancellation: the team&#39;s seats end 2026-04-01")

		m := undoID.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatal("no undo id")
		}
		if u := b.post("/ui/orgs/acme/undo", url.Values{"id": {m[1]}}); u.status != http.StatusSeeOther {
			t.Fatalf("undo: %d", u.status)
		}
		if d := e.pendingDate("cid"); d != "" {
			t.Errorf("cid still pending %q after undo", d)
		}
		b.get("/ui/orgs/acme").contains(t, "Kept the seats of the team web-team: the cancellation is withdrawn.")
	})
}

// TestCancelTeamHoldersChange: the key of a team's cancellation covers
// every member holding a seat, not only those shown. With one shown,
// fay leaves the team and hal joins it: the same counts, the same member
// shown (cid), and the stale confirmation asks again and cancels nothing.
func TestCancelTeamHoldersChange(t *testing.T) {
	defer func(n int) { maxShown = n }(maxShown)
	maxShown = 1
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		doc := strings.Replace(testSeed, `members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}]`,
			`members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}, {login: fay, joined_at: "2025-02-01T00:00:00Z"}]`, 1)
		e := newEnv(t, st, doc)
		b := e.signedIn("ghp_annWrite")
		form := url.Values{"team": {"web-team"}, "back": {"/ui/orgs/acme"}}
		p := b.post("/ui/orgs/acme/teams/cancel", form)
		const counts = "2 members lose their seats on 2026-04-01, 0 keep theirs through another grant"
		p.contains(t, counts, `<span class="who">cid</span> <span class="what">loses the seat on 2026-04-01</span>`, "And 1 more.")
		p.lacks(t, `<span class="who">fay`)
		key := p.confirmKey()
		ctx := context.Background()
		team, err := st.TeamByNameOrSlug(ctx, mustOrg(t, st, "acme").ID, "web-team")
		if err != nil {
			t.Fatal(err)
		}
		fay, err := st.UserByLogin(ctx, "fay")
		if err != nil {
			t.Fatal(err)
		}
		hal, err := st.UserByLogin(ctx, "hal")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RemoveTeamMember(ctx, team.ID, fay.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.AddTeamMember(ctx, team.ID, hal.ID, "", testNow); err != nil {
			t.Fatal(err)
		}
		form.Set("confirm", key)
		p = b.post("/ui/orgs/acme/teams/cancel", form)
		if p.status != http.StatusOK {
			t.Fatalf("confirmed with a stale key: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "The seats changed since you looked", counts, `<span class="who">cid</span>`, "And 1 more.")
		if d := e.pendingDate("cid"); d != "" {
			t.Errorf("cid cancelled on a stale confirmation: pending %q", d)
		}
		form.Set("confirm", p.confirmKey())
		if done := b.post("/ui/orgs/acme/teams/cancel", form); done.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %s", done.status, excerpt(done.body))
		}
		for _, login := range []string{"cid", "hal"} {
			if d := e.pendingDate(login); d != "2026-04-01" {
				t.Errorf("%s pending %q, want 2026-04-01", login, d)
			}
		}
	})
}

// TestCancelTeamKeptByAnotherTeam: a seat the cancelled team carries
// stays when another team's grant, newer and not pending cancellation,
// reaches its holder too; one pending cancellation only moves the date.
func TestCancelTeamKeptByAnotherTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		doc := strings.Replace(testSeed, `      - {name: Web Team, members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}]}`,
			`      - {name: Web Team, members: [{login: cid, joined_at: "2025-02-01T00:00:00Z"}, {login: fay, joined_at: "2025-02-01T00:00:00Z"}, {login: hal, joined_at: "2025-02-01T00:00:00Z"}]}
      - {name: Ops Team, members: [{login: fay, joined_at: "2025-02-01T00:00:00Z"}]}
      - {name: Old Team, members: [{login: hal, joined_at: "2025-02-01T00:00:00Z"}]}`, 1)
		doc = strings.Replace(doc, `      - {team: web-team, created_at: "2025-02-01T00:00:00Z"}`,
			`      - {team: web-team, created_at: "2025-02-01T00:00:00Z"}
      - {team: ops-team, created_at: "2025-05-01T00:00:00Z"}
      - {team: old-team, created_at: "2025-05-01T00:00:00Z", pending_cancellation_date: "2026-05-01"}`, 1)
		e := newEnv(t, st, doc)
		b := e.signedIn("ghp_annWrite")
		p := b.post("/ui/orgs/acme/teams/cancel", url.Values{"team": {"web-team"}})
		if p.status != http.StatusOK {
			t.Fatalf("confirmation: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, "2 members lose their seats on 2026-04-01, 1 keeps one through another grant", "<strong>38 USD</strong> a month less",
			`<li class="loses"><span class="who">cid</span> <span class="what">loses the seat on 2026-04-01</span></li>`,
			`<li class="keeps"><span class="who">fay <span class="muted">Fay Fisher</span></span> <span class="what">keeps the seat through the team Ops Team</span></li>`,
			`<li class="loses"><span class="who">hal</span> <span class="what">loses the seat on 2026-05-01</span></li>`)
	})
}

// TestCancelBigTeam: the confirmation of cancelling a team's seats counts
// every member, however many more than one read of their grants takes
// (store.MaxUsers).
func TestCancelBigTeam(t *testing.T) {
	const n = 2*store.MaxUsers + 50
	var users, members, team strings.Builder
	for i := range n {
		fmt.Fprintf(&users, ", {login: m%03d}", i)
		fmt.Fprintf(&members, ", {login: m%03d}", i)
		fmt.Fprintf(&team, ", m%03d", i)
	}
	doc := `users: [{login: own}` + users.String() + `]
organizations:
  - login: big
    copilot: {plan_type: business, seat_management_setting: assign_selected, public_code_suggestions: allow, billing_cycle_day: 1}
    members: [{login: own, role: admin}` + members.String() + `]
    teams: [{name: Many, members: [` + strings.TrimPrefix(team.String(), ", ") + `]}]
    seats: [{team: many}]
tokens:
  - {token: ghp_ownWrite, kind: classic, user: own, scopes: [read:org, manage_billing:copilot]}
`
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, doc)
		b := e.signedIn("ghp_ownWrite")
		p := b.post("/ui/orgs/big/teams/cancel", url.Values{"team": {"many"}})
		if p.status != http.StatusOK {
			t.Fatalf("confirmation: %d %s", p.status, excerpt(p.body))
		}
		p.contains(t, fmt.Sprintf("%s members lose their seats on 2026-04-01, 0 keep theirs through another grant", thousands(n)))
	})
}
