package httpapi

import "net/http"

// Preflight headers, GitHub's, shared by every preflight answer (keys
// canonical, values never appended to in place; see fixedHeaders).
var (
	hdrAllowHeaders = []string{"Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, " +
		"Accept-Encoding, X-GitHub-OTP, X-Requested-With, User-Agent, GraphQL-Features, X-GitHub-Next-Global-ID, X-GitHub-Api-Version"}
	hdrAllowMethods = []string{"GET, POST, PATCH, PUT, DELETE"}
	hdrMaxAge       = []string{"86400"}
)

// servePreflight answers a CORS preflight (OPTIONS, on any path) as
// GitHub does: 204 with the origins, methods and headers allowed, before
// any credential is looked at, counting against no rate limit. The
// Access-Control-Allow-Origin and -Expose-Headers every answer carries are
// among fixedHeaders.
func servePreflight(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodOptions {
		return false
	}
	h := w.Header()
	h["Access-Control-Allow-Headers"] = hdrAllowHeaders
	h["Access-Control-Allow-Methods"] = hdrAllowMethods
	h["Access-Control-Max-Age"] = hdrMaxAge
	w.WriteHeader(http.StatusNoContent)
	return true
}
