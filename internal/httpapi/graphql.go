package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/seatkeeper/seatkeeper/internal/graphql"
)

// graphqlPaths are where GitHub serves GraphQL: /graphql on github.com,
// /api/graphql on GitHub Enterprise Server (where gh sends it for any
// host but github.com).
var graphqlPaths = [...]string{"/graphql", "/api/graphql"}

// isGraphQL reports whether path is a GraphQL endpoint, whose requests
// count against the graphql rate limit, not core.
func isGraphQL(path string) bool { return path == graphqlPaths[0] || path == graphqlPaths[1] }

// handleGraphQL serves POST /graphql and /api/graphql: GitHub's GraphQL
// envelope for the queries tools send to learn who they are (see
// internal/graphql). As on GitHub, it needs a token; a bad one has
// already been answered 401.
func (s *Server) handleGraphQL(w http.ResponseWriter, r *http.Request) error {
	p, ok := principalFrom(r.Context())
	if !ok {
		s.writeBasicError(w, r, http.StatusUnauthorized, basicError{
			Message:          "This endpoint requires you to be authenticated.",
			DocumentationURL: "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
		})
		return nil
	}
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	var req graphql.Request
	if b, err := json.Marshal(obj); err != nil || json.Unmarshal(b, &req) != nil {
		s.writeJSON(w, r, http.StatusOK, graphql.Response{Errors: []graphql.Error{{Message: "A query attribute must be specified and must be a string."}}})
		return nil
	}
	s.writeJSON(w, r, http.StatusOK, s.graphql.Execute(graphql.WithViewer(r.Context(), p.User), req))
	return nil
}
