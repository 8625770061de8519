package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Export reads the whole state of st, in one transaction, as a seed
// document that loads into an empty database to the same state: every id,
// time and setting that an answer of the API shows. Tokens are written by
// their hash (token_sha256), the only form stored; revoked tokens are left
// out, since they open nothing. Entries are in id order, defaults are left
// out, times are RFC 3339 in UTC.
//
// Copilot grants, residual seats and activity of users who are no longer
// members of the organization show in no answer and are left out: a seed
// document may give them only to members.
func Export(ctx context.Context, st *store.Store) (*Document, error) {
	var d *Document
	err := st.Tx(ctx, func(tx *store.Tx) error {
		x := &exporter{ctx: ctx, tx: tx}
		var err error
		d, err = x.export()
		return err
	})
	return d, err
}

// JSON is the document as indented JSON, ending in a newline.
func (d *Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON writes the document to w as JSON() has it.
func (d *Document) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// YAML is the document as YAML (see WriteYAML).
func (d *Document) YAML() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.WriteYAML(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type exporter struct {
	ctx context.Context
	tx  *store.Tx

	users       map[int64]string // login by id
	orgs        map[int64]string
	enterprises map[int64]string // slug by id
	eteams      map[int64]string // enterprise team slug by id
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

func (x *exporter) export() (*Document, error) {
	ctx, tx := x.ctx, x.tx
	d := &Document{}
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	x.users = map[int64]string{}
	for _, u := range users {
		x.users[u.ID] = u.Login
		d.Users = append(d.Users, User{
			Login: u.Login, ID: u.ID, Name: u.Name, Email: u.Email, SiteAdmin: u.SiteAdmin,
			CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt),
		})
	}

	ents, err := tx.Enterprises(ctx)
	if err != nil {
		return nil, err
	}
	x.enterprises, x.eteams = map[int64]string{}, map[int64]string{}
	for _, e := range ents {
		x.enterprises[e.ID] = e.Slug
		out, err := x.enterprise(e)
		if err != nil {
			return nil, err
		}
		d.Enterprises = append(d.Enterprises, out)
	}

	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	x.orgs = map[int64]string{}
	for _, o := range orgs {
		x.orgs[o.ID] = o.Login
		out, err := x.org(o)
		if err != nil {
			return nil, err
		}
		d.Organizations = append(d.Organizations, out)
	}

	tokens, err := tx.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tokens {
		if t.RevokedAt != nil {
			continue
		}
		d.Tokens = append(d.Tokens, Token{
			TokenSHA256: t.Hash, Hint: t.Hint, Kind: string(t.Kind),
			User: x.users[t.UserID], Organization: x.orgs[t.OrgID],
			Scopes: t.Scopes, Permissions: t.Permissions, ExpiresAt: tsPtr(t.ExpiresAt),
			Note: t.Note, CreatedAt: ts(t.CreatedAt),
		})
	}
	return d, nil
}

func (x *exporter) enterprise(e seatkeeper.Enterprise) (Enterprise, error) {
	out := Enterprise{Slug: e.Slug, ID: e.ID, Name: e.Name, CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt)}
	if out.Name == e.Slug {
		out.Name = ""
	}
	owners, err := x.tx.EnterpriseOwners(x.ctx, e.ID)
	if err != nil {
		return out, err
	}
	for _, u := range owners {
		out.Owners = append(out.Owners, u.Login)
	}
	teams, err := x.tx.EnterpriseTeams(x.ctx, e.ID)
	if err != nil {
		return out, err
	}
	for _, t := range teams {
		x.eteams[t.ID] = t.Slug
		rows, err := x.tx.EnterpriseTeamMemberRows(x.ctx, t.ID)
		if err != nil {
			return out, err
		}
		et := EnterpriseTeam{Name: t.Name, ID: t.ID, Slug: t.Slug, Description: t.Description,
			CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt)}
		for _, m := range rows {
			et.Members = append(et.Members, TeamMember{Login: x.users[m.UserID], JoinedAt: ts(m.JoinedAt)})
		}
		out.Teams = append(out.Teams, et)
	}
	return out, x.enterpriseCopilot(e, &out)
}

