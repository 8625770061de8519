package dashboard

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// seatOf is the API's view of a member's seat now.
func (e *env) seatOf(login string) (seatkeeper.Seat, error) {
	e.t.Helper()
	org, err := e.st.OrgByLogin(context.Background(), "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	return (&copilot.Service{Store: e.st, Clock: e.clock}).SeatDetails(context.Background(), org, login, e.clock.Now())
}

func (e *env) pendingDate(login string) string {
	e.t.Helper()
	seat, err := e.seatOf(login)
	if err != nil {
		e.t.Fatalf("seat of %s: %v", login, err)
	}
	if seat.PendingCancellationDate == nil {
		return ""
	}
	return seat.PendingCancellationDate.String()
}

func TestNotSignedInRedirectsToSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.browser()
		for path, want := range map[string]string{
			"/ui/":                          "/ui/signin",
			"/ui/orgs/acme":                 "/ui/signin?next=%2Fui%2Forgs%2Facme",
			"/ui/orgs/acme?idle=30":         "/ui/signin?next=%2Fui%2Forgs%2Facme%3Fidle%3D30",
			"/ui/orgs/acme/seats.csv":       "/ui/signin?next=%2Fui%2Forgs%2Facme%2Fseats.csv",
			"/ui/orgs/acme/assign":          "/ui/signin?next=%2Fui%2Forgs%2Facme%2Fassign",
			"/ui/orgs/no-such-org-anywhere": "/ui/signin?next=%2Fui%2Forgs%2Fno-such-org-anywhere",
		} {
			if p := b.get(path); p.status != http.StatusSeeOther || p.location() != want {
				t.Errorf("GET %s: %d %q, want 303 %q", path, p.status, p.location(), want)
			}
		}
		for _, path := range []string{"/ui/orgs/acme/cancel", "/ui/orgs/acme/assign", "/ui/signout"} {
			if p := b.post(path, url.Values{"login": {"bob"}}); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/ui/signin") {
				t.Errorf("POST %s: %d %q", path, p.status, p.location())
			}
		}
		if p := b.get("/ui"); p.status != http.StatusMovedPermanently || p.location() != "/ui/" {
			t.Errorf("GET /ui: %d %q", p.status, p.location())
		}
		// The API is still the API, next to the dashboard.
		if p := b.get("/orgs/acme/copilot/billing"); p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Requires authentication") {
			t.Errorf("API: %d %s", p.status, p.body)
		}
		for _, path := range []string{"/uix", "/api/v3/ui/"} {
			if p := b.get(path); p.status != http.StatusNotFound || !strings.Contains(p.body, `"message":"Not Found"`) {
				t.Errorf("%s is not the API's: %d %s", path, p.status, p.body)
			}
		}
		if _, err := e.seatOf("bob"); err != nil {
			t.Fatal(err)
		}
		if d := e.pendingDate("bob"); d != "" {
			t.Errorf("bob pending %s after refused posts", d)
		}
	})
}

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)

		t.Run("cookies", func(t *testing.T) {
			b := e.browser()
			form := b.get("/ui/signin?next=%2Fui%2Forgs%2Facme")
			form.contains(t, `<label for="token">Token</label>`, `name="next" value="/ui/orgs/acme"`)
			p := b.post("/ui/signin", url.Values{"token": {" ghp_annWrite\n"}, "next": {"/ui/orgs/acme"}})
			if p.status != http.StatusSeeOther || p.location() != "/ui/orgs/acme" {
				t.Fatalf("sign in: %d %q", p.status, p.location())
			}
			var session *http.Cookie
			for _, c := range (&http.Response{Header: p.header}).Cookies() {
				if c.Name == sessionCookie {
					session = c
				}
			}
			if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/ui" || session.Secure {
				t.Fatalf("session cookie %+v", session)
			}
			if strings.Contains(session.Value, "annWrite") || session.Value == auth.Hash("ghp_annWrite") || len(session.Value) < 40 {
				t.Errorf("session cookie value %q", session.Value)
			}
			org := b.get("/ui/orgs/acme")
			if org.status != http.StatusOK {
				t.Fatalf("org page: %d", org.status)
			}
			org.lacks(t, "ghp_annWrite", auth.Hash("ghp_annWrite"))
			org.contains(t, "Signed in as <strong>ann (classic token ")
		})

		t.Run("secure cookie over TLS", func(t *testing.T) {
			b := e.browser()
			b.get("/ui/signin")
			p := b.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}}, "X-Forwarded-Proto: https")
			if !strings.Contains(p.header.Get("Set-Cookie"), "Secure") {
				t.Errorf("Set-Cookie %q", p.header.Values("Set-Cookie"))
			}
		})

		t.Run("refusals", func(t *testing.T) {
			for _, c := range []struct {
				token  string
				status int
				msg    string
			}{
				{"ghp_nobodyHasThisToken", http.StatusUnauthorized, "Bad credentials"},
				{"ghp_annExpired", http.StatusUnauthorized, "Bad credentials"},
				{strings.Repeat("x", 300), http.StatusUnauthorized, "Bad credentials"},
				{"", http.StatusUnprocessableEntity, "Paste a token"},
				{"ghp_annRepo", http.StatusForbidden, "This token cannot read Copilot seats"},
				{"github_pat_annMembersOnly", http.StatusForbidden, "This token cannot read Copilot seats"},
			} {
				b := e.browser()
				b.get("/ui/signin")
				p := b.post("/ui/signin", url.Values{"token": {c.token}})
				if p.status != c.status {
					t.Errorf("%.20s: %d, want %d", c.token, p.status, c.status)
				}
				p.contains(t, c.msg, `role="alert"`)
				if c.token != "" {
					p.lacks(t, c.token)
				}
				if b.get("/ui/").status != http.StatusSeeOther {
					t.Errorf("%.20s: signed in after a refusal", c.token)
				}
			}
		})

		t.Run("sign-in form CSRF", func(t *testing.T) {
			b := e.browser()
			b.get("/ui/signin")
			if p := b.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}, "csrf": {"forged"}}); p.status != http.StatusForbidden {
				t.Errorf("forged token: %d", p.status)
			}
			fresh := e.browser() // no sign-in cookie at all
			if p := fresh.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}, "csrf": {"anything"}}); p.status != http.StatusForbidden {
				t.Errorf("no cookie: %d", p.status)
			}
			b.get("/ui/signin")
			if p := b.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}}, "Sec-Fetch-Site: cross-site"); p.status != http.StatusForbidden {
				t.Errorf("cross-site: %d", p.status)
			}
		})

		t.Run("next stays on the dashboard", func(t *testing.T) {
			for _, next := range []string{"https://evil.example/", "//evil.example/ui/", "/orgs/acme", "/ui\\..\\x", ""} {
				b := e.browser()
				b.get("/ui/signin")
				p := b.post("/ui/signin", url.Values{"token": {"ghp_annWrite"}, "next": {next}})
				if p.status != http.StatusSeeOther || p.location() != "/ui/" {
					t.Errorf("next %q: %d %q", next, p.status, p.location())
				}
			}
		})

		t.Run("signed in, the form moves on", func(t *testing.T) {
			b := e.signedIn("ghp_annWrite")
			if p := b.get("/ui/signin?next=%2Fui%2Forgs%2Facme"); p.status != http.StatusSeeOther || p.location() != "/ui/orgs/acme" {
				t.Errorf("%d %q", p.status, p.location())
			}
		})
	})
}

func TestSignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		if p := b.post("/ui/signout", url.Values{"csrf": {"wrong"}}); p.status != http.StatusForbidden {
			t.Errorf("sign out with a bad CSRF token: %d", p.status)
		}
		if p := b.get("/ui/"); p.status != http.StatusOK {
			t.Fatalf("still signed in: %d", p.status)
		}
		p := b.post("/ui/signout", url.Values{})
		if p.status != http.StatusSeeOther || p.location() != "/ui/signin?why=out" {
			t.Fatalf("sign out: %d %q", p.status, p.location())
		}
		if p := b.get("/ui/signin?why=out"); !strings.Contains(p.body, "You are signed out.") {
			t.Errorf("sign-in page after signing out: %s", excerpt(p.body))
		}
		if p := b.get("/ui/"); p.status != http.StatusSeeOther {
			t.Errorf("after sign out: %d", p.status)
		}
		if n, err := e.dash.sessions.count(context.Background()); err != nil || n != 0 {
			t.Errorf("%d sessions left", n)
		}
	})
}

func TestSessionEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)

		// Revoking the token ends its sessions at once.
		b := e.signedIn("ghp_annRevocable")
		tok, err := st.TokenByHash(context.Background(), auth.Hash("ghp_annRevocable"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeToken(context.Background(), tok.ID, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if p := b.get("/ui/orgs/acme"); p.status != http.StatusSeeOther || p.location() != "/ui/signin?next=%2Fui%2Forgs%2Facme&why=ended" {
			t.Errorf("after revoking: %d %q", p.status, p.location())
		}
		if p := b.get("/ui/signin?why=ended"); !strings.Contains(p.body, "Your session has ended") {
			t.Errorf("no notice: %s", excerpt(p.body))
		}

		// A session idle for longer than sessionIdle ends, on the service clock.
		b = e.signedIn("ghp_annWrite")
		e.clock.Advance(sessionIdle - time.Minute)
		if p := b.get("/ui/"); p.status != http.StatusOK {
			t.Fatalf("within the idle time: %d", p.status)
		}
		e.clock.Advance(sessionIdle + time.Minute)
		if p := b.get("/ui/"); p.status != http.StatusSeeOther {
			t.Errorf("after the idle time: %d", p.status)
		}

		// Forged or stale cookies are just not signed in.
		c := e.browser()
		u, _ := url.Parse(e.srv.URL + "/ui/")
		c.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "forged", Path: "/ui"}})
		if p := c.get("/ui/"); p.status != http.StatusSeeOther {
			t.Errorf("forged cookie: %d", p.status)
		}
	})
}

func TestOrgsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		for _, c := range []struct {
			token      string
			see, hide  []string
			extraTexts []string
		}{
			// Active this cycle: ann and cid of 5 seats; 5 seats at 19 USD.
			{"ghp_annWrite", []string{"acme", "nocopilot"}, []string{"other"},
				[]string{"Copilot Business", ">95 USD<", "40%", "Copilot is not enabled", "Acme Corp"}},
			{"ghp_annRead", []string{"acme", "nocopilot"}, []string{"other"}, nil},
			{"ghp_rootAdmin", []string{"acme", "nocopilot", "other"}, nil,
				[]string{"As a site administrator you see every organization.", "Copilot Enterprise", ">39 USD<", ">134 USD<"}},
			{"github_pat_annSeatsRead", []string{"acme"}, []string{"other", "nocopilot"}, nil},
			{"ghs_acmeApp", []string{"acme"}, []string{"other", "nocopilot"}, []string{"GitHub App installation"}},
			{"ghp_bobRead", nil, []string{"acme", "other", "nocopilot"}, []string{"cannot see the Copilot seats of any organization"}},
		} {
			p := e.signedIn(c.token).get("/ui/")
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", c.token, p.status)
			}
			for _, org := range c.see {
				p.contains(t, `href="/ui/orgs/`+org+`"`)
			}
			for _, org := range c.hide {
				p.lacks(t, `href="/ui/orgs/`+org+`"`)
			}
			p.contains(t, c.extraTexts...)
		}
	})
}

func TestOrgPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		p := b.get("/ui/orgs/acme")
		if p.status != http.StatusOK {
			t.Fatalf("org page: %d %s", p.status, excerpt(p.body))
		}
		for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
			if p.header.Get(h) == "" {
				t.Errorf("no %s", h)
			}
		}
		if cc := p.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		p.contains(t,
			// The breakdown: 5 billed (gus's seat waits on his invitation), 2 active.
			`Total billed</span><span class="card-value">5</span>`, `95 USD a month`,
			`Active this cycle</span><span class="card-value">2</span>`,
			`Inactive this cycle</span><span class="card-value">3</span>`,
			`Pending cancellation</span><span class="card-value">1</span>`,
			`Pending invitation</span><span class="card-value">1</span>`,
			`billing cycle <time datetime="2026-03-01">2026-03-01</time> to <time datetime="2026-04-01">2026-04-01</time>`,
			// Both charts, as SVG with a text alternative.
			`<svg viewBox="0 0 640 270" role="img" aria-labelledby="idle-t idle-d"`,
			`<svg viewBox="0 0 640 270" role="img" aria-labelledby="cycles-t cycles-d"`,
			`<title>0–6 days idle: 1</title>`, `<title>7–29 days idle: 1</title>`, `<title>30–89 days idle: 1</title>`,
			`<title>90 or more days idle: 2</title>`, `1 seat was never used`,
			// Idle 90+ days (bob, dee) and pending (eve), with what they cost.
			`Idle 90 days or more</span><span class="card-value">2</span><span class="card-note">38 USD a month`,
			`<span class="card-note">19 USD a month, billed until each seat's date`,
			// Billed seats per cycle: hal's seat ended on 2025-09-01, bob came in June, dee in November.
			`<title>2025-04-01 to 2025-04-30: 4</title>`, `<title>2025-06-01 to 2025-06-30: 5</title>`,
			`<title>2025-08-01 to 2025-08-31: 5</title>`, `<title>2025-09-01 to 2025-09-30: 4</title>`,
			`<title>2025-11-01 to 2025-11-30: 5</title>`, `<title>2026-03-01 to 2026-03-31 (current cycle): 5</title>`,
			// The table, with headers and a grant column naming the team.
			`<th scope="col" aria-sort="descending" class="num"><a href="/ui/orgs/acme?dir=asc&amp;sort=idle#seats">Days idle`,
			`team <span class="team">Web Team</span>`, `<span class="badge">ends 2026-04-01</span>`,
			`<span title="vscode/1.99.3/copilot-chat/0.26.7">VS Code 1.99 · Copilot Chat 0.26</span>`, `Seats 1–5 of 5`,
			`dee <span class="muted name">Dee Dowling</span>`,
			// Owners who may write get the boxes and the button.
			`name="login" value="bob"`, `Cancel selected seats…`, `Assign seats…`,
		)
		if got, want := p.logins(), []string{"dee", "bob", "eve", "cid", "ann"}; !slices.Equal(got, want) {
			t.Errorf("default order (most idle first) %v, want %v", got, want)
		}
		// (By their checkboxes: a bare "fay" may occur in a random token.)
		p.lacks(t, `value="gus"`, `value="hal"`, `value="fay"`)

		for query, want := range map[string][]string{
			"?idle=30":                         {"dee", "bob", "eve"},
			"?idle=100&sort=login&dir=asc":     {"bob", "dee"},
			"?never=1":                         {"dee"},
			"?pending=1":                       {"eve"},
			"?grant=team%3Aweb-team":           {"cid"},
			"?grant=direct&sort=login&dir=asc": {"ann", "bob", "dee", "eve"},
			"?q=E":                             {"dee", "eve"},
			"?q=dowl":                          {"dee"}, // by name
			"?sort=login&dir=asc":              {"ann", "bob", "cid", "dee", "eve"},
			"?sort=login&dir=desc":             {"eve", "dee", "cid", "bob", "ann"},
			"?sort=created&dir=asc":            {"ann", "cid", "eve", "bob", "dee"},
			"?sort=activity&dir=desc":          {"ann", "cid", "eve", "bob", "dee"},
			"?sort=grant&dir=asc":              {"ann", "bob", "dee", "eve", "cid"},
			"?sort=editor&dir=asc":             {"dee", "bob", "cid", "ann", "eve"},
			"?sort=pending&dir=desc":           {"eve", "ann", "bob", "cid", "dee"},
			"?idle=1000":                       nil,
			"?per_page=25&page=9":              {"dee", "bob", "eve", "cid", "ann"}, // past the end: the last page
			"?sort=bogus&idle=x&page=-1":       {"dee", "bob", "eve", "cid", "ann"},
		} {
			p := b.get("/ui/orgs/acme" + query)
			if p.status != http.StatusOK {
				t.Errorf("%s: %d", query, p.status)
				continue
			}
			if got := p.logins(); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", query, got, want)
			}
		}
		p = b.get("/ui/orgs/acme?idle=30")
		p.contains(t, `Seats 1–3 of 3 matching the filter (of 5)`, `57 USD a month`,
			`href="/ui/orgs/acme/seats.csv?idle=30"`, `<input id="f-idle" name="idle" type="number" min="0" step="1" inputmode="numeric" value="30">`)
		b.get("/ui/orgs/acme?idle=1000").contains(t, "No seat matches the filter.")

		// Logins are matched without case in the path, as on GitHub.
		if p := b.get("/ui/orgs/ACME"); p.status != http.StatusOK {
			t.Errorf("/ui/orgs/ACME: %d", p.status)
		}
	})
}

func TestOrgPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var doc strings.Builder
		doc.WriteString("users: [{login: owner}")
		for i := range 60 {
			doc.WriteString(", {login: m" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "}")
		}
		doc.WriteString("]\norganizations:\n  - login: big\n    copilot: {public_code_suggestions: allow}\n    members: [{login: owner, role: admin}")
		for i := range 60 {
			doc.WriteString(", {login: m" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "}")
		}
		doc.WriteString("]\n    seats: [")
		for i := range 60 {
			if i > 0 {
				doc.WriteString(", ")
			}
			doc.WriteString("{user: m" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "}")
		}
		doc.WriteString("]\ntokens: [{token: ghp_bigOwner, user: owner, scopes: [read:org]}]\n")
		e := newEnv(t, st, doc.String())
		b := e.signedIn("ghp_bigOwner")
		p := b.get("/ui/orgs/big?sort=login&dir=asc")
		if got := p.logins(); len(got) != 50 || got[0] != "maa" || got[49] != "mbx" {
			t.Fatalf("first page %v", got)
		}
		p.contains(t, `Seats 1–50 of 60`, `aria-current="page">1</a>`,
			`<a href="/ui/orgs/big?dir=asc&amp;page=2&amp;sort=login#seats" rel="next">Next</a>`)
		p.lacks(t, `rel="prev"`, `name="login"`) // a read-only token: no boxes
		p = b.get("/ui/orgs/big?sort=login&dir=asc&page=2")
		if got := p.logins(); len(got) != 10 || got[0] != "mby" || got[9] != "mch" {
			t.Errorf("second page %v", got)
		}
		p.contains(t, `Seats 51–60 of 60`, `rel="prev">Previous</a>`)
		p = b.get("/ui/orgs/big?sort=login&dir=asc&per_page=25&page=3")
		if got := p.logins(); len(got) != 10 || got[0] != "mby" {
			t.Errorf("third page of 25 %v", got)
		}
	})
}

func TestOrgRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)

		// bob is a member of acme, not an owner.
		bob := e.signedIn("ghp_bobRead")
		for _, path := range []string{"/ui/orgs/acme", "/ui/orgs/acme/seats.csv", "/ui/orgs/acme/assign"} {
			p := bob.get(path)
			if p.status != http.StatusForbidden {
				t.Errorf("bob %s: %d", path, p.status)
			}
			p.contains(t, "You cannot see acme&#39;s Copilot seats", "Signed in as <strong>bob")
		}
		bob.get("/ui/")
		if p := bob.post("/ui/orgs/acme/cancel", url.Values{"login": {"ann"}, "confirm": {"yes"}}); p.status != http.StatusForbidden {
			t.Errorf("bob cancels: %d", p.status)
		}
		// A fine-grained token for acme cannot see another org.
		fg := e.signedIn("github_pat_annSeatsRead")
		if p := fg.get("/ui/orgs/nocopilot"); p.status != http.StatusForbidden {
			t.Errorf("fine-grained token, other org: %d", p.status)
		}
		if p := fg.get("/ui/orgs/nope"); p.status != http.StatusNotFound || !strings.Contains(p.body, "There is no organization named nope.") {
			t.Errorf("unknown org: %d", p.status)
		}
		if p := fg.get("/ui/nothing/here"); p.status != http.StatusNotFound || !strings.Contains(p.body, "Page not found") {
			t.Errorf("unknown page: %d", p.status)
		}
		// No Copilot: the page says so.
		ann := e.signedIn("ghp_annWrite")
		p := ann.get("/ui/orgs/nocopilot")
		if p.status != http.StatusOK {
			t.Errorf("nocopilot: %d", p.status)
		}
		p.contains(t, copilot.MsgNotEnabled)
		p.lacks(t, "Assign seats…")
		if p := ann.get("/ui/orgs/nocopilot/seats.csv"); p.status != http.StatusUnprocessableEntity {
			t.Errorf("nocopilot CSV: %d", p.status)
		}
	})
}

