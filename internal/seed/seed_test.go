package seed_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

var now = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

// full uses every key of the format.
const full = `
users:
  - {login: octocat, id: 1, name: The Octocat, email: octocat@example.com, site_admin: true}
  - {login: hubot}
  - {login: mona}
  - {login: nestor}
enterprises:
  - slug: acme
    name: Acme
    owners: [octocat]
    teams:
      - {name: Copilot Pioneers, description: Early adopters., members: [Mona]}
organizations:
  - login: github
    id: 9919
    enterprise: ACME
    description: How people build software.
    copilot:
      plan_type: enterprise
      seat_management_setting: assign_selected
      public_code_suggestions: allow
      ide_chat: enabled
      platform_chat: disabled
      cli: enabled
      billing_cycle_day: 15
    members:
      - {login: octocat, role: admin}
      - {login: Hubot, role: member}
      - {login: mona, role: member, state: pending}
      - {login: nestor}
    teams:
      # The child comes first: parents are created before children anyway.
      - {name: Juniors, parent: Justice-League, members: [nestor]}
      - name: Justice League
        slug: justice-league
        description: A great team.
        privacy: closed
        notification_setting: notifications_disabled
        permission: push
        parent: null
        members: [hubot]
    seats:
      - {user: octocat, created_at: "2021-08-03T18:00:00-06:00", pending_cancellation_date: null}
      - {team: justice-league}
      - {enterprise_team: copilot-pioneers}
      - {user: nestor, created_at: 2024-01-01T00:00:00Z, pending_cancellation_date: 2026-07-01}
    activity:
      - {user: octocat, last_activity_at: "2021-10-14T00:53:32-06:00", last_activity_editor: vscode/1.77.3/copilot/1.86.82}
  - login: plain
    members: [{login: hubot, role: admin}]
tokens:
  - {token: ghp_example_owner_read_org, kind: classic, user: octocat, scopes: [read:org], expires_at: null}
  - {token: gho_example, user: octocat, scopes: [manage_billing:copilot], expires_at: "2027-01-01T02:00:00+02:00"}
  - {token: github_pat_example, kind: fine_grained, user: octocat, organization: github, permissions: {organization_copilot_seat_management: read}}
  - {token: ghs_example, kind: installation, organization: GitHub, permissions: {organization_copilot_seat_management: write, members: read}}
  - {token: custom-literal, kind: classic, user: hubot}
`

// sha is a well-formed token hash.
var sha = auth.Hash("ghp_some_token")

// literals are the token values of full.
var literals = []string{"ghp_example_owner_read_org", "gho_example", "github_pat_example", "ghs_example", "custom-literal"}

// load loads doc, allowing weak literal tokens, which the tests use
// (TestWeakTokensRefused checks the refusal).
func load(st *store.Store, doc string) error {
	d, err := seed.Parse([]byte(doc))
	if err != nil {
		return err
	}
	d.AllowWeakTokens = true
	return d.Load(context.Background(), st, now)
}

// TestWeakTokensRefused: a literal token that is easy to guess is refused,
// naming where it is and why, never quoting it, and nothing is written;
// with the allowance it loads. A token given by its hash is never judged.
func TestWeakTokensRefused(t *testing.T) {
	strong, err := auth.Generate(seatkeeper.TokenClassic)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, c := range []struct {
			token, why string
		}{
			{"ghp_billing", "tokens[1].token: refused as easy to guess: it has fewer than 20 characters after its prefix."},
			{"ghp_00000000000000000000000000000000000a", "tokens[1].token: refused as easy to guess: its characters repeat too much"},
			{"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", "tokens[1].token: refused as easy to guess: it is published"},
		} {
			doc := "users: [{login: ann}]\ntokens:\n  - {token: " + strong + ", user: ann}\n  - {token: " + c.token + ", user: ann}\n" +
				"  - {token_sha256: " + auth.Hash("short") + ", kind: classic, user: ann}\n"
			d, err := seed.Parse([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			err = d.Load(context.Background(), st, now)
			if err == nil || !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "--allow-weak-tokens") ||
				seatkeeper.KindOf(err) != seatkeeper.KindInvalid {
				t.Fatalf("%s: %v, want %q", auth.Hint(c.token), err, c.why)
			}
			if strings.Contains(err.Error(), c.token) {
				t.Errorf("the error quotes the token: %v", err)
			}
			if _, err := st.TokenByHash(context.Background(), auth.Hash(strong)); !seatkeeper.IsNotFound(err) {
				t.Errorf("a refused document wrote its first token: %v", err)
			}
		}
		if err := load(st, "users: [{login: ann}]\ntokens: [{token: ghp_billing, user: ann}]\n"); err != nil {
			t.Errorf("with the allowance: %v", err)
		}
	})
}

func mustLoad(t *testing.T, st *store.Store, doc string) {
	t.Helper()
	if err := load(st, doc); err != nil {
		t.Fatalf("load: %v", err)
	}
}

