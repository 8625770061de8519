package httpapi

import (
	"context"
	"net/http"
	"strings"
)

// GitHub Enterprise Server serves the API under /api/v3; seatkeeper
// answers every route there too.

// cutAPIPrefix is path without a leading /api/v3 ("/" for the prefix
// alone), and whether it had one.
func cutAPIPrefix(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/v3")
	if !ok || (rest != "" && rest[0] != '/') {
		return path, false
	}
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// stripPrefix serves a request under /api/v3 as the same request at the
// root, remembering the prefix for the URLs the answer writes (apiPrefix).
func stripPrefix(x *exchange) {
	rest, ok := cutAPIPrefix(x.r.URL.Path)
	if !ok {
		return
	}
	x.r = x.r.WithContext(context.WithValue(x.r.Context(), prefixKey{}, "/api/v3"))
	x.r.URL.Path = rest
	x.r.URL.RawPath = ""
}

type prefixKey struct{}

// apiPrefix is the path prefix the request came in under ("/api/v3" or
// ""), so that URLs in Link headers lead back the same way.
func apiPrefix(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p
}
