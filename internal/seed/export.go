package seed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/usage"
)

// Format is the text an export is written in.
type Format int

const (
	JSON Format = iota // indented, as Document.WriteJSON writes
	YAML               // as Document.WriteYAML writes
)

// WriteExport writes the whole state of st, read in one snapshot, to w as
// a seed document that loads into an empty database to the same state:
// every id, time and setting that an answer of the API shows. Tokens are
// written by their hash (token_sha256), the only form stored; revoked
// tokens are left out, since they open nothing, and so are the users
// named in leaveOut with their tokens. Entries are in id order, defaults
// are left out, times are RFC 3339 in UTC.
//
// Copilot grants, residual seats and activity of users who are no longer
// members of the organization show in no answer and are left out: a seed
// document may give them only to members.
//
// The document is written as it is read, a row at a time: memory does not
// grow with the number of users or seats. The text is what the Document
// that Export returns writes.
func WriteExport(ctx context.Context, st *store.Store, w io.Writer, f Format, leaveOut ...string) error {
	write := writeJSON
	if f == YAML {
		write = writeYAML
	}
	return st.Snapshot(ctx, func(tx *store.Tx) error {
		x := &exporter{ctx: ctx, tx: tx, leaveOut: map[string]bool{}}
		for _, login := range leaveOut {
			x.leaveOut[seatkeeper.LoginKey(login)] = true
		}
		top, err := x.document()
		if err != nil {
			return err
		}
		return write(w, top)
	})
}

// Export is WriteExport's document, whole.
func Export(ctx context.Context, st *store.Store, leaveOut ...string) (*Document, error) {
	var buf bytes.Buffer
	if err := WriteExport(ctx, st, &buf, JSON, leaveOut...); err != nil {
		return nil, err
	}
	return Parse(buf.Bytes())
}