// enterpriseCopilot exports an enterprise's direct members, billing
// managers, own subscription, enterprise-level grants and activity.
func (x *exporter) enterpriseCopilot(e seatkeeper.Enterprise, out *Enterprise) error {
	for _, role := range []struct {
		list func(context.Context, int64) ([]seatkeeper.User, error)
		dst  *[]string
	}{{x.tx.EnterpriseDirectMembers, &out.Members}, {x.tx.EnterpriseBillingManagers, &out.BillingManagers}} {
		users, err := role.list(x.ctx, e.ID)
		if err != nil {
			return err
		}
		for _, u := range users {
			*role.dst = append(*role.dst, u.Login)
		}
	}
	var err error
	if out.Copilot, err = copilotOf(x.tx.EnterpriseSubscription(x.ctx, e.ID)); err != nil || out.Copilot == nil {
		return err
	}
	grants, err := x.tx.EnterpriseGrants(x.ctx, e.ID)
	if err != nil {
		return err
	}
	for _, g := range grants {
		s := Seat{User: x.users[g.UserID], EnterpriseTeam: x.eteams[g.EnterpriseTeamID], CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
		if d := g.PendingCancellationDate; d != nil {
			s.PendingCancellationDate = d.String()
		}
		out.Seats = append(out.Seats, s)
	}
	activity, err := x.tx.EnterpriseActivity(x.ctx, e.ID)
	if err != nil {
		return err
	}
	for _, a := range activity {
		out.Activity = append(out.Activity, Activity{
			User: x.users[a.UserID], LastActivityAt: tsPtr(a.Activity.LastActivityAt), LastActivityEditor: a.Activity.LastActivityEditor,
		})
	}
	return nil
}

// copilotOf exports a subscription read with its error: nil when there
// is none.
func copilotOf(sub seatkeeper.Subscription, err error) (*Copilot, error) {
	if seatkeeper.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	day := sub.BillingCycleDay
	return &Copilot{
		PlanType: sub.PlanType, SeatManagementSetting: sub.SeatManagementSetting,
		PublicCodeSuggestions: sub.PublicCodeSuggestions, IDEChat: sub.IDEChat, PlatformChat: sub.PlatformChat,
		CLI: sub.CLI, BillingCycleDay: &day, CreatedAt: ts(sub.CreatedAt), UpdatedAt: ts(sub.UpdatedAt),
	}, nil
}

func (x *exporter) org(o seatkeeper.Organization) (Organization, error) {
	ctx, tx := x.ctx, x.tx
	out := Organization{Login: o.Login, ID: o.ID, Enterprise: x.enterprises[o.EnterpriseID], Name: o.Name, Description: o.Description,
		CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt)}

	var err error
	if out.Copilot, err = copilotOf(tx.Subscription(ctx, o.ID)); err != nil {
		return out, err
	}

	ms, err := tx.Memberships(ctx, o.ID)
	if err != nil {
		return out, err
	}
	members := map[int64]bool{}
	for _, m := range ms {
		members[m.UserID] = true
		mm := Member{Login: x.users[m.UserID], Role: m.Role, State: m.State, CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt)}
		if mm.Role == seatkeeper.RoleMember {
			mm.Role = ""
		}
		if mm.State == seatkeeper.StateActive {
			mm.State = ""
		}
		out.Members = append(out.Members, mm)
	}

	teams, err := tx.Teams(ctx, o.ID)
	if err != nil {
		return out, err
	}
	slugs := map[int64]string{}
	for _, t := range teams {
		slugs[t.ID] = t.Slug
	}
	for _, t := range teams {
		rows, err := tx.TeamMemberRows(ctx, t.ID)
		if err != nil {
			return out, err
		}
		tt := Team{Name: t.Name, ID: t.ID, Slug: t.Slug, Description: t.Description, Privacy: t.Privacy,
			NotificationSetting: t.NotificationSetting, Permission: t.Permission, Parent: slugs[t.ParentID],
			CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt)}
		for _, m := range rows {
			if !members[m.UserID] {
				continue // a seed gives teams only org members
			}
			tm := TeamMember{Login: x.users[m.UserID], Role: m.Role, JoinedAt: ts(m.JoinedAt)}
			if tm.Role == "member" {
				tm.Role = ""
			}
			tt.Members = append(tt.Members, tm)
		}
		out.Teams = append(out.Teams, tt)
	}

	grants, err := tx.Grants(ctx, o.ID)
	if err != nil {
		return out, err
	}
	for _, g := range grants {
		s := Seat{CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
		if d := g.PendingCancellationDate; d != nil {
			s.PendingCancellationDate = d.String()
		}
		switch g.Kind {
		case seatkeeper.GrantUser:
			if !members[g.UserID] {
				continue
			}
			s.User = x.users[g.UserID]
		case seatkeeper.GrantTeam:
			s.Team = slugs[g.TeamID]
		case seatkeeper.GrantEnterpriseTeam:
			s.EnterpriseTeam = x.eteams[g.EnterpriseTeamID]
		default:
			return out, fmt.Errorf("export: grant %d of unknown kind", g.ID)
		}
		out.Seats = append(out.Seats, s)
	}

	residuals, err := tx.ResidualSeatRows(ctx, o.ID)
	if err != nil {
		return out, err
	}
	for _, r := range residuals {
		if !members[r.UserID] {
			continue
		}
		out.ResidualSeats = append(out.ResidualSeats, ResidualSeat{
			User: x.users[r.UserID], Team: slugs[r.TeamID], EnterpriseTeam: x.eteams[r.EnterpriseTeamID],
			CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt), PendingCancellationDate: r.PendingCancellationDate.String(),
		})
	}

	activity, err := tx.OrgActivityOf(ctx, o.ID, store.Users{})
	if err != nil {
		return out, err
	}
	for _, id := range slices.Sorted(maps.Keys(activity)) {
		if !members[id] {
			continue
		}
		a := activity[id]
		out.Activity = append(out.Activity, Activity{
			User: x.users[id], LastActivityAt: tsPtr(a.LastActivityAt), LastActivityEditor: a.LastActivityEditor,
		})
	}
	if out.Copilot == nil { // nothing of Copilot can load without it
		out.Seats, out.ResidualSeats, out.Activity = nil, nil, nil
	}
	return out, nil
}
