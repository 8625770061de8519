package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// API versions seatkeeper serves, newest first; the default is the one an
// unversioned request gets.
var (
	APIVersions       = []string{"2026-03-10", "2022-11-28"}
	DefaultAPIVersion = "2022-11-28"
)

// version20260310 is the first version with breaking changes to routes
// seatkeeper serves: /rate_limit without rate, the API root without
// hub_url and authorizations_url, team writes without permission.
const version20260310 = "2026-03-10"

// checkVersion selects the API version the request asks for
// (X-GitHub-Api-Version, default DefaultAPIVersion) and names it in
// X-GitHub-Api-Version-Selected; an unsupported one is answered 400.
func (s *Server) checkVersion(x *exchange) bool {
	var version string
	if v := x.r.Header["X-Github-Api-Version"]; len(v) > 0 { // the canonical key: Get would canonicalize anew
		version = v[0]
	}
	if version == "" {
		version = DefaultAPIVersion
	}
	selected, ok := versionSelected[version]
	if !ok {
		s.writeBasicError(x.rw, x.r, http.StatusBadRequest, basicError{Message: "Bad Request", Errors: unsupportedVersionMessage(version)})
		return false
	}
	x.rw.Header()["X-Github-Api-Version-Selected"] = selected
	return true
}

// versionSelected holds, for each supported version, its
// X-GitHub-Api-Version-Selected value, shared by every response (len ==
// cap: an append copies).
var versionSelected = func() map[string][]string {
	m := map[string][]string{}
	for _, v := range APIVersions {
		m[v] = []string{v}
	}
	return m
}()

func unsupportedVersionMessage(v string) string {
	quoted := make([]string, len(APIVersions))
	for i, s := range APIVersions {
		quoted[i] = strconv.Quote(s)
	}
	quoted[0] += " (most recent)"
	return fmt.Sprintf(`The version you specified in the "X-GitHub-API-Version" request header, %q, is not a supported version. `+
		`The following versions are currently supported: %s and %s.`, v, strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}
