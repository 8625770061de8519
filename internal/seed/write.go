package seed

import (
	"context"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// ref is something the document refers to by name: an account, an
// enterprise or a team. One already stored has its id from the start; one
// the document creates gets it when written, which is always before
// anything that refers to it is written.
type ref struct{ id int64 }

// ID is the id of r; 0 for no reference.
func (r *ref) ID() int64 {
	if r == nil {
		return 0
	}
	return r.id
}

// plan is a checked document, ready to be written: every value is final
// except the ids of what it creates.
type plan struct {
	now         time.Time
	users       []userPlan
	enterprises []enterprisePlan
	orgs        []orgPlan
	tokens      []tokenPlan

	progress    func(done, total int) // Document.Progress
	done, total int
}

type userPlan struct {
	ref  *ref
	user seatkeeper.User
}

type enterprisePlan struct {
	ref        *ref
	enterprise seatkeeper.Enterprise
	owners     []*ref
	teams      []enterpriseTeamPlan
	copilot    enterpriseCopilotPlan
}

type enterpriseTeamPlan struct {
	ref     *ref
	team    seatkeeper.EnterpriseTeam
	members []teamMemberPlan
}

type orgPlan struct {
	ref          *ref
	org          seatkeeper.Organization
	enterprise   *ref                     // nil for none
	subscription *seatkeeper.Subscription // nil when Copilot is not enabled
	members      []memberPlan
	teams        []teamPlan // parents before their children
	grants       []grantPlan
	residuals    []residualPlan
	activity     []activityPlan
	usage        []usagePlan
	pullRequests []pullRequestPlan
}

type memberPlan struct {
	user       *ref
	membership seatkeeper.Membership
	public     bool
}

type teamPlan struct {
	ref     *ref
	team    seatkeeper.Team
	parent  *ref // nil for a root team
	members []teamMemberPlan

	at         loc    // where the team is declared
	parentSlug string // the parent as the document names it
}

type grantPlan struct {
	target *ref // the user, team or enterprise team, as grant.Kind says
	grant  seatkeeper.Grant
}

type residualPlan struct {
	user, team, enterpriseTeam *ref // team and enterpriseTeam: at most one, or neither
	seat                       store.ResidualSeat
}

type activityPlan struct {
	user     *ref
	activity seatkeeper.Activity
}

type usagePlan struct {
	user  *ref
	event seatkeeper.UsageEvent
}

type pullRequestPlan struct {
	user  *ref
	event seatkeeper.PullRequestEvent
}

type tokenPlan struct {
	user, org *ref // nil when the kind has none
	token     seatkeeper.Token
}

// write creates everything the plan holds, each entry after those it
// refers to, reporting progress at least every progressRows entries.
func (p *plan) write(ctx context.Context, tx *store.Tx) error {
	p.total = len(p.users) + len(p.tokens)
	for _, e := range p.enterprises {
		p.total += e.entries()
	}
	for _, o := range p.orgs {
		p.total += o.entries()
	}
	if err := p.writeUsers(ctx, tx); err != nil {
		return err
	}
	for _, e := range p.enterprises {
		if err := p.writeEnterprise(ctx, tx, e); err != nil {
			return err
		}
	}
	for _, o := range p.orgs {
		if err := p.writeOrg(ctx, tx, o); err != nil {
			return err
		}
	}
	for _, t := range p.tokens {
		t.token.UserID, t.token.OrgID = t.user.ID(), t.org.ID()
		if err := tx.CreateToken(ctx, &t.token); err != nil {
			return err
		}
		p.wrote(1)
	}
	return nil
}

// progressRows is the most rows written in bulk between two reports of
// progress.
const progressRows = 1000

// inChunks writes rows with write, progressRows at a time, reporting each
// chunk written.
func inChunks[T any](p *plan, rows []T, write func([]T) error) error {
	for len(rows) > 0 {
		n := min(len(rows), progressRows)
		if err := write(rows[:n]); err != nil {
			return err
		}
		p.wrote(n)
		rows = rows[n:]
	}
	return nil
}

// entries counts what progress counts of an enterprise: itself, its
// teams and their members.
func (e enterprisePlan) entries() int {
	n := 1 + len(e.teams)
	for _, t := range e.teams {
		n += len(t.members)
	}
	return n
}

// entries counts what progress counts of an organization: itself, its
// members, teams and their members, grants, residual seats and activity.
func (o orgPlan) entries() int {
	n := 1 + len(o.members) + len(o.teams) + len(o.grants) + len(o.residuals) + len(o.activity) + len(o.usage) + len(o.pullRequests)
	for _, t := range o.teams {
		n += len(t.members)
	}
	return n
}

// wrote reports n more entries written.
func (p *plan) wrote(n int) {
	p.done += n
	if p.progress != nil {
		p.progress(p.done, p.total)
	}
}

func (p *plan) writeEnterprise(ctx context.Context, tx *store.Tx, e enterprisePlan) error {
	if err := tx.CreateEnterprise(ctx, &e.enterprise); err != nil {
		return err
	}
	e.ref.id = e.enterprise.ID
	p.wrote(1)
	for _, owner := range e.owners {
		if err := tx.AddEnterpriseOwner(ctx, e.ref.id, owner.id); err != nil {
			return err
		}
	}
	for _, t := range e.teams {
		t.team.EnterpriseID = e.ref.id
		if err := tx.CreateEnterpriseTeam(ctx, &t.team); err != nil {
			return err
		}
		t.ref.id = t.team.ID
		p.wrote(1)
		for _, m := range t.members {
			if err := tx.AddEnterpriseTeamMember(ctx, t.ref.id, m.user.id, m.joined); err != nil {
				return err
			}
			p.wrote(1)
		}
	}
	return e.copilot.write(ctx, tx, e.ref.id, p.now)
}

func (p *plan) writeOrg(ctx context.Context, tx *store.Tx, o orgPlan) error {
	o.org.EnterpriseID = o.enterprise.ID()
	if err := tx.CreateOrg(ctx, &o.org); err != nil {
		return err
	}
	id := o.org.ID
	o.ref.id = id
	if s := o.subscription; s != nil {
		s.OrgID = id
		if err := tx.PutSubscription(ctx, *s); err != nil {
			return err
		}
	}
	p.wrote(1)
	// Active memberships go in bulk; an invitation is written one by one
	// with the invitation record it carries.
	var active []seatkeeper.Membership
	for _, m := range o.members {
		m.membership.OrgID, m.membership.UserID = id, m.user.id
		if m.membership.State == seatkeeper.StateActive {
			active = append(active, m.membership)
			continue
		}
		if err := tx.PutMembership(ctx, m.membership); err != nil {
			return err
		}
		p.wrote(1)
	}
	if err := inChunks(p, active, func(ms []seatkeeper.Membership) error { return tx.BulkMemberships(ctx, ms) }); err != nil {
		return err
	}
	for _, m := range o.members {
		if m.public {
			if err := tx.SetPublicMember(ctx, id, m.user.id, true); err != nil {
				return err
			}
		}
	}
	for _, t := range o.teams {
		t.team.OrgID, t.team.ParentID = id, t.parent.ID()
		if err := tx.CreateTeam(ctx, &t.team); err != nil {
			return err
		}
		t.ref.id = t.team.ID
		p.wrote(1)
		for _, m := range t.members {
			if err := tx.AddTeamMember(ctx, t.ref.id, m.user.id, m.role, m.joined); err != nil {
				return err
			}
			p.wrote(1)
		}
	}
	first, err := tx.ReserveIDs(ctx, store.SeqGrants, int64(len(o.grants)))
	if err != nil {
		return err
	}
	grants := make([]seatkeeper.Grant, len(o.grants))
	for i, g := range o.grants {
		g.grant.ID, g.grant.OrgID = first+int64(i), id
		switch g.grant.Kind {
		case seatkeeper.GrantUser:
			g.grant.UserID = g.target.id
		case seatkeeper.GrantTeam:
			g.grant.TeamID = g.target.id
		case seatkeeper.GrantEnterpriseTeam:
			g.grant.EnterpriseTeamID = g.target.id
		}
		grants[i] = g.grant
	}
	if err := inChunks(p, grants, func(gs []seatkeeper.Grant) error { return tx.BulkGrants(ctx, gs) }); err != nil {
		return err
	}
	for _, r := range o.residuals {
		r.seat.OrgID, r.seat.UserID = id, r.user.id
		r.seat.TeamID, r.seat.EnterpriseTeamID = r.team.ID(), r.enterpriseTeam.ID()
		if err := tx.PutResidualSeat(ctx, r.seat); err != nil {
			return err
		}
		p.wrote(1)
	}
	err = inChunks(p, o.activity, func(as []activityPlan) error {
		acts := make(map[int64]seatkeeper.Activity, len(as))
		for _, a := range as {
			acts[a.user.id] = a.activity
		}
		return tx.BulkActivity(ctx, id, acts)
	})
	if err != nil {
		return err
	}
	err = inChunks(p, o.usage, func(us []usagePlan) error {
		events := make([]seatkeeper.UsageEvent, len(us))
		for i, u := range us {
			events[i] = u.event
			events[i].UserID = u.user.id
		}
		return tx.AddUsage(ctx, store.UsageScope{OrgID: id}, events)
	})
	if err != nil {
		return err
	}
	return inChunks(p, o.pullRequests, func(ps []pullRequestPlan) error {
		events := make([]seatkeeper.PullRequestEvent, len(ps))
		for i, pr := range ps {
			events[i] = pr.event
			events[i].UserID = pr.user.id
		}
		return tx.AddPullRequests(ctx, id, events)
	})
}

// writeUsers inserts the document's users in bulk: explicit ids as given
// (the account sequence is moved past the largest), the others from one
// reserved block. The planner has already checked that every login and
// explicit id is free.
func (p *plan) writeUsers(ctx context.Context, tx *store.Tx) error {
	var maxID int64
	unnumbered := 0
	for _, u := range p.users {
		if u.user.ID > 0 {
			maxID = max(maxID, u.user.ID)
		} else {
			unnumbered++
		}
	}
	if maxID > 0 {
		if err := tx.ClaimIDs(ctx, store.SeqAccounts, maxID); err != nil {
			return err
		}
	}
	next, err := tx.ReserveIDs(ctx, store.SeqAccounts, int64(unnumbered))
	if err != nil {
		return err
	}
	users := make([]seatkeeper.User, len(p.users))
	for i, u := range p.users {
		if u.user.ID <= 0 {
			u.user.ID = next
			next++
		}
		u.ref.id = u.user.ID
		users[i] = u.user
	}
	return inChunks(p, users, func(us []seatkeeper.User) error { return tx.BulkUsers(ctx, us) })
}