// TestSiteAdminNeedsTheScope: a site administrator sees every org's seats
// in the dashboard only with a token the API takes as a site
// administrator's (auth.CheckSiteAdmin: the site_admin scope); without it,
// the dashboard, like the API, shows only the orgs the user owns (root
// owns none).
func TestSiteAdminNeedsTheScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		for _, c := range []struct {
			token string
			want  int // status of every org's page and CSV
		}{
			{"ghp_rootAdmin", http.StatusOK},
			{"ghp_rootRead", http.StatusForbidden},
		} {
			b := e.signedIn(c.token)
			for _, path := range []string{"/ui/orgs/acme", "/ui/orgs/other/seats.csv"} {
				if p := b.get(path); p.status != c.want {
					t.Errorf("%s %s: %d, want %d", c.token, path, p.status, c.want)
				}
			}
			orgs := b.get("/ui/")
			if c.want == http.StatusOK {
				orgs.contains(t, "As a site administrator you see every organization.", `href="/ui/orgs/other"`)
			} else {
				orgs.lacks(t, "As a site administrator", `href="/ui/orgs/`)
			}
		}
	})
}

func TestCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annRead")
		p := b.get("/ui/orgs/acme/seats.csv?idle=30&sort=login&dir=asc&page=2&per_page=25")
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %q", p.status, p.header.Get("Content-Type"))
		}
		if cd := p.header.Get("Content-Disposition"); cd != `attachment; filename="acme-seats-2026-03-20.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"login", "last_activity_at", "last_activity_editor", "days_idle", "grant_type", "grant", "created_at", "pending_cancellation_date", "monthly_cost_usd"},
			{"bob", "2025-12-01T08:00:00Z", "JetBrains-IC/2024.1/copilot-intellij/1.5.0", "109", "direct", "direct", "2025-06-01T09:00:00Z", "", "19.00"},
			{"dee", "", "", "125", "direct", "direct", "2025-11-15T12:00:00Z", "", "19.00"},
			{"eve", "2026-01-10T11:00:00Z", "vscode/1.99.3/copilot-chat/0.26.7", "69", "direct", "direct", "2025-03-01T09:00:00Z", "2026-04-01", "19.00"},
		}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("CSV\n%v\nwant\n%v", rows, want)
		}
		all := b.get("/ui/orgs/acme/seats.csv")
		if n := strings.Count(all.body, "\n"); n != 6 {
			t.Errorf("unfiltered CSV has %d lines:\n%s", n, all.body)
		}
		if !strings.Contains(all.body, "\ncid,2026-03-01T10:00:00Z,vim/9.1/copilot.vim/1.40.0,19,team,web-team,") {
			t.Errorf("team row:\n%s", all.body)
		}
	})
}

func TestWriteRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		for _, c := range []struct {
			token, msg string
		}{
			{"ghp_annRead", "This token can only read seats. To assign or cancel them, sign in with a token that may write: the manage_billing:copilot or admin:org scope."},
			{"github_pat_annSeatsRead", "sign in with a token that may write: organization_copilot_seat_management or organization_administration at write."},
			{"ghp_rootAdmin", "You can see acme&#39;s seats as a site administrator; only its owners can assign or cancel them."},
		} {
			b := e.signedIn(c.token)
			p := b.get("/ui/orgs/acme")
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", c.token, p.status)
			}
			p.contains(t, c.msg)
			p.lacks(t, `name="login"`, "Cancel selected seats", "Assign seats…")
			for _, action := range []string{"cancel", "assign"} {
				for _, confirm := range []string{"", "yes"} {
					p := b.post("/ui/orgs/acme/"+action, url.Values{"login": {"bob"}, "confirm": {confirm}})
					if p.status != http.StatusForbidden {
						t.Errorf("%s %s %q: %d", c.token, action, confirm, p.status)
					}
					p.contains(t, c.msg)
				}
			}
			if p := b.get("/ui/orgs/acme/assign"); p.status != http.StatusForbidden {
				t.Errorf("%s assign page: %d", c.token, p.status)
			}
		}
		if d := e.pendingDate("bob"); d != "" {
			t.Errorf("bob pending %s", d)
		}
		// The installation token may write, as through the API.
		app := e.signedIn("ghs_acmeApp")
		app.get("/ui/orgs/acme")
		if _, p := app.confirmed("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}}); p.status != http.StatusSeeOther {
			t.Errorf("installation token: %d %s", p.status, excerpt(p.body))
		}
		if d := e.pendingDate("bob"); d != "2026-04-01" {
			t.Errorf("bob pending %q", d)
		}
	})
}

func TestCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, testSeed)
		b := e.signedIn("ghp_annWrite")
		other := e.signedIn("ghp_annRead") // a real token of another session
		for name, c := range map[string]struct {
			form    url.Values
			headers []string
		}{
			"missing":       {url.Values{"csrf": {""}}, nil},
			"wrong":         {url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, nil},
			"other session": {url.Values{"csrf": {other.csrf}}, nil},
			"cross-site":    {url.Values{}, []string{"Sec-Fetch-Site: cross-site"}},
			"other origin":  {url.Values{}, []string{"Origin: http://elsewhere.test"}},
		} {
			for _, action := range []string{"cancel", "assign"} {
				b.get("/ui/orgs/acme")
				form := url.Values{}
				for k, v := range c.form {
					form[k] = slices.Clone(v)
				}
				form.Set("login", "bob")
				form.Set("logins", "fay")
				form.Set("confirm", "yes")
				p := b.post("/ui/orgs/acme/"+action, form, c.headers...)
				if p.status != http.StatusForbidden {
					t.Errorf("%s %s: %d", name, action, p.status)
				}
				p.contains(t, "security token does not match")
			}
		}
		if d := e.pendingDate("bob"); d != "" {
			t.Errorf("bob pending %s", d)
		}
		if _, err := e.seatOf("fay"); !seatkeeper.IsNotFound(err) {
			t.Errorf("fay has a seat: %v", err)
		}
		// With the right token it goes through.
		b.get("/ui/orgs/acme")
		key := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}}).confirmKey()
		if p := b.post("/ui/orgs/acme/cancel", url.Values{"login": {"bob"}, "confirm": {key}}, "Sec-Fetch-Site: same-origin"); p.status != http.StatusSeeOther {
			t.Errorf("right token: %d", p.status)
		}
	})
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), "")
	b := e.browser()
	for path, ctype := range map[string]string{
		"/ui/static/app.css":     "text/css; charset=utf-8",
		"/ui/static/app.js":      "text/javascript; charset=utf-8",
		"/ui/static/favicon.svg": "image/svg+xml",
	} {
		p := b.get(path + "?v=" + e.dash.version)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != ctype || p.body == "" {
			t.Errorf("%s: %d %q", path, p.status, p.header.Get("Content-Type"))
		}
	}
	for _, path := range []string{"/ui/static/", "/ui/static/nope.css"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, p.status)
		}
	}
	// Nothing on any page is fetched from elsewhere.
	p := b.get("/ui/signin")
	for _, s := range []string{"http://", "https://", "//cdn"} {
		if strings.Contains(p.body, `src="`+s) || strings.Contains(p.body, `href="`+s) {
			t.Errorf("external resource %s", s)
		}
	}
	css := b.get("/ui/static/app.css").body
	if strings.Contains(css, "@import") || strings.Contains(css, "url(") {
		t.Error("the stylesheet loads something")
	}
}

// TestRequestsCounted checks that the dashboard's requests are counted in
// GET /metrics beside the API's, by route pattern and status.
func TestRequestsCounted(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), testSeed)
	b := e.browser()
	for range 2 {
		if p := b.get("/ui/signin"); p.status != http.StatusOK {
			t.Fatalf("sign-in form: %d", p.status)
		}
	}
	b.get("/ui/nowhere")
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer ghp_rootAdmin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`seatkeeper_http_requests_total{route="GET /ui/signin",status="200"} 2` + "\n",
		`seatkeeper_http_requests_total{route="unmatched",status="404"} 1` + "\n",
		`seatkeeper_http_request_duration_seconds_count{route="GET /ui/signin"} 2` + "\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