// must returns v, failing the test on err.
func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestLoadFull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustLoad(t, st, full)

		users := must[[]seatkeeper.User](t)(st.Users(ctx))
		logins := map[string]seatkeeper.User{}
		for _, u := range users {
			logins[u.Login] = u
		}
		if got := slices.Sorted(maps.Keys(logins)); !slices.Equal(got, []string{"hubot", "mona", "nestor", "octocat"}) {
			t.Fatalf("users = %v", got)
		}
		octocat, hubot, mona, nestor := logins["octocat"], logins["hubot"], logins["mona"], logins["nestor"]
		want := seatkeeper.User{ID: 1, Login: "octocat", Name: "The Octocat", Email: "octocat@example.com", SiteAdmin: true, CreatedAt: now, UpdatedAt: now}
		if octocat != want {
			t.Errorf("octocat = %+v, want %+v", octocat, want)
		}

		acme := must[seatkeeper.Enterprise](t)(st.EnterpriseBySlug(ctx, "acme"))
		if acme.Name != "Acme" {
			t.Errorf("enterprise name = %q", acme.Name)
		}
		if owners := must[[]seatkeeper.User](t)(st.EnterpriseOwners(ctx, acme.ID)); len(owners) != 1 || owners[0].ID != octocat.ID {
			t.Errorf("enterprise owners = %v", owners)
		}
		pioneers := must[seatkeeper.EnterpriseTeam](t)(st.EnterpriseTeamBySlug(ctx, acme.ID, "copilot-pioneers"))
		if pioneers.Name != "Copilot Pioneers" || pioneers.Description != "Early adopters." {
			t.Errorf("enterprise team = %+v", pioneers)
		}
		if ids := must[[]int64](t)(st.EnterpriseTeamMemberIDs(ctx, pioneers.ID)); !slices.Equal(ids, []int64{mona.ID}) {
			t.Errorf("enterprise team members = %v", ids)
		}

		github := must[seatkeeper.Organization](t)(st.OrgByLogin(ctx, "github"))
		if github.ID != 9919 || github.EnterpriseID != acme.ID || github.Description != "How people build software." || !github.CreatedAt.Equal(now) {
			t.Errorf("org = %+v", github)
		}
		sub := must[seatkeeper.Subscription](t)(st.Subscription(ctx, github.ID))
		wantSub := seatkeeper.Subscription{OrgID: github.ID, PlanType: "enterprise", SeatManagementSetting: "assign_selected",
			PublicCodeSuggestions: "allow", IDEChat: "enabled", PlatformChat: "disabled", CLI: "enabled", BillingCycleDay: 15,
			CreatedAt: now, UpdatedAt: now}
		if sub != wantSub {
			t.Errorf("subscription = %+v, want %+v", sub, wantSub)
		}

		roles := map[int64]string{}
		for _, m := range must[[]seatkeeper.Membership](t)(st.Memberships(ctx, github.ID)) {
			roles[m.UserID] = m.Role + "/" + m.State
		}
		wantRoles := map[int64]string{octocat.ID: "admin/active", hubot.ID: "member/active", mona.ID: "member/pending", nestor.ID: "member/active"}
		if !maps.Equal(roles, wantRoles) {
			t.Errorf("memberships = %v, want %v", roles, wantRoles)
		}

		league := must[seatkeeper.Team](t)(st.TeamBySlug(ctx, github.ID, "justice-league"))
		juniors := must[seatkeeper.Team](t)(st.TeamBySlug(ctx, github.ID, "juniors"))
		if league.ParentID != 0 || league.Privacy != "closed" || league.NotificationSetting != "notifications_disabled" ||
			league.Permission != "push" || league.Description != "A great team." {
			t.Errorf("parent team = %+v", league)
		}
		if juniors.ParentID != league.ID || juniors.Name != "Juniors" || juniors.Privacy != "closed" ||
			juniors.NotificationSetting != "notifications_enabled" || juniors.Permission != "pull" {
			t.Errorf("child team = %+v (parent id %d)", juniors, league.ID)
		}
		if ids := must[[]int64](t)(st.TeamMemberIDs(ctx, juniors.ID)); !slices.Equal(ids, []int64{nestor.ID}) {
			t.Errorf("child team members = %v", ids)
		}

		grants := must[[]seatkeeper.Grant](t)(st.Grants(ctx, github.ID))
		if len(grants) != 4 {
			t.Fatalf("grants = %+v", grants)
		}
		direct := time.Date(2021, 8, 4, 0, 0, 0, 0, time.UTC)
		july := seatkeeper.Date{Time: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
		for i, w := range []seatkeeper.Grant{
			{Kind: seatkeeper.GrantUser, UserID: octocat.ID, CreatedAt: direct, UpdatedAt: direct},
			{Kind: seatkeeper.GrantTeam, TeamID: league.ID, CreatedAt: now, UpdatedAt: now},
			{Kind: seatkeeper.GrantEnterpriseTeam, EnterpriseTeamID: pioneers.ID, CreatedAt: now, UpdatedAt: now},
			{Kind: seatkeeper.GrantUser, UserID: nestor.ID, CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
				UpdatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), PendingCancellationDate: &july},
		} {
			g := grants[i]
			w.ID, w.OrgID = g.ID, github.ID
			// fmt prints the pending cancellation date, not the pointer.
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("grant %d = %+v, want %+v", i, g, w)
			}
		}

		act := must[seatkeeper.Activity](t)(st.Activity(ctx, github.ID, octocat.ID))
		if act.LastActivityAt == nil || !act.LastActivityAt.Equal(time.Date(2021, 10, 14, 6, 53, 32, 0, time.UTC)) ||
			act.LastActivityEditor != "vscode/1.77.3/copilot/1.86.82" {
			t.Errorf("activity = %+v", act)
		}

		plain := must[seatkeeper.Organization](t)(st.OrgByLogin(ctx, "plain"))
		if plain.EnterpriseID != 0 {
			t.Errorf("plain org enterprise = %d", plain.EnterpriseID)
		}
		if _, err := st.Subscription(ctx, plain.ID); !seatkeeper.IsNotFound(err) {
			t.Errorf("plain org has Copilot: %v", err)
		}

		expires := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			literal     string
			kind        seatkeeper.TokenKind
			user, org   int64
			scopes      []string
			permissions map[string]string
			expires     *time.Time
		}{
			{"ghp_example_owner_read_org", seatkeeper.TokenClassic, octocat.ID, 0, []string{"read:org"}, nil, nil},
			{"gho_example", seatkeeper.TokenOAuth, octocat.ID, 0, []string{"manage_billing:copilot"}, nil, &expires},
			{"github_pat_example", seatkeeper.TokenFineGrained, octocat.ID, github.ID, nil,
				map[string]string{"organization_copilot_seat_management": "read"}, nil},
			{"ghs_example", seatkeeper.TokenInstallation, 0, github.ID, nil,
				map[string]string{"organization_copilot_seat_management": "write", "members": "read"}, nil},
			{"custom-literal", seatkeeper.TokenClassic, hubot.ID, 0, nil, nil, nil},
		} {
			tok, err := st.TokenByHash(ctx, auth.Hash(c.literal))
			if err != nil {
				t.Errorf("token %s: %v", c.literal, err)
				continue
			}
			if tok.Kind != c.kind || tok.UserID != c.user || tok.OrgID != c.org || !slices.Equal(tok.Scopes, c.scopes) ||
				len(tok.Permissions) != len(c.permissions) || !maps.Equal(tok.Permissions, c.permissions) ||
				tok.Hint != auth.Hint(c.literal) || !tok.CreatedAt.Equal(now) || tok.RevokedAt != nil ||
				(tok.ExpiresAt == nil) != (c.expires == nil) || tok.ExpiresAt != nil && !tok.ExpiresAt.Equal(*c.expires) {
				t.Errorf("token %s = %+v", c.literal, tok)
			}
		}
		assertNoLiterals(t, st)
	})
}

