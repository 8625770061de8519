package seed

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// planner checks a document and turns it into a plan. It reads through the
// transaction the plan is then written in, so nothing it checked can change
// before the write.
type planner struct {
	ctx context.Context
	tx  *store.Tx
	now time.Time

	allowWeak bool // literal tokens may be weak (Document.AllowWeakTokens)

	// Who declared what, to report duplicates.
	logins       claims[string] // login keys of users and organizations, one namespace
	ids          claims[int64]  // explicit account ids
	enterpriseAt claims[string] // enterprise slug keys
	tokens       claims[string] // token hashes

	// Explicit ids of entries with id spaces of their own.
	enterpriseIDs, teamIDs, enterpriseTeamIDs claims[int64]

	// What references resolve to, by login or slug key: the document's
	// entries, and stored ones once looked up.
	users       map[string]*ref
	orgs        map[string]*ref
	enterprises map[string]*enterpriseRef
}

// enterpriseRef is an enterprise and the teams known in it so far: all of
// them for an enterprise the document creates, those looked up for a
// stored one.
type enterpriseRef struct {
	*ref
	stored bool
	teams  map[string]*ref // by slug key
}

func newPlanner(ctx context.Context, tx *store.Tx, now time.Time) *planner {
	return &planner{
		ctx: ctx, tx: tx, now: now,
		logins: claims[string]{}, ids: claims[int64]{}, enterpriseAt: claims[string]{}, tokens: claims[string]{},
		enterpriseIDs: claims[int64]{}, teamIDs: claims[int64]{}, enterpriseTeamIDs: claims[int64]{},
		users: map[string]*ref{}, orgs: map[string]*ref{}, enterprises: map[string]*enterpriseRef{},
	}
}

// plan checks d and returns what to write. Sections are planned in the
// order they may refer to each other: users, enterprises, organizations,
// tokens.
func (p *planner) plan(d *Document) (*plan, error) {
	out := &plan{now: p.now}
	var err error
	var root loc
	if out.users, err = each(root, "users", d.Users, p.planUser); err != nil {
		return nil, err
	}
	if out.enterprises, err = each(root, "enterprises", d.Enterprises, p.planEnterprise); err != nil {
		return nil, err
	}
	if out.orgs, err = each(root, "organizations", d.Organizations, p.planOrg); err != nil {
		return nil, err
	}
	if out.tokens, err = each(root, "tokens", d.Tokens, p.planToken); err != nil {
		return nil, err
	}
	return out, nil
}

// Lookups. Each reports whether the name resolves, to an entry of the
// document or to a stored record.

func (p *planner) user(login string) (*ref, bool, error) {
	return lookup(p.ctx, p.users, login, p.tx.UserByLogin, func(u seatkeeper.User) *ref { return &ref{u.ID} })
}

func (p *planner) org(login string) (*ref, bool, error) {
	return lookup(p.ctx, p.orgs, login, p.tx.OrgByLogin, func(o seatkeeper.Organization) *ref { return &ref{o.ID} })
}

func (p *planner) enterprise(slug string) (*enterpriseRef, bool, error) {
	return lookup(p.ctx, p.enterprises, slug, p.tx.EnterpriseBySlug, func(e seatkeeper.Enterprise) *enterpriseRef {
		return &enterpriseRef{ref: &ref{e.ID}, stored: true, teams: map[string]*ref{}}
	})
}

func (p *planner) teamIn(e *enterpriseRef, slug string) (*ref, bool, error) {
	if !e.stored {
		r, ok := e.teams[seatkeeper.LoginKey(slug)]
		return r, ok, nil
	}
	find := func(ctx context.Context, slug string) (seatkeeper.EnterpriseTeam, error) {
		return p.tx.EnterpriseTeamBySlug(ctx, e.id, slug)
	}
	return lookup(p.ctx, e.teams, slug, find, func(t seatkeeper.EnterpriseTeam) *ref { return &ref{t.ID} })
}

// lookup resolves name in memo, else with find in the database, and
// remembers what find returns.
func lookup[T, R any](ctx context.Context, memo map[string]R, name string,
	find func(context.Context, string) (T, error), wrap func(T) R) (R, bool, error) {
	key := seatkeeper.LoginKey(name)
	if r, ok := memo[key]; ok {
		return r, true, nil
	}
	var zero R
	v, err := find(ctx, name)
	if seatkeeper.IsNotFound(err) {
		return zero, false, nil
	}
	if err != nil {
		return zero, false, err
	}
	r := wrap(v)
	memo[key] = r
	return r, true, nil
}

// resolve resolves the required reference field of l naming a what.
func resolve[R any](l loc, field, name, what string, find func(string) (R, bool, error)) (R, error) {
	var zero R
	if name == "" {
		return zero, l.errorf(field, "required")
	}
	r, ok, err := find(name)
	if err != nil {
		return zero, err
	}
	if !ok {
		return zero, l.errorf(field, "unknown %s %q", what, name)
	}
	return r, nil
}

