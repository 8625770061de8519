package httpapi

import (
	"net/http"
	"strconv"

	"github.com/seatkeeper/seatkeeper/internal/identicon"
)

var (
	hdrPNG         = []string{"image/png"}
	hdrCacheAvatar = []string{"max-age=300"}
)

// handleAvatar serves GET /avatars/u/{id}, where every avatar_url points:
// the account's identicon (internal/identicon), to anyone, free of the
// rate limit, as images on GitHub's avatar host are.
func (s *Server) handleAvatar(w http.ResponseWriter, r *http.Request) error {
	if rw, ok := w.(*responseWriter); ok {
		rw.uncounted()
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return nil
	}
	body := identicon.PNG(id)
	h := w.Header()
	h["Content-Type"] = hdrPNG
	h["Cache-Control"] = hdrCacheAvatar
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}
