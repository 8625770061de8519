package graphql

import (
	"context"
	"fmt"

	gql "github.com/graph-gophers/graphql-go"

	"github.com/seatkeeper/seatkeeper"
)

type resolver struct {
	dir    Directory
	nodeID func(typ string, id int64) string
}

func (r *resolver) Viewer(ctx context.Context) (*userResolver, error) {
	u, _ := ctx.Value(viewerKey{}).(*seatkeeper.User)
	if u == nil {
		return nil, &resolveError{typ: "FORBIDDEN", msg: "Resource not accessible by integration"}
	}
	return &userResolver{r: r, u: *u}, nil
}

func (r *resolver) User(ctx context.Context, args struct{ Login string }) (*userResolver, error) {
	u, err := r.dir.UserByLogin(ctx, args.Login)
	if seatkeeper.IsNotFound(err) {
		return nil, notFound("a User", args.Login)
	}
	if err != nil {
		return nil, err
	}
	return &userResolver{r: r, u: u}, nil
}

func (r *resolver) Organization(ctx context.Context, args struct{ Login string }) (*orgResolver, error) {
	o, err := r.dir.OrgByLogin(ctx, args.Login)
	if seatkeeper.IsNotFound(err) {
		return nil, notFound("an Organization", args.Login)
	}
	if err != nil {
		return nil, err
	}
	return &orgResolver{r: r, o: o}, nil
}

type userResolver struct {
	r *resolver
	u seatkeeper.User
}

func (u *userResolver) Login() string      { return u.u.Login }
func (u *userResolver) ID() gql.ID         { return gql.ID(u.r.nodeID("User", u.u.ID)) }
func (u *userResolver) DatabaseID() *int32 { return databaseID(u.u.ID) }
func (u *userResolver) Name() *string      { return optional(u.u.Name) }
func (u *userResolver) Email() string      { return u.u.Email }
func (u *userResolver) IsSiteAdmin() bool  { return u.u.SiteAdmin }

// maxPage is GitHub's limit on first and last.
const maxPage = 100

type pageArgs struct {
	First, Last   *int32
	After, Before *string
}

// Organizations lists the user's organizations; as on GitHub, a
// connection needs first or last, at most 100. Cursors are not served:
// the first page is the only one.
func (u *userResolver) Organizations(ctx context.Context, args pageArgs) (*orgConnection, error) {
	n, err := pageSize("organizations", args)
	if err != nil {
		return nil, err
	}
	orgs, err := u.r.dir.UserOrgs(ctx, u.u.ID)
	if err != nil {
		return nil, err
	}
	c := &orgConnection{total: int32(len(orgs))}
	if args.Last != nil {
		orgs = orgs[max(len(orgs)-n, 0):]
	} else {
		orgs = orgs[:min(n, len(orgs))]
	}
	for _, o := range orgs {
		c.nodes = append(c.nodes, &orgResolver{r: u.r, o: o})
	}
	return c, nil
}

// pageSize checks a connection's first/last as GitHub does.
func pageSize(conn string, a pageArgs) (int, error) {
	bad := func(format string, args ...any) error {
		return &resolveError{typ: "INVALID_CURSOR_ARGUMENTS", msg: fmt.Sprintf(format, args...)}
	}
	if a.After != nil || a.Before != nil {
		return 0, bad("`after` and `before` are not supported on the `%s` connection.", conn)
	}
	var n *int32
	arg := "first"
	switch {
	case a.First != nil && a.Last != nil:
		return 0, bad("Passing both `first` and `last` to paginate the `%s` connection is not supported.", conn)
	case a.First != nil:
		n = a.First
	case a.Last != nil:
		n, arg = a.Last, "last"
	default:
		return 0, &resolveError{typ: "MISSING_PAGINATION_BOUNDARIES",
			msg: fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", conn)}
	}
	switch {
	case *n < 0:
		return 0, bad("`%s` on the `%s` connection cannot be less than zero.", arg, conn)
	case *n > maxPage:
		return 0, &resolveError{typ: "EXCESSIVE_PAGINATION",
			msg: fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records.", *n, conn, arg, maxPage)}
	}
	return int(*n), nil
}

type orgConnection struct {
	nodes []*orgResolver
	total int32
}

func (c *orgConnection) Nodes() *[]*orgResolver { return &c.nodes }
func (c *orgConnection) TotalCount() int32      { return c.total }

type orgResolver struct {
	r *resolver
	o seatkeeper.Organization
}

func (o *orgResolver) Login() string        { return o.o.Login }
func (o *orgResolver) ID() gql.ID           { return gql.ID(o.r.nodeID("Organization", o.o.ID)) }
func (o *orgResolver) DatabaseID() *int32   { return databaseID(o.o.ID) }
func (o *orgResolver) Name() *string        { return optional(o.o.Name) }
func (o *orgResolver) Description() *string { return optional(o.o.Description) }

func databaseID(id int64) *int32 {
	v := int32(id)
	return &v
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
