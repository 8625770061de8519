// Package graphql answers the GitHub GraphQL queries tools send to learn
// who they are (gh's `query UserCurrent { viewer { login } }`, a viewer's
// organizations, an organization or user by login), over a small slice of
// GitHub's schema, in GitHub's response envelope and error shapes. HTTP,
// authentication and rate limits stay with the caller.
package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	gql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/seatkeeper/seatkeeper"
)

// schema is the slice of GitHub's GraphQL schema served: field names,
// types and nullability as GitHub's.
const schema = `
schema { query: Query }

type Query {
	viewer: User!
	user(login: String!): User
	organization(login: String!): Organization
}

type User {
	login: String!
	id: ID!
	databaseId: Int
	name: String
	email: String!
	isSiteAdmin: Boolean!
	organizations(first: Int, after: String, last: Int, before: String): OrganizationConnection!
}

type Organization {
	login: String!
	id: ID!
	databaseId: Int
	name: String
	description: String
}

type OrganizationConnection {
	nodes: [Organization]
	totalCount: Int!
}
`

// Directory is what the resolvers read.
type Directory interface {
	UserByLogin(ctx context.Context, login string) (seatkeeper.User, error)
	OrgByLogin(ctx context.Context, login string) (seatkeeper.Organization, error)
	UserOrgs(ctx context.Context, userID int64) ([]seatkeeper.Organization, error)
}

// Service executes queries against a Directory.
type Service struct {
	schema *gql.Schema
}

// New returns a service reading dir; nodeID makes an object's global id
// from its GraphQL type name and database id (the REST API's node_id).
func New(dir Directory, nodeID func(typ string, id int64) string) *Service {
	r := &resolver{dir: dir, nodeID: nodeID}
	return &Service{schema: gql.MustParseSchema(schema, r, gql.MaxDepth(10), gql.MaxQueryLength(64<<10))}
}

// Request is a GraphQL request body.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// Response is GitHub's envelope: data (absent when the query did not
// validate) and errors.
type Response struct {
	Data   json.RawMessage `json:"data,omitempty"`
	Errors []Error         `json:"errors,omitempty"`
}

// Error is one of GitHub's GraphQL errors. Validation errors carry their
// code both as type (as GitHub long sent it) and in extensions (as it
// sends it now); resolution errors carry a type such as NOT_FOUND.
type Error struct {
	Type       string         `json:"type,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
	Locations  []Location     `json:"locations,omitempty"`
	Message    string         `json:"message"`
}

// Location is a place in the query text.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type viewerKey struct{}

// WithViewer returns ctx carrying the authenticated user, whom viewer
// resolves to; nil for a token that acts for no user (an installation).
func WithViewer(ctx context.Context, u *seatkeeper.User) context.Context {
	return context.WithValue(ctx, viewerKey{}, u)
}

// Execute runs req for the viewer in ctx.
func (s *Service) Execute(ctx context.Context, req Request) Response {
	if req.Query == "" {
		return Response{Errors: []Error{{Message: "A query attribute must be specified and must be a string."}}}
	}
	res := s.schema.Exec(ctx, req.Query, req.OperationName, req.Variables)
	out := Response{Data: res.Data}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, githubError(req.Query, e))
	}
	if len(out.Data) == 0 || string(out.Data) == "null" && len(out.Errors) > 0 && out.Errors[0].Path == nil {
		out.Data = nil
	}
	return out
}

var undefinedField = regexp.MustCompile(`^Cannot query field "([^"]+)" on type "([^"]+)"\.`)

// githubError turns a graphql-go error into GitHub's shape.
func githubError(query string, e *gqlerrors.QueryError) Error {
	out := Error{Message: e.Message, Path: e.Path}
	for _, l := range e.Locations {
		out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
	}
	var re *resolveError
	if errors.As(e.ResolverError, &re) {
		out.Type = re.typ
		if loc, ok := locationOf(query, e.Path); ok && len(out.Locations) == 0 {
			out.Locations = []Location{loc}
		}
		return out
	}
	if m := undefinedField.FindStringSubmatch(e.Message); m != nil {
		field, typ := m[1], m[2]
		out.Type = "undefinedField"
		out.Message = fmt.Sprintf("Field '%s' doesn't exist on type '%s'", field, typ)
		out.Extensions = map[string]any{"code": "undefinedField", "typeName": typ, "fieldName": field}
		if len(e.Locations) > 0 {
			out.Path = pathAt(query, e.Locations[0].Line, e.Locations[0].Column)
		}
	}
	return out
}

// resolveError is an error a resolver reports, with GitHub's type.
type resolveError struct{ typ, msg string }

func (e *resolveError) Error() string { return e.msg }

// notFound is GitHub's error for a login that names nothing; what is
// "a User" or "an Organization".
func notFound(what, login string) error {
	return &resolveError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to %s with the login of '%s'.", what, login)}
}
