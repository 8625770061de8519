package httpapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

const graphqlSeed = `
users:
  - {login: mona, name: Mona Lisa, email: mona@example.com}
  - {login: ann}
organizations:
  - {login: acme, name: Acme Inc, members: [{login: mona, role: admin}, {login: ann}]}
  - {login: beta, members: [{login: mona}]}
  - {login: gamma, members: [{login: mona, state: pending}]}
tokens:
  - {token: ghp_mona, kind: classic, user: mona, scopes: [read:org]}
  - {token: github_pat_ann, kind: fine_grained, user: ann, organization: acme, permissions: {members: read}}
  - {token: ghs_acme, kind: installation, organization: acme, permissions: {members: read}}
`

// TestGraphQL: the queries tools send to learn who they are answer in
// GitHub's envelope, at /graphql and at /api/graphql; unknown fields get
// GitHub's undefinedField error (with its path), unknown logins
// NOT_FOUND, unbounded connections GitHub's pagination errors; a request
// without a token or with a bad one gets 401.
func TestGraphQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), graphqlSeed)
		tests := []struct {
			name, path, token, query string
			status                   int
			want                     string // the whole body, as JSON
		}{
			{"gh's UserCurrent", "/api/graphql", "ghp_mona", `query UserCurrent{viewer{login}}`, 200,
				`{"data":{"viewer":{"login":"mona"}}}`},
			{"the viewer in full", "/graphql", "ghp_mona",
				`{ viewer { login id databaseId name email organizations(first: 10) { totalCount nodes { login } } } }`, 200,
				`{"data":{"viewer":{"login":"mona","id":"MDQ6VXNlcjE=","databaseId":1,"name":"Mona Lisa","email":"mona@example.com",` +
					`"organizations":{"totalCount":2,"nodes":[{"login":"acme"},{"login":"beta"}]}}}}`},
			{"a page of one", "/graphql", "ghp_mona", `{ viewer { organizations(first: 1) { nodes { login } } } }`, 200,
				`{"data":{"viewer":{"organizations":{"nodes":[{"login":"acme"}]}}}}`},
			{"the last page of one", "/graphql", "ghp_mona", `{ viewer { organizations(last: 1) { nodes { login } } } }`, 200,
				`{"data":{"viewer":{"organizations":{"nodes":[{"login":"beta"}]}}}}`},
			{"fine-grained token, no name", "/graphql", "github_pat_ann", `{ viewer { login name email } }`, 200,
				`{"data":{"viewer":{"login":"ann","name":null,"email":""}}}`},
			{"organization", "/graphql", "ghp_mona", `{ organization(login: "ACME") { login id databaseId name description } }`, 200,
				`{"data":{"organization":{"login":"acme","id":"MDEyOk9yZ2FuaXphdGlvbjM=","databaseId":3,"name":"Acme Inc","description":null}}}`},
			{"user", "/graphql", "ghp_mona", `{ user(login: "ann") { login databaseId } }`, 200,
				`{"data":{"user":{"login":"ann","databaseId":2}}}`},
			{"unknown user", "/graphql", "ghp_mona", `{ user(login: "nobody") { login } }`, 200,
				`{"data":{"user":null},"errors":[{"type":"NOT_FOUND","path":["user"],"locations":[{"line":1,"column":3}],` +
					`"message":"Could not resolve to a User with the login of 'nobody'."}]}`},
			{"unknown organization", "/graphql", "ghp_mona", `{ organization(login: "nope") { login } }`, 200,
				`{"data":{"organization":null},"errors":[{"type":"NOT_FOUND","path":["organization"],"locations":[{"line":1,"column":3}],` +
					`"message":"Could not resolve to an Organization with the login of 'nope'."}]}`},
			{"unknown field", "/graphql", "ghp_mona", "query {\n  viewer {\n    login\n    foo\n  }\n}", 200,
				`{"errors":[{"type":"undefinedField","path":["query","viewer","foo"],` +
					`"extensions":{"code":"undefinedField","fieldName":"foo","typeName":"User"},` +
					`"locations":[{"line":4,"column":5}],"message":"Field 'foo' doesn't exist on type 'User'"}]}`},
			{"unknown field, named query", "/api/graphql", "ghp_mona", `query Who { viewer { organizations(first: 1) { nodes { slug } } } }`, 200,
				`{"errors":[{"type":"undefinedField","path":["query Who","viewer","organizations","nodes","slug"],` +
					`"extensions":{"code":"undefinedField","fieldName":"slug","typeName":"Organization"},` +
					`"locations":[{"line":1,"column":56}],"message":"Field 'slug' doesn't exist on type 'Organization'"}]}`},
			{"no page size", "/graphql", "ghp_mona", `{ viewer { organizations { totalCount } } }`, 200,
				`{"data":null,"errors":[{"type":"MISSING_PAGINATION_BOUNDARIES","path":["viewer","organizations"],"locations":[{"line":1,"column":12}],` +
					"\"message\":\"You must provide a `first` or `last` value to properly paginate the `organizations` connection.\"}]}"},
			{"page too large", "/graphql", "ghp_mona", `{ viewer { organizations(first: 101) { totalCount } } }`, 200,
				`{"data":null,"errors":[{"type":"EXCESSIVE_PAGINATION","path":["viewer","organizations"],"locations":[{"line":1,"column":12}],` +
					"\"message\":\"Requesting 101 records on the `organizations` connection exceeds the `first` limit of 100 records.\"}]}"},
			{"installation token has no viewer", "/graphql", "ghs_acme", `{ viewer { login } }`, 200,
				`{"data":null,"errors":[{"type":"FORBIDDEN","path":["viewer"],"locations":[{"line":1,"column":3}],"message":"Resource not accessible by integration"}]}`},
			{"no query", "/graphql", "ghp_mona", ``, 200,
				`{"errors":[{"message":"A query attribute must be specified and must be a string."}]}`},
			{"bad token", "/graphql", "ghp_nosuchtoken", `{ viewer { login } }`, 401,
				`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`},
			{"no token", "/api/graphql", "", `{ viewer { login } }`, 401,
				`{"message":"This endpoint requires you to be authenticated.",` +
					`"documentation_url":"https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql","status":"401"}`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]string{"query": tt.query})
				if tt.query == "" {
					body = []byte(`{}`)
				}
				r := e.doBody("POST", tt.path, tt.token, string(body))
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
				}
				if !sameJSON(t, r.body, []byte(tt.want)) {
					t.Errorf("body\n %s\nwant\n %s", r.body, tt.want)
				}
			})
		}
	})
}