// resolveAll resolves a list field of distinct references to whats.
func resolveAll[R any](l loc, field string, names []string, what string, find func(string) (R, bool, error)) ([]R, error) {
	seen := claims[string]{}
	out := make([]R, 0, len(names))
	for i, name := range names {
		at := fmt.Sprintf("%s[%d]", field, i)
		r, err := resolve(l, at, name, what, find)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen.claim(seatkeeper.LoginKey(name), loc{path: at}); !ok {
			return nil, l.errorf(at, "duplicate %s %q (also %s)", what, name, prev)
		}
		out = append(out, r)
	}
	return out, nil
}

// storedAccount reports which kind of stored account holds key, a login or
// an id: "a user", "an organization", or "" when none does.
func storedAccount[K any](ctx context.Context, key K,
	user func(context.Context, K) (seatkeeper.User, error),
	org func(context.Context, K) (seatkeeper.Organization, error)) (string, error) {
	_, err := user(ctx, key)
	if err == nil {
		return "a user", nil
	}
	if !seatkeeper.IsNotFound(err) {
		return "", err
	}
	_, err = org(ctx, key)
	if err == nil {
		return "an organization", nil
	}
	if !seatkeeper.IsNotFound(err) {
		return "", err
	}
	return "", nil
}

// declareAccount checks the login and optional id of a user or organization
// the document creates, and records it in into.
func (p *planner) declareAccount(l loc, login string, id int64, into map[string]*ref) (*ref, error) {
	if login == "" {
		return nil, l.keyErrorf("login", "required")
	}
	key := seatkeeper.LoginKey(login)
	if prev, ok := p.logins.claim(key, l); !ok {
		return nil, l.keyErrorf("login", "duplicate login %q (also %s)", login, prev)
	}
	what, err := storedAccount(p.ctx, login, p.tx.UserByLogin, p.tx.OrgByLogin)
	if err != nil {
		return nil, err
	}
	if what != "" {
		return nil, l.keyErrorf("login", "duplicate login %q (%s already in the database)", login, what)
	}
	if err := checkID(l, id); err != nil {
		return nil, err
	}
	if id > 0 {
		if prev, ok := p.ids.claim(id, l); !ok {
			return nil, l.errorf("id", "duplicate id %d (also %s)", id, prev)
		}
		what, err := storedAccount(p.ctx, id, p.tx.UserByID, p.tx.OrgByID)
		if err != nil {
			return nil, err
		}
		if what != "" {
			return nil, l.errorf("id", "duplicate id %d (%s already in the database)", id, what)
		}
	}
	r := &ref{}
	into[key] = r
	return r, nil
}

func (p *planner) planUser(l loc, u User) (userPlan, error) {
	r, err := p.declareAccount(l, u.Login, u.ID, p.users)
	if err != nil {
		return userPlan{}, err
	}
	created, updated, err := p.times(l, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return userPlan{}, err
	}
	return userPlan{ref: r, user: seatkeeper.User{
		ID: u.ID, Login: u.Login, Name: u.Name, Email: u.Email, SiteAdmin: u.SiteAdmin,
		CreatedAt: created, UpdatedAt: updated,
	}}, nil
}

func (p *planner) planEnterprise(l loc, e Enterprise) (enterprisePlan, error) {
	if e.Slug == "" {
		return enterprisePlan{}, l.keyErrorf("slug", "required")
	}
	key := seatkeeper.LoginKey(e.Slug)
	if prev, ok := p.enterpriseAt.claim(key, l); !ok {
		return enterprisePlan{}, l.keyErrorf("slug", "duplicate enterprise %q (also %s)", e.Slug, prev)
	}
	if _, stored, err := p.enterprise(e.Slug); err != nil {
		return enterprisePlan{}, err
	} else if stored {
		return enterprisePlan{}, l.keyErrorf("slug", "duplicate enterprise %q (already in the database)", e.Slug)
	}
	err := p.declareID(l, e.ID, p.enterpriseIDs, "an enterprise", func(ctx context.Context, id int64) error {
		_, err := p.tx.EnterpriseByID(ctx, id)
		return err
	})
	if err != nil {
		return enterprisePlan{}, err
	}
	created, updated, err := p.times(l, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return enterprisePlan{}, err
	}
	owners, err := resolveAll(l, "owners", e.Owners, "user", p.user)
	if err != nil {
		return enterprisePlan{}, err
	}
	er := &enterpriseRef{ref: &ref{}, teams: map[string]*ref{}}
	slugs := claims[string]{}
	teams, err := each(l, "teams", e.Teams, func(l loc, t EnterpriseTeam) (enterpriseTeamPlan, error) {
		slug, err := teamSlugOf(l, t.Slug, t.Name)
		if err != nil {
			return enterpriseTeamPlan{}, err
		}
		if prev, ok := slugs.claim(seatkeeper.LoginKey(slug), l); !ok {
			return enterpriseTeamPlan{}, l.keyErrorf(slugField(t.Slug), "duplicate team slug %q (also %s)", slug, prev)
		}
		err = p.declareID(l, t.ID, p.enterpriseTeamIDs, "an enterprise team", func(ctx context.Context, id int64) error {
			_, err := p.tx.EnterpriseTeamByID(ctx, id)
			return err
		})
		if err != nil {
			return enterpriseTeamPlan{}, err
		}
		created, updated, err := p.times(l, t.CreatedAt, t.UpdatedAt)
		if err != nil {
			return enterpriseTeamPlan{}, err
		}
		members, err := p.teamMembers(l, t.Members, "user", p.user, false)
		if err != nil {
			return enterpriseTeamPlan{}, err
		}
		r := &ref{}
		er.teams[seatkeeper.LoginKey(slug)] = r
		return enterpriseTeamPlan{ref: r, members: members, team: seatkeeper.EnterpriseTeam{
			ID: t.ID, Name: t.Name, Slug: slug, Description: t.Description, CreatedAt: created, UpdatedAt: updated,
		}}, nil
	})
	if err != nil {
		return enterprisePlan{}, err
	}
	p.enterprises[key] = er
	copilot, err := p.planEnterpriseCopilot(l, e, er)
	if err != nil {
		return enterprisePlan{}, err
	}
	return enterprisePlan{ref: er.ref, owners: owners, teams: teams, copilot: copilot, enterprise: seatkeeper.Enterprise{
		ID: e.ID, Slug: e.Slug, Name: cmp.Or(e.Name, e.Slug), CreatedAt: created, UpdatedAt: updated,
	}}, nil
}

