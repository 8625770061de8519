package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// DocREST is GitHub's documentation_url for errors not tied to one endpoint.
const DocREST = "https://docs.github.com/rest"

// basicError is GitHub's basic-error body. Status is a string, as GitHub
// sends it.
type basicError struct {
	Message          string `json:"message"`
	Errors           any    `json:"errors,omitempty"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

// unavailableRetryAfter is the Retry-After, in seconds, of a 503 for a
// database that cannot be reached or cannot write.
const unavailableRetryAfter = 5

// writeError answers with the basic-error for err: a 503 with Retry-After
// when the database is unavailable (store.Unavailable). Errors that are not
// *seatkeeper.Error are internal: the client sees only the request id, the
// log gets the details.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *seatkeeper.Error
	if store.Unavailable(err) {
		rid := w.Header().Get("X-GitHub-Request-Id")
		s.log.ErrorContext(r.Context(), "database unavailable", slog.String("request_id", rid), slog.String("error", err.Error()))
		w.Header().Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
		s.writeBasicError(w, r, http.StatusServiceUnavailable, basicError{
			Message: "Service Unavailable. Please retry later. If you reach out for help, please include the request ID " + rid + ".",
		})
		return
	}
	if !errors.As(err, &e) || e.Kind == seatkeeper.KindInternal {
		rid := w.Header().Get("X-GitHub-Request-Id")
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", rid), slog.String("error", err.Error()))
		s.writeBasicError(w, r, http.StatusInternalServerError, basicError{
			Message: "Internal Server Error. If you reach out for help, please include the request ID " + rid + ".",
		})
		return
	}
	body := basicError{Message: e.Message, DocumentationURL: e.DocURL}
	if len(e.Fields) > 0 {
		body.Errors = fieldErrors(e.Fields)
	}
	s.writeBasicError(w, r, e.Kind.Status(), body)
}

// fieldError is one entry of GitHub's validation-error "errors" list.
type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message,omitempty"`
}

func fieldErrors(fs []seatkeeper.FieldError) []fieldError {
	out := make([]fieldError, len(fs))
	for i, f := range fs {
		out[i] = fieldError{Resource: f.Resource, Code: f.Code, Field: f.Field, Message: f.Message}
	}
	return out
}

// writeBasicError writes a basic-error body with the given status.
func (s *Server) writeBasicError(w http.ResponseWriter, r *http.Request, status int, body basicError) {
	if body.DocumentationURL == "" {
		body.DocumentationURL = docURL(r.Pattern) // the operation's page (docs.go)
	}
	body.Status = strconv.Itoa(status)
	w.Header()["Vary"] = hdrVaryError // as GitHub's errors carry it
	if status == http.StatusUnauthorized {
		// GitHub resolves credentials before versions: a 401 names none.
		w.Header().Del("X-GitHub-Api-Version-Selected")
	}
	s.writeJSON(w, r, status, body)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeBasicError(w, r, http.StatusNotFound, basicError{Message: "Not Found"})
}