// JSON is the document as indented JSON, ending in a newline.
func (d *Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.WriteJSON(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// YAML is the document as YAML (see WriteYAML).
func (d *Document) YAML() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.WriteYAML(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exporter builds the entries of an export. Enterprises, their teams and
// organizations are read first, whole: there are few, and entries refer
// to them by slug and login. Everything that grows with users (users,
// memberships, team members, seats, activity, tokens) is read by a source
// as it is written. A source reading rows yields only leaf entries (those
// without lists of their own), so that one query runs at a time.
//
// A section of the document is one source: a key of Document, Enterprise
// or Organization is written by adding its field to the type and a
// function giving its entries to the lists of document, enterprise or
// organization.
type exporter struct {
	ctx      context.Context
	tx       *store.Tx
	leaveOut map[string]bool // login keys of users left out

	orgs        []seatkeeper.Organization
	enterprises []seatkeeper.Enterprise
	orgLogins   map[int64]string
	entSlugs    map[int64]string // enterprise slug by id
	eteams      map[int64][]seatkeeper.EnterpriseTeam
	eteamSlugs  map[int64]string // enterprise team slug by id
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

// listOf is a source of the entries made of items by entryOf.
func listOf[T any](items []T, entryOf func(T) (entry, error)) source {
	return func(yield func(entry) error) error {
		for _, it := range items {
			e, err := entryOf(it)
			if err != nil {
				return err
			}
			if err := yield(e); err != nil {
				return err
			}
		}
		return nil
	}
}

// rows is a source of leaf entries, one for each row read by read; a nil
// entry (skip) leaves the row out.
func rows[R any, T any](read func(func(R) error) error, entryOf func(R) (T, bool)) source {
	return func(yield func(entry) error) error {
		return read(func(r R) error {
			v, ok := entryOf(r)
			if !ok {
				return nil
			}
			return yield(leafEntry(v))
		})
	}
}

func (x *exporter) document() (entry, error) {
	ctx, tx := x.ctx, x.tx
	var err error
	if x.enterprises, err = tx.Enterprises(ctx); err != nil {
		return entry{}, err
	}
	x.entSlugs, x.eteams, x.eteamSlugs = map[int64]string{}, map[int64][]seatkeeper.EnterpriseTeam{}, map[int64]string{}
	for _, e := range x.enterprises {
		x.entSlugs[e.ID] = e.Slug
		teams, err := tx.EnterpriseTeams(ctx, e.ID)
		if err != nil {
			return entry{}, err
		}
		x.eteams[e.ID] = teams
		for _, t := range teams {
			x.eteamSlugs[t.ID] = t.Slug
		}
	}
	if x.orgs, err = tx.Orgs(ctx); err != nil {
		return entry{}, err
	}
	x.orgLogins = map[int64]string{}
	for _, o := range x.orgs {
		x.orgLogins[o.ID] = o.Login
	}
	return entry{v: reflect.ValueOf(Document{}), lists: map[string]source{
		"Users":         rows(func(fn func(seatkeeper.User) error) error { return tx.EachUser(ctx, fn) }, x.user),
		"Enterprises":   listOf(x.enterprises, x.enterprise),
		"Organizations": listOf(x.orgs, x.organization),
		"Tokens":        rows(func(fn func(store.Named[seatkeeper.Token]) error) error { return tx.EachToken(ctx, fn) }, x.token),
	}}, nil
}

func (x *exporter) user(u seatkeeper.User) (User, bool) {
	return User{
		Login: u.Login, ID: u.ID, Name: u.Name, Email: u.Email, SiteAdmin: u.SiteAdmin,
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt),
	}, !x.leaveOut[seatkeeper.LoginKey(u.Login)]
}

func (x *exporter) token(n store.Named[seatkeeper.Token]) (Token, bool) {
	t := n.Row
	return Token{
		TokenSHA256: t.Hash, Hint: t.Hint, Kind: string(t.Kind),
		User: n.Login, Organization: x.orgLogins[t.OrgID],
		Scopes: t.Scopes, Permissions: t.Permissions, ExpiresAt: tsPtr(t.ExpiresAt),
		Note: t.Note, CreatedAt: ts(t.CreatedAt),
	}, t.RevokedAt == nil && !x.leaveOut[seatkeeper.LoginKey(n.Login)]
}

func (x *exporter) enterprise(e seatkeeper.Enterprise) (entry, error) {
	ctx, tx := x.ctx, x.tx
	out := Enterprise{Slug: e.Slug, ID: e.ID, Name: e.Name, CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt)}
	if out.Name == e.Slug {
		out.Name = ""
	}
	owners, err := tx.EnterpriseOwners(ctx, e.ID)
	if err != nil {
		return entry{}, err
	}
	for _, u := range owners {
		out.Owners = append(out.Owners, u.Login)
	}
	for _, role := range []struct {
		list func(context.Context, int64) ([]seatkeeper.User, error)
		dst  *[]string
	}{{tx.EnterpriseDirectMembers, &out.Members}, {tx.EnterpriseBillingManagers, &out.BillingManagers}} {
		users, err := role.list(ctx, e.ID)
		if err != nil {
			return entry{}, err
		}
		for _, u := range users {
			*role.dst = append(*role.dst, u.Login)
		}
	}
	if out.Copilot, err = copilotOf(tx.EnterpriseSubscription(ctx, e.ID)); err != nil {
		return entry{}, err
	}
	lists := map[string]source{
		"Teams": listOf(x.eteams[e.ID], func(t seatkeeper.EnterpriseTeam) (entry, error) {
			et := EnterpriseTeam{Name: t.Name, ID: t.ID, Slug: t.Slug, Description: t.Description,
				CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt)}
			return entry{v: reflect.ValueOf(et), lists: map[string]source{
				"Members": rows(func(fn func(store.Named[store.TeamMemberRow]) error) error {
					return tx.EachEnterpriseTeamMember(ctx, t.ID, fn)
				}, func(m store.Named[store.TeamMemberRow]) (TeamMember, bool) {
					return TeamMember{Login: m.Login, JoinedAt: ts(m.Row.JoinedAt)}, true
				}),
			}}, nil
		}),
	}
	if out.Copilot != nil { // nothing of Copilot can load without it
		lists["Seats"] = rows(func(fn func(store.Named[seatkeeper.Grant]) error) error { return tx.EachEnterpriseGrant(ctx, e.ID, fn) },
			func(n store.Named[seatkeeper.Grant]) (Seat, bool) {
				g := n.Row
				s := Seat{User: n.Login, EnterpriseTeam: x.eteamSlugs[g.EnterpriseTeamID], CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
				if d := g.PendingCancellationDate; d != nil {
					s.PendingCancellationDate = d.String()
				}
				return s, true
			})
		lists["Activity"] = x.activity(func(fn func(store.Named[seatkeeper.Activity]) error) error {
			return tx.EachEnterpriseActivity(ctx, e.ID, fn)
		})
		lists["Usage"] = usageSource(ctx, tx, store.UsageQuery{EnterpriseID: e.ID})
	}
	return entry{v: reflect.ValueOf(out), lists: lists}, nil
}

// usageSource is the source of the usage events q selects, of all days.
func usageSource(ctx context.Context, tx *store.Tx, q store.UsageQuery) source {
	q.From, q.To = "0000-01-01", "9999-12-31"
	return func(yield func(entry) error) error {
		return tx.EachUsage(ctx, q, func(_ string, e seatkeeper.UsageEvent) error { return yield(leafEntry(usage.EventOf(e))) })
	}
}

// activity is the source of the activity rows read by read.
func (x *exporter) activity(read func(func(store.Named[seatkeeper.Activity]) error) error) source {
	return rows(read, func(n store.Named[seatkeeper.Activity]) (Activity, bool) {
		return Activity{User: n.Login, LastActivityAt: tsPtr(n.Row.LastActivityAt), LastActivityEditor: n.Row.LastActivityEditor,
			LastAuthenticatedAt: tsPtr(n.Row.LastAuthenticatedAt)}, true
	})
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

func (x *exporter) organization(o seatkeeper.Organization) (entry, error) {
	ctx, tx := x.ctx, x.tx
	out := Organization{Login: o.Login, ID: o.ID, Enterprise: x.entSlugs[o.EnterpriseID], Name: o.Name, Description: o.Description,
		CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt)}

	var err error
	if out.Copilot, err = copilotOf(tx.Subscription(ctx, o.ID)); err != nil {
		return entry{}, err
	}
	public, err := tx.PublicMembers(ctx, o.ID)
	if err != nil {
		return entry{}, err
	}
	isPublic := map[int64]bool{}
	for _, u := range public {
		isPublic[u.ID] = true
	}
	teams, err := tx.Teams(ctx, o.ID)
	if err != nil {
		return entry{}, err
	}
	slugs := map[int64]string{}
	for _, t := range teams {
		slugs[t.ID] = t.Slug
	}

	lists := map[string]source{
		"Members": rows(func(fn func(store.Named[seatkeeper.Membership]) error) error { return tx.EachMembership(ctx, o.ID, fn) },
			func(n store.Named[seatkeeper.Membership]) (Member, bool) {
				m := n.Row
				mm := Member{Login: n.Login, Role: m.Role, State: m.State, Public: isPublic[m.UserID],
					CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt)}
				if mm.Role == seatkeeper.RoleMember {
					mm.Role = ""
				}
				if mm.State == seatkeeper.StateActive {
					mm.State = ""
				}
				return mm, true
			}),
		"Teams": listOf(teams, func(t seatkeeper.Team) (entry, error) {
			tt := Team{Name: t.Name, ID: t.ID, Slug: t.Slug, Description: t.Description, Privacy: t.Privacy,
				NotificationSetting: t.NotificationSetting, Permission: t.Permission, Parent: slugs[t.ParentID],
				CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt)}
			return entry{v: reflect.ValueOf(tt), lists: map[string]source{
				// A seed gives teams only org members.
				"Members": rows(func(fn func(store.Named[store.TeamMemberRow]) error) error {
					return tx.EachTeamMember(ctx, o.ID, t.ID, fn)
				},
					func(n store.Named[store.TeamMemberRow]) (TeamMember, bool) {
						tm := TeamMember{Login: n.Login, Role: n.Row.Role, JoinedAt: ts(n.Row.JoinedAt)}
						if tm.Role == "member" {
							tm.Role = ""
						}
						return tm, true
					}),
			}}, nil
		}),
	}
	if out.Copilot != nil { // nothing of Copilot can load without it
		lists["Seats"] = x.seats(o.ID, slugs)
		lists["ResidualSeats"] = rows(func(fn func(store.Named[store.ResidualSeat]) error) error { return tx.EachResidualSeat(ctx, o.ID, fn) },
			func(n store.Named[store.ResidualSeat]) (ResidualSeat, bool) {
				r := n.Row
				return ResidualSeat{
					User: n.Login, Team: slugs[r.TeamID], EnterpriseTeam: x.eteamSlugs[r.EnterpriseTeamID],
					CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt), PendingCancellationDate: r.PendingCancellationDate.String(),
				}, true
			})
		lists["Activity"] = x.activity(func(fn func(store.Named[seatkeeper.Activity]) error) error { return tx.EachActivity(ctx, o.ID, fn) })
		lists["Usage"] = usageSource(ctx, tx, store.UsageQuery{OrgIDs: []int64{o.ID}, Members: true})
		lists["PullRequests"] = func(yield func(entry) error) error {
			repos, err := tx.Repositories(ctx, []int64{o.ID})
			if err != nil {
				return err
			}
			q := store.UsageQuery{OrgIDs: []int64{o.ID}, From: "0000-01-01", To: "9999-12-31", Logins: true}
			return tx.EachPullRequest(ctx, q, func(_ int64, e seatkeeper.PullRequestEvent) error {
				repo := repos[e.RepoID]
				e.Repository, e.Visibility = repo.Name, repo.Visibility
				return yield(leafEntry(usage.PullRequestOf(repo.Owner, e)))
			})
		}
	}
	return entry{v: reflect.ValueOf(out), lists: lists}, nil
}

// seats is the source of an org's grants; slugs are its teams' slugs.
func (x *exporter) seats(orgID int64, slugs map[int64]string) source {
	return func(yield func(entry) error) error {
		return x.tx.EachGrant(x.ctx, orgID, func(n store.Named[seatkeeper.Grant]) error {
			g := n.Row
			s := Seat{CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
			if d := g.PendingCancellationDate; d != nil {
				s.PendingCancellationDate = d.String()
			}
			switch g.Kind {
			case seatkeeper.GrantUser:
				s.User = n.Login
			case seatkeeper.GrantTeam:
				s.Team = slugs[g.TeamID]
			case seatkeeper.GrantEnterpriseTeam:
				s.EnterpriseTeam = x.eteamSlugs[g.EnterpriseTeamID]
			default:
				return fmt.Errorf("export: grant %d of unknown kind", g.ID)
			}
			return yield(leafEntry(s))
		})
	}
}