// teamSlugOf checks a team's name and slug and returns the slug: the one
// given, or one made from the name.
func teamSlugOf(l loc, slug, name string) (string, error) {
	if name == "" {
		return "", l.keyErrorf("name", "required")
	}
	if slug == "" {
		if slug = seatkeeper.Slugify(name); slug == "" {
			return "", l.keyErrorf("name", "%q has no letter or digit to make a slug from", name)
		}
		return slug, nil
	}
	if seatkeeper.Slugify(slug) != seatkeeper.LoginKey(slug) {
		return "", l.keyErrorf("slug", "%q is not a slug: letters, digits and \"_\", joined by single hyphens", slug)
	}
	return slug, nil
}

// slugField names the field a team's slug comes from.
func slugField(given string) string {
	if given == "" {
		return "name"
	}
	return "slug"
}

// times parses an entry's created_at and updated_at: created_at defaults to
// the time of loading, updated_at to created_at.
func (p *planner) times(l loc, created, updated string) (time.Time, time.Time, error) {
	c, err := timestamp(l, "created_at", created)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	u, err := timestamp(l, "updated_at", updated)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	ct := p.now
	if c != nil {
		ct = *c
	}
	ut := ct
	if u != nil {
		ut = *u
	}
	return ct, ut, nil
}

// checkID checks an optional explicit id (0: none) against GitHub's range,
// 1 to seatkeeper.MaxID.
func checkID(l loc, id int64) error {
	if id < 0 || id > seatkeeper.MaxID {
		return l.errorf("id", "%d is outside GitHub's id range (1 to %d)", id, int64(seatkeeper.MaxID))
	}
	return nil
}

// declareID checks the optional explicit id of an entry with an id space
// of its own (enterprises, teams, enterprise teams): positive, given to no
// other entry of the document, held by nothing stored. stored looks the id
// up, failing with a not-found error when it is free.
func (p *planner) declareID(l loc, id int64, seen claims[int64], what string, stored func(context.Context, int64) error) error {
	if err := checkID(l, id); err != nil {
		return err
	}
	if id == 0 {
		return nil
	}
	if prev, ok := seen.claim(id, l); !ok {
		return l.errorf("id", "duplicate id %d (also %s)", id, prev)
	}
	switch err := stored(p.ctx, id); {
	case err == nil:
		return l.errorf("id", "duplicate id %d (%s already in the database)", id, what)
	case !seatkeeper.IsNotFound(err):
		return err
	}
	return nil
}

// teamMemberPlan is a member of a team as it will be written.
type teamMemberPlan struct {
	user   *ref
	role   string // "" for enterprise teams
	joined time.Time
}

// teamMembers resolves a team's members field: distinct whats found by
// find, each with a role (org teams only: withRoles) and a joining time.
func (p *planner) teamMembers(l loc, ms []TeamMember, what string, find func(string) (*ref, bool, error), withRoles bool) ([]teamMemberPlan, error) {
	logins := make([]string, len(ms))
	for i, m := range ms {
		logins[i] = m.Login
	}
	refs, err := resolveAll(l, "members", logins, what, find)
	if err != nil {
		return nil, err
	}
	out := make([]teamMemberPlan, len(ms))
	for i, m := range ms {
		field := fmt.Sprintf("members[%d]", i)
		role := ""
		switch {
		case withRoles:
			role = cmp.Or(m.Role, "member")
			if err := oneOf(l, field+".role", role, []string{"member", "maintainer"}); err != nil {
				return nil, err
			}
		case m.Role != "":
			return nil, l.errorf(field+".role", "enterprise team members have no role")
		}
		at, err := timestamp(l, field+".joined_at", m.JoinedAt)
		if err != nil {
			return nil, err
		}
		joined := p.now
		if at != nil {
			joined = *at
		}
		out[i] = teamMemberPlan{user: refs[i], role: role, joined: joined}
	}
	return out, nil
}