// TestGraphQLRateLimit: GraphQL requests count against the graphql
// resource, apart from core, and GET /rate_limit reports both.
func TestGraphQLRateLimit(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), graphqlSeed)
	for i := 1; i <= 3; i++ {
		r := e.doBody("POST", "/graphql", "ghp_mona", `{"query":"{ viewer { login } }"}`)
		if got := r.header.Get("X-RateLimit-Resource"); got != "graphql" {
			t.Fatalf("X-RateLimit-Resource %q, want graphql", got)
		}
		if got := r.header.Get("X-RateLimit-Used"); got != itoa(i) {
			t.Fatalf("GraphQL request %d: X-RateLimit-Used %s", i, got)
		}
	}
	r := e.do("GET", "/users/ann", "ghp_mona")
	if got, used := r.header.Get("X-RateLimit-Resource"), r.header.Get("X-RateLimit-Used"); got != "core" || used != "1" {
		t.Errorf("REST after GraphQL: resource %q, used %s; want core, 1", got, used)
	}
	var rl struct {
		Resources map[string]struct{ Used int } `json:"resources"`
	}
	if err := json.Unmarshal(e.do("GET", "/rate_limit", "ghp_mona").body, &rl); err != nil {
		t.Fatal(err)
	}
	if rl.Resources["graphql"].Used != 3 || rl.Resources["core"].Used != 1 {
		t.Errorf("/rate_limit resources %+v, want graphql used 3, core used 1", rl.Resources)
	}
}

// sameJSON reports whether a and b encode the same value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %s", a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("want is not JSON: %s", b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}