// assertNoLiterals fails when any column of any token row contains a token
// literal of full.
func assertNoLiterals(t *testing.T, st *store.Store) {
	t.Helper()
	rows, err := st.DB().Query(`SELECT * FROM tokens`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			text := fmt.Sprint(v)
			if b, ok := v.([]byte); ok {
				text = string(b)
			}
			for _, lit := range literals {
				if strings.Contains(text, lit) {
					t.Errorf("tokens.%s holds the literal %q", cols[i], lit)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(literals) {
		t.Errorf("%d token rows, want %d", n, len(literals))
	}
}

// tables are counted to check that a failed load writes nothing.
var tables = []string{
	"users", "enterprises", "enterprise_owners", "enterprise_teams", "enterprise_team_members", "organizations",
	"org_memberships", "teams", "team_members", "copilot_subscriptions", "copilot_grants", "copilot_residual_seats",
	"copilot_activity", "tokens",
}

func rowCounts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

// existing is loaded before each invalid document, which may refer to it.
const existing = `
users: [{login: octocat, id: 1}, {login: hubot}, {login: mona}]
enterprises:
  - {slug: acme, owners: [octocat], teams: [{name: Pioneers, members: [mona]}]}
organizations:
  - {login: existing-org, enterprise: acme, members: [{login: octocat, role: admin}]}
tokens:
  - {token: ghp_existing, user: octocat, scopes: [read:org]}
`

// orgDoc is a document that adds a user and an organization with Copilot,
// three members and a team; extra continues the organization's keys.
func orgDoc(extra string) string {
	return `users: [{login: nova}]
organizations:
  - login: neworg
    enterprise: acme
    copilot: {}
    members: [{login: octocat, role: admin}, {login: hubot}, {login: nova, state: pending}]
` + extra
}

// tokenDoc is a document that adds a user and the given token entry.
func tokenDoc(token string) string {
	return "users: [{login: nova}]\ntokens:\n  - " + token + "\n"
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		// Parsing.
		{"unknown key", "user: []", `line 1: unknown key "user"`},
		{"bare org member", "users: [{login: a}]\norganizations: [{login: o, members: [a]}]",
			`line 2: an organization member is a mapping such as {login: a}, not a bare login`},
		{"many errors", "users: [{login: a, x: 1}, {login: b, x: 1}, {login: c, x: 1}, {login: d, x: 1}, {login: e, x: 1}]",
			`line 1: unknown key "x"; line 1: unknown key "x"; line 1: unknown key "x"; and 2 more`},
		{"unknown nested key", orgDoc("    teams:\n      - {name: Beta, privcy: closed}\n"), `line 8: unknown key "privcy"`},
		{"wrong type", "users: [{login: nova, id: seven}]", "line 1: cannot unmarshal !!str `seven` into int64"},
		{"two documents", "users: []\n---\nusers: []\n", "a seed file holds a single YAML document"},

		// Users.
		{"missing login", "users: [{name: Nobody}]", "users[0].login: required"},
		{"duplicate login", "users: [{login: nova}, {login: Nova}]", `users[1].login: duplicate login "Nova" (also users[0])`},
		{"login of a stored user", "users: [{login: OctoCat}]", `users[0].login: duplicate login "OctoCat" (a user already in the database)`},
		{"login of a stored org", "users: [{login: Existing-Org}]", `users[0].login: duplicate login "Existing-Org" (an organization already in the database)`},
		{"org login of a user", "users: [{login: nova}]\norganizations: [{login: NOVA}]", `organizations[0].login: duplicate login "NOVA" (also users[0])`},
		{"duplicate id", "users: [{login: a, id: 50}, {login: b, id: 50}]", "users[1] (b).id: duplicate id 50 (also users[0])"},
		{"id of a stored user", "users: [{login: nova, id: 1}]", "users[0] (nova).id: duplicate id 1 (a user already in the database)"},
		{"negative id", "organizations: [{login: neworg, id: -3}]", "organizations[0] (neworg).id: -3 is outside GitHub's id range (1 to 4294967295)"},
		{"id beyond GitHub's range", "users: [{login: huge, id: 9223372036854775807}]",
			"users[0] (huge).id: 9223372036854775807 is outside GitHub's id range (1 to 4294967295)"},
		{"team id beyond GitHub's range", orgDoc("    teams: [{name: Big, id: 4294967296}]\n"),
			"organizations[0] (neworg).teams[0] (big).id: 4294967296 is outside GitHub's id range (1 to 4294967295)"},

		// Enterprises.
		{"stored enterprise", "enterprises: [{slug: ACME}]", `enterprises[0].slug: duplicate enterprise "ACME" (already in the database)`},
		{"duplicate enterprise", "enterprises: [{slug: e}, {slug: E}]", `enterprises[1].slug: duplicate enterprise "E" (also enterprises[0])`},
		{"missing enterprise slug", "enterprises: [{name: Nameless}]", "enterprises[0].slug: required"},
		{"unknown owner", "enterprises: [{slug: e, owners: [ghost]}]", `enterprises[0] (e).owners[0]: unknown user "ghost"`},
		{"duplicate owner", "enterprises: [{slug: e, owners: [octocat, OCTOCAT]}]", `enterprises[0] (e).owners[1]: duplicate user "OCTOCAT" (also owners[0])`},
		{"unknown enterprise team member", "enterprises: [{slug: e, teams: [{name: T, members: [ghost]}]}]",
			`enterprises[0] (e).teams[0] (t).members[0]: unknown user "ghost"`},
		{"enterprise seats without copilot", "enterprises: [{slug: e, seats: [{user: octocat}]}]",
			`enterprises[0] (e).seats: the enterprise has no Copilot subscription of its own: add a copilot section`},
		{"enterprise seat to an org team", "enterprises: [{slug: e, copilot: {}, seats: [{team: t}]}]",
			`enterprises[0] (e).seats[0] (t): an enterprise seat needs exactly one of user and enterprise_team`},
		{"enterprise seat to an unknown team", "enterprises: [{slug: e, copilot: {}, seats: [{enterprise_team: ghosts}]}]",
			`enterprises[0] (e).seats[0] (ghosts).enterprise_team: unknown enterprise team "ghosts"`},
		{"duplicate enterprise seat", "enterprises: [{slug: e, copilot: {}, seats: [{user: octocat}, {user: OctoCat}]}]",
			`enterprises[0] (e).seats[1] (OctoCat).user: duplicate seat for user "OctoCat" (also enterprises[0] (e).seats[0])`},
		{"enterprise assign_all", "enterprises: [{slug: e, copilot: {seat_management_setting: assign_all}}]",
			`enterprises[0] (e).copilot: seat_management_setting: "assign_all" is not available for an enterprise; grant seats to users or enterprise teams`},
		{"unknown billing manager", "enterprises: [{slug: e, billing_managers: [ghost]}]",
			`enterprises[0] (e).billing_managers[0]: unknown user "ghost"`},
		{"duplicate enterprise team", "enterprises: [{slug: e, teams: [{name: T}, {name: Other, slug: T}]}]",
			`enterprises[0] (e).teams[1].slug: duplicate team slug "T" (also enterprises[0] (e).teams[0])`},

		// Organizations.
		{"unknown enterprise", "organizations: [{login: neworg, enterprise: nope}]", `organizations[0] (neworg).enterprise: unknown enterprise "nope"`},
		{"bad seat management setting", "organizations: [{login: neworg, copilot: {seat_management_setting: sometimes}}]",
			`organizations[0] (neworg).copilot.seat_management_setting: "sometimes" is not one of assign_all, assign_selected, disabled, unconfigured`},
		{"public invitee", "organizations: [{login: neworg, members: [{login: octocat, state: pending, public: true}]}]",
			"organizations[0] (neworg).members[0] (octocat).public: only an active membership can be public"},
		{"bad plan", "organizations: [{login: neworg, copilot: {plan_type: pro}}]",
			`organizations[0] (neworg).copilot.plan_type: "pro" is not one of business, enterprise`},
		{"bad feature setting", "organizations: [{login: neworg, copilot: {cli: on}}]",
			`organizations[0] (neworg).copilot.cli: "on" is not one of enabled, disabled, unconfigured`},
		{"billing cycle day too late", "organizations: [{login: neworg, copilot: {billing_cycle_day: 29}}]",
			"organizations[0] (neworg).copilot.billing_cycle_day: 29 is not between 1 and 28"},
		{"billing cycle day zero", "organizations: [{login: neworg, copilot: {billing_cycle_day: 0}}]",
			"organizations[0] (neworg).copilot.billing_cycle_day: 0 is not between 1 and 28"},
		{"seats without Copilot", "organizations: [{login: neworg, members: [{login: octocat}], seats: [{user: octocat}]}]",
			"organizations[0] (neworg).seats: Copilot is not enabled in the organization: add a copilot section"},
		{"unknown member", "organizations: [{login: neworg, members: [{login: ghost}]}]",
			`organizations[0] (neworg).members[0].login: unknown user "ghost"`},
		{"bad role", "organizations: [{login: neworg, members: [{login: octocat, role: owner}]}]",
			`organizations[0] (neworg).members[0] (octocat).role: "owner" is not one of admin, member`},
		{"bad state", "organizations: [{login: neworg, members: [{login: octocat, state: invited}]}]",
			`organizations[0] (neworg).members[0] (octocat).state: "invited" is not one of active, pending`},
		{"duplicate member", "organizations: [{login: neworg, members: [{login: octocat}, {login: Octocat}]}]",
			`organizations[0] (neworg).members[1].login: duplicate member "Octocat" (also organizations[0] (neworg).members[0])`},

		// Teams.
		{"unknown parent", orgDoc("    teams: [{name: Beta, parent: nope}]\n"),
			`organizations[0] (neworg).teams[0] (beta).parent: unknown team "nope"`},
		{"parent cycle", orgDoc("    teams: [{name: A, parent: c}, {name: B, parent: a}, {name: C, parent: b}, {name: D}]\n"),
			"organizations[0] (neworg).teams[0] (a).parent: cycle a -> c -> b -> a"},
		{"own parent", orgDoc("    teams: [{name: D}, {name: Beta, parent: BETA}]\n"),
			"organizations[0] (neworg).teams[1] (beta).parent: cycle beta -> beta"},
		{"duplicate team slug", orgDoc("    teams: [{name: Beta}, {name: Gamma, slug: BETA}]\n"),
			`organizations[0] (neworg).teams[1].slug: duplicate team slug "BETA" (also organizations[0] (neworg).teams[0])`},
		{"duplicate slug from a name", orgDoc("    teams: [{name: Beta Team}, {name: beta-team}]\n"),
			`organizations[0] (neworg).teams[1].name: duplicate team slug "beta-team" (also organizations[0] (neworg).teams[0])`},
		{"duplicate team name", orgDoc("    teams: [{name: Beta}, {name: BETA, slug: other}]\n"),
			`organizations[0] (neworg).teams[1].name: duplicate team name "BETA" (also organizations[0] (neworg).teams[0])`},
		{"missing team name", orgDoc("    teams: [{slug: beta}]\n"), "organizations[0] (neworg).teams[0].name: required"},
		{"bad slug", orgDoc("    teams: [{name: Beta, slug: beta team}]\n"),
			`organizations[0] (neworg).teams[0].slug: "beta team" is not a slug: letters, digits and "_", joined by single hyphens`},
		{"team member outside the org", orgDoc("    teams: [{name: Beta, members: [hubot, mona]}]\n"),
			`organizations[0] (neworg).teams[0] (beta).members[1]: unknown organization member "mona"`},
		{"secret nested team", orgDoc("    teams: [{name: Beta}, {name: Gamma, parent: beta, privacy: secret}]\n"),
			"organizations[0] (neworg).teams[1] (gamma).privacy: a nested team must be closed, not secret"},
		{"bad privacy", orgDoc("    teams: [{name: Beta, privacy: visible}]\n"),
			`organizations[0] (neworg).teams[0] (beta).privacy: "visible" is not one of secret, closed`},
		{"bad notification setting", orgDoc("    teams: [{name: Beta, notification_setting: loud}]\n"),
			`organizations[0] (neworg).teams[0] (beta).notification_setting: "loud" is not one of notifications_enabled, notifications_disabled`},
		{"bad permission", orgDoc("    teams: [{name: Beta, permission: write}]\n"),
			`organizations[0] (neworg).teams[0] (beta).permission: "write" is not one of pull, triage, push, maintain, admin`},

		// Seats.
		{"seat with two targets", orgDoc("    teams: [{name: Beta}]\n    seats: [{user: octocat, team: beta}]\n"),
			"organizations[0] (neworg).seats[0] (octocat): a seat needs exactly one of user, team and enterprise_team; it has user and team"},
		{"seat without target", orgDoc("    seats: [{created_at: 2024-01-01T00:00:00Z}]\n"),
			"organizations[0] (neworg).seats[0]: a seat needs exactly one of user, team and enterprise_team; it has none"},
		{"seat for a non-member", orgDoc("    seats: [{user: mona}]\n"),
			`organizations[0] (neworg).seats[0] (mona).user: unknown organization member "mona"`},
		{"seat for an unknown team", orgDoc("    seats: [{team: beta}]\n"),
			`organizations[0] (neworg).seats[0] (beta).team: unknown team "beta"`},
		{"seat for an unknown enterprise team", orgDoc("    seats: [{enterprise_team: pioneerz}]\n"),
			`organizations[0] (neworg).seats[0] (pioneerz).enterprise_team: unknown enterprise team "pioneerz"`},
		{"enterprise team seat without an enterprise", "organizations: [{login: neworg, copilot: {}, seats: [{enterprise_team: pioneers}]}]",
			"organizations[0] (neworg).seats[0] (pioneers).enterprise_team: the organization belongs to no enterprise"},
		{"enterprise team of another enterprise", `
enterprises: [{slug: other, teams: [{name: Elsewhere}]}]
organizations: [{login: neworg, enterprise: acme, copilot: {}, seats: [{enterprise_team: elsewhere}]}]`,
			`organizations[0] (neworg).seats[0] (elsewhere).enterprise_team: unknown enterprise team "elsewhere"`},
		{"bad created_at", orgDoc("    seats: [{user: octocat, created_at: yesterday}]\n"),
			`organizations[0] (neworg).seats[0] (octocat).created_at: "yesterday" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"created_at without offset", orgDoc("    seats: [{user: octocat, created_at: \"2021-08-03T18:00:00\"}]\n"),
			`organizations[0] (neworg).seats[0] (octocat).created_at: "2021-08-03T18:00:00" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"bad pending cancellation date", orgDoc("    seats: [{user: octocat, pending_cancellation_date: 2026-13-01}]\n"),
			`organizations[0] (neworg).seats[0] (octocat).pending_cancellation_date: "2026-13-01" is not a YYYY-MM-DD date`},
		{"duplicate seat", orgDoc("    seats: [{user: octocat}, {user: OCTOCAT}]\n"),
			`organizations[0] (neworg).seats[1] (OCTOCAT).user: duplicate seat for organization member "OCTOCAT" (also organizations[0] (neworg).seats[0])`},

		// Times and ids.
		{"bad user created_at", "users: [{login: nova, created_at: today}]",
			`users[0] (nova).created_at: "today" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"unknown organization key", orgDoc("    teams: []\n") + "    extra: 1\n", `line 8: unknown key "extra"`},
		{"duplicate team id", orgDoc("    teams: [{name: Beta, id: 7}, {name: Gamma, id: 7}]\n"),
			"organizations[0] (neworg).teams[1] (gamma).id: duplicate id 7 (also organizations[0] (neworg).teams[0])"},
		{"id of a stored enterprise team", "enterprises: [{slug: e, teams: [{name: T, id: 1}]}]",
			"enterprises[0] (e).teams[0] (t).id: duplicate id 1 (an enterprise team already in the database)"},
		{"negative enterprise id", "enterprises: [{slug: e, id: -1}]", "enterprises[0] (e).id: -1 is outside GitHub's id range (1 to 4294967295)"},
		{"unknown team member key", orgDoc("    teams: [{name: Beta, members: [{login: hubot, since: x}]}]\n"), `line 7: unknown key "since"`},
		{"team member as a list", orgDoc("    teams: [{name: Beta, members: [[hubot]]}]\n"),
			"line 7: a team member is a login or a mapping of login, role and joined_at"},
		{"bad team member role", orgDoc("    teams: [{name: Beta, members: [{login: hubot, role: lead}]}]\n"),
			`organizations[0] (neworg).teams[0] (beta).members[0].role: "lead" is not one of member, maintainer`},
		{"bad joined_at", orgDoc("    teams: [{name: Beta, members: [{login: hubot, joined_at: later}]}]\n"),
			`organizations[0] (neworg).teams[0] (beta).members[0].joined_at: "later" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"enterprise team member role", "enterprises: [{slug: e, teams: [{name: T, members: [{login: hubot, role: maintainer}]}]}]",
			"enterprises[0] (e).teams[0] (t).members[0].role: enterprise team members have no role"},

		// Residual seats.
		{"residual seat without Copilot", "organizations: [{login: neworg, members: [{login: octocat}], residual_seats: [{user: octocat, pending_cancellation_date: 2026-07-01}]}]",
			"organizations[0] (neworg).residual_seats: Copilot is not enabled in the organization: add a copilot section"},
		{"residual seat without date", orgDoc("    residual_seats: [{user: hubot}]\n"),
			"organizations[0] (neworg).residual_seats[0] (hubot).pending_cancellation_date: required"},
		{"residual seat of a non-member", orgDoc("    residual_seats: [{user: mona, pending_cancellation_date: 2026-07-01}]\n"),
			`organizations[0] (neworg).residual_seats[0].user: unknown organization member "mona"`},
		{"residual seat with two teams", orgDoc("    teams: [{name: Beta}]\n    residual_seats: [{user: hubot, team: beta, enterprise_team: pioneers, pending_cancellation_date: 2026-07-01}]\n"),
			"organizations[0] (neworg).residual_seats[0] (hubot): a residual seat names at most one of team and enterprise_team"},
		{"residual seat of an unknown team", orgDoc("    residual_seats: [{user: hubot, team: beta, pending_cancellation_date: 2026-07-01}]\n"),
			`organizations[0] (neworg).residual_seats[0] (hubot).team: unknown team "beta"`},
		{"duplicate residual seat", orgDoc("    residual_seats: [{user: hubot, pending_cancellation_date: 2026-07-01}, {user: HUBOT, pending_cancellation_date: 2026-07-01}]\n"),
			`organizations[0] (neworg).residual_seats[1].user: duplicate residual seat for "HUBOT" (also organizations[0] (neworg).residual_seats[0])`},

		// Activity.
		{"activity of a non-member", orgDoc("    activity: [{user: mona, last_activity_at: 2026-01-01T00:00:00Z}]\n"),
			`organizations[0] (neworg).activity[0].user: unknown organization member "mona"`},
		{"bad activity time", orgDoc("    activity: [{user: octocat, last_activity_at: 2026-01-01}]\n"),
			`organizations[0] (neworg).activity[0] (octocat).last_activity_at: "2026-01-01" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"missing activity time", orgDoc("    activity: [{user: octocat}]\n"),
			"organizations[0] (neworg).activity[0] (octocat).last_activity_at: required (or last_authenticated_at)"},
		{"duplicate activity", orgDoc("    activity: [{user: octocat, last_activity_at: 2026-01-01T00:00:00Z}, {user: octocat, last_activity_at: 2026-01-01T00:00:00Z}]\n"),
			`organizations[0] (neworg).activity[1].user: duplicate activity for "octocat" (also organizations[0] (neworg).activity[0])`},

		// Usage.
		{"missing usage time", orgDoc("    usage: [{user: octocat, feature: code_completion}]\n"), "organizations[0] (neworg).usage[0].at: required"},
		{"empty usage time", orgDoc("    usage: [{user: octocat, at: \"\", feature: code_completion}]\n"), "organizations[0] (neworg).usage[0].at: required"},
		{"missing pull request time", orgDoc("    pull_requests: [{user: octocat, repository: api, number: 1, action: created}]\n"),
			"organizations[0] (neworg).pull_requests[0].at: required"},
		{"pull request elsewhere", orgDoc("    pull_requests: [{user: octocat, at: \"2026-03-01T00:00:00Z\", repository: acme/api, number: 1, action: created}]\n"),
			"organizations[0] (neworg).pull_requests[0].repository: acme/api is not a repository of neworg"},
		{"merge without its time", orgDoc("    pull_requests: [{user: octocat, at: \"2026-03-01T00:00:00Z\", repository: api, number: 1, action: merged}]\n"),
			"organizations[0] (neworg).pull_requests[0].minutes_to_merge: a merged event, and only a merged one, gives its minutes_to_merge"},

		// Tokens.
		{"missing token", tokenDoc("{kind: classic, user: nova}"), "tokens[0].token: required (or token_sha256)"},
		{"token and hash", tokenDoc("{token: ghp_t, token_sha256: " + sha + ", user: nova}"),
			"tokens[0].token_sha256: give token or token_sha256, not both"},
		{"bad hash", tokenDoc("{token_sha256: abc, kind: classic, user: nova}"),
			`tokens[0].token_sha256: "abc" is not a hex SHA-256: 64 characters 0-9 and a-f`},
		{"hash without kind", tokenDoc("{token_sha256: " + sha + ", user: nova}"), "tokens[0].kind: required with token_sha256"},
		{"hint of a literal", tokenDoc("{token: ghp_t, hint: ghp_…t, user: nova}"),
			"tokens[0].hint: only with token_sha256: a literal token's hint is made from it"},
		{"hash of a stored token", tokenDoc("{token_sha256: " + auth.Hash("ghp_existing") + ", kind: classic, user: nova}"),
			"tokens[0].token_sha256: duplicate token (already in the database)"},
		{"literal and hash of one token", "users: [{login: nova}]\ntokens: [{token: ghp_t, user: nova}, {token_sha256: " + auth.Hash("ghp_t") + ", kind: classic, user: nova}]",
			"tokens[1].token_sha256: duplicate token (also tokens[0])"},
		{"bad token created_at", tokenDoc("{token: ghp_t, user: nova, created_at: now}"),
			`tokens[0].created_at: "now" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"token with a space", tokenDoc(`{token: "ghp_a b", user: nova}`), "tokens[0].token: a token has at most 255 characters and no spaces"},
		{"bad kind", tokenDoc("{token: t, kind: pat, user: nova}"),
			`tokens[0].kind: "pat" is not one of classic, oauth, fine_grained, installation`},
		{"no kind and no prefix", tokenDoc("{token: t, user: nova}"),
			"tokens[0].kind: required for a token without a known prefix (ghp_, gho_, github_pat_, ghs_)"},
		{"kind against prefix", tokenDoc("{token: ghp_t, kind: oauth, user: nova}"),
			`tokens[0].kind: "oauth" does not match the token's ghp_ prefix, which is classic`},
		{"classic without user", tokenDoc("{token: ghp_t, scopes: [read:org]}"), "tokens[0].user: required for classic tokens"},
		{"classic with organization", tokenDoc("{token: ghp_t, user: nova, organization: existing-org}"),
			"tokens[0].organization: classic tokens have no organization"},
		{"oauth with permissions", tokenDoc("{token: gho_t, user: nova, permissions: {members: read}}"),
			"tokens[0].permissions: oauth tokens have scopes, not permissions"},
		{"empty scope", tokenDoc(`{token: gho_t, user: nova, scopes: [read:org, ""]}`), `tokens[0].scopes[1]: "" is not a GitHub OAuth scope`},
		{"misspelt scope", tokenDoc(`{token: gho_t, user: nova, scopes: [read:orgg]}`),
			`tokens[0].scopes[0]: "read:orgg" is not a GitHub OAuth scope (did you mean "read:org"?)`},
		{"unknown permission", tokenDoc("{token: github_pat_t, user: nova, organization: existing-org, permissions: {organization_copilot_seats: read}}"),
			`tokens[0].permissions.organization_copilot_seats: "organization_copilot_seats" is not a GitHub permission`},
		{"misspelt permission", tokenDoc("{token: github_pat_t, user: nova, organization: existing-org, permissions: {memberz: read}}"),
			`tokens[0].permissions.memberz: "memberz" is not a GitHub permission (did you mean "members"?)`},
		{"fine-grained without organization", tokenDoc("{token: github_pat_t, user: nova, permissions: {members: read}}"),
			"tokens[0].organization: required for fine_grained tokens"},
		{"fine-grained without permissions", tokenDoc("{token: github_pat_t, user: nova, organization: existing-org}"),
			"tokens[0].permissions: required for fine_grained tokens"},
		{"fine-grained with scopes", tokenDoc("{token: github_pat_t, user: nova, organization: existing-org, scopes: [repo], permissions: {members: read}}"),
			"tokens[0].scopes: fine_grained tokens have permissions, not scopes"},
		{"installation with user", tokenDoc("{token: ghs_t, user: nova, organization: existing-org, permissions: {members: read}}"),
			"tokens[0].user: installation tokens have no user"},
		{"bad permission level", tokenDoc("{token: ghs_t, organization: existing-org, permissions: {members: read, administration: none}}"),
			`tokens[0].permissions.administration: "none" is not one of read, write, admin`},
		{"unknown token user", tokenDoc("{token: ghp_t, user: ghost}"), `tokens[0].user: unknown user "ghost"`},
		{"unknown token organization", tokenDoc("{token: ghs_t, organization: nova, permissions: {members: read}}"),
			`tokens[0].organization: unknown organization "nova"`},
		{"bad expiry", tokenDoc("{token: ghp_t, user: nova, expires_at: tomorrow}"),
			`tokens[0].expires_at: "tomorrow" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
		{"duplicate token", "users: [{login: nova}]\ntokens: [{token: ghp_t, user: nova}, {token: ghp_t, user: octocat}]",
			"tokens[1].token: duplicate token (also tokens[0])"},
		{"stored token", tokenDoc("{token: ghp_existing, user: nova}"), "tokens[0].token: duplicate token (already in the database)"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustLoad(t, st, existing)
		before := rowCounts(t, st)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := load(st, tt.doc)
				if err == nil {
					t.Fatal("loaded")
				}
				var e *seatkeeper.Error
				if !errors.As(err, &e) || e.Kind != seatkeeper.KindInvalid {
					t.Errorf("error %v (%T) is not KindInvalid", err, err)
				}
				if err.Error() != tt.want {
					t.Errorf("error:\n got %s\nwant %s", err, tt.want)
				}
				if after := rowCounts(t, st); !maps.Equal(after, before) {
					t.Errorf("rows after the failed load = %v, want %v", after, before)
				}
			})
		}
	})
}

func TestLoadOnTopOfExisting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustLoad(t, st, existing)
		mustLoad(t, st, `
users: [{login: nova}]
organizations:
  - login: second
    enterprise: Acme
    copilot: {}
    members: [{login: OCTOCAT, role: admin}, {login: nova}, {login: mona}]
    seats: [{enterprise_team: Pioneers}, {user: nova}]
tokens:
  - {token: ghs_second, organization: Existing-Org, permissions: {members: read}}
  - {token: github_pat_second, user: hubot, organization: existing-org, permissions: {members: read}}
`)
		acme := must[seatkeeper.Enterprise](t)(st.EnterpriseBySlug(ctx, "acme"))
		pioneers := must[seatkeeper.EnterpriseTeam](t)(st.EnterpriseTeamBySlug(ctx, acme.ID, "pioneers"))
		second := must[seatkeeper.Organization](t)(st.OrgByLogin(ctx, "second"))
		if second.EnterpriseID != acme.ID {
			t.Errorf("enterprise id = %d, want %d", second.EnterpriseID, acme.ID)
		}
		octocat := must[seatkeeper.User](t)(st.UserByLogin(ctx, "octocat"))
		if m := must[seatkeeper.Membership](t)(st.Membership(ctx, second.ID, octocat.ID)); !m.IsActiveOwner() {
			t.Errorf("octocat's membership = %+v", m)
		}
		grants := must[[]seatkeeper.Grant](t)(st.Grants(ctx, second.ID))
		if len(grants) != 2 || grants[0].EnterpriseTeamID != pioneers.ID {
			t.Errorf("grants = %+v", grants)
		}
		existingOrg := must[seatkeeper.Organization](t)(st.OrgByLogin(ctx, "existing-org"))
		hubot := must[seatkeeper.User](t)(st.UserByLogin(ctx, "hubot"))
		for lit, want := range map[string][2]int64{"ghs_second": {0, existingOrg.ID}, "github_pat_second": {hubot.ID, existingOrg.ID}} {
			tok := must[seatkeeper.Token](t)(st.TokenByHash(ctx, auth.Hash(lit)))
			if got := [2]int64{tok.UserID, tok.OrgID}; got != want {
				t.Errorf("%s user and org = %v, want %v", lit, got, want)
			}
		}
	})
}

func TestLoadTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustLoad(t, st, full)
		before := rowCounts(t, st)
		err := load(st, full)
		if want := `users[0].login: duplicate login "octocat" (a user already in the database)`; err == nil || err.Error() != want {
			t.Errorf("second load: %v, want %s", err, want)
		}
		if after := rowCounts(t, st); !maps.Equal(after, before) {
			t.Errorf("rows after the failed load = %v, want %v", after, before)
		}
	})
}

func TestLoadFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var calls [][2]int
		if err := seed.LoadFile(ctx, st, filepath.Join("..", "..", "examples", "seed.yaml"), now, seed.FileOptions{Progress: func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}}); err != nil {
			t.Fatalf("examples/seed.yaml: %v", err)
		}
		// Progress: every entry counted once, in order, ending at the total.
		for i, c := range calls {
			if c[1] != calls[0][1] || c[0] > c[1] || (i > 0 && c[0] < calls[i-1][0]) {
				t.Errorf("progress calls %v", calls)
				break
			}
		}
		if n := len(calls); n < 3 || calls[n-1][0] != calls[n-1][1] {
			t.Errorf("progress calls %v: want at least users, an org and tokens, ending at the total", calls)
		}

		bad := filepath.Join(t.TempDir(), "bad.yaml")
		if err := os.WriteFile(bad, []byte("users: [{login: x}]\ntokens: [{token: t}]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := seed.LoadFile(ctx, st, bad, now, seed.FileOptions{})
		if want := bad + ": tokens[0].kind: required for a token without a known prefix (ghp_, gho_, github_pat_, ghs_)"; err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
		if seatkeeper.KindOf(err) != seatkeeper.KindInvalid {
			t.Errorf("kind = %v", seatkeeper.KindOf(err))
		}

		missing := filepath.Join(t.TempDir(), "missing.yaml")
		err = seed.LoadFile(ctx, st, missing, now, seed.FileOptions{})
		if err == nil || !strings.Contains(err.Error(), missing) || seatkeeper.KindOf(err) == seatkeeper.KindInvalid {
			t.Errorf("missing file: %v", err)
		}
	})
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc string
		users     int
	}{
		{"empty", "", 0},
		{"comments only", "# nothing yet\n", 0},
		{"JSON", `{"users": [{"login": "a", "id": 7}, {"login": "b"}], "organizations": [{"login": "o", "copilot": {"billing_cycle_day": 3}}]}`, 2},
		{"JSON with tabs", "{\n\t\"users\": [\n\t\t{\"login\": \"a\"}\n\t]\n}\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := seed.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Users) != tt.users {
				t.Errorf("users = %+v", d.Users)
			}
		})
	}
	if _, err := seed.Parse([]byte(`{"users": [{"login": "a", "admin": true}]}`)); err == nil || err.Error() != `line 1: unknown key "admin"` {
		t.Errorf("unknown JSON key: %v", err)
	}
}

// TestLoadProgressByRows: one big organization is reported as its rows are
// written, never more than 1,000 rows between two reports.
func TestLoadProgressByRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("users:\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "  - {login: u%04d}\n", i)
	}
	b.WriteString("organizations:\n  - login: big\n    copilot: {}\n    members:\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "      - {login: u%04d}\n", i)
	}
	b.WriteString("    seats:\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "      - {user: u%04d}\n", i)
	}
	d, err := seed.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	var calls [][2]int
	d.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
	if err := d.Load(context.Background(), storetest.Open(t, store.SQLite), now); err != nil {
		t.Fatal(err)
	}
	last := 0
	for _, c := range calls {
		if c[1] != 7501 || c[0]-last > 1000 || c[0] <= last {
			t.Fatalf("progress calls %v: want steps of 1 to 1,000 rows of 7,501", calls)
		}
		last = c[0]
	}
	if last != 7501 {
		t.Errorf("progress ends at %d of 7,501", last)
	}
}
