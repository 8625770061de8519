package httpapi

import (
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/faults"
)

// Fault injection (docs/control-api.md, "Faults"): site administrators
// make chosen requests fail the way GitHub fails — a 5xx, a rate limit, a
// slow answer, a dropped connection — to test a client's retries. The
// model (matching, times, probability, expiry) is internal/faults, the
// routes that manage faults are internal/control's; this file is the
// pipeline's step that applies them. A fault fires in
// ServeHTTP after routing, authentication and the rate limits, before the
// route's handler, so a faulted write changes nothing. Faults live in the
// process's memory, or on PostgreSQL in the database (faults.Shared).

// injectFault runs, in ServeHTTP, the fault that fires on r, if one does,
// and reports whether it answered (or dropped) the request; false lets the
// route's handler answer (no fault, or a delay that has passed).
func (s *Server) injectFault(x *exchange) bool {
	rw, r := x.rw, x.r
	if armed, err := s.faults.Armed(r.Context()); err != nil || !armed {
		if err != nil {
			s.writeError(rw, r, err)
		}
		return err != nil
	}
	pattern := s.route(r)
	if pattern == "" {
		return false // unknown routes are not faulted
	}
	tok, _ := credential(r)
	f, ok, err := s.faults.FireFault(r.Context(), faults.Request{Method: r.Method, Path: r.URL.Path, Token: tok, Now: s.clock.Now()})
	if err != nil {
		s.writeError(rw, r, err)
		return true
	}
	if !ok {
		return false
	}
	r.Pattern = pattern // for the log line, the metrics and the journal
	if rec := journalRecordFrom(r); rec != nil {
		rec.entry.Fault = &f.ID
	}
	rid := rw.Header().Get("X-GitHub-Request-Id")
	s.log.Info("fault", slog.String("request_id", rid), slog.Int64("fault", f.ID), slog.String("effect", string(f.Effect.Kind)))
	switch f.Effect.Kind {
	case faults.KindDelay:
		return !s.faultDelay(rw, r, f.Effect.Delay)
	case faults.KindStatus:
		s.faultStatus(rw, r, f.Effect)
	case faults.KindRateLimit:
		s.faultRateLimit(rw, r, f.Effect)
	case faults.KindDropConnection:
		faultDrop(rw)
	}
	return true
}

// faultDeadlineSlack is what the handler has left, after a delay, of the
// server's read and write deadlines.
const faultDeadlineSlack = 60 * time.Second

// faultDelay waits d, then lets the handler answer; it reports false when
// the client went away first (nothing is answered, nothing is done).
func (s *Server) faultDelay(rw *responseWriter, r *http.Request, d time.Duration) bool {
	// The server's read and write timeouts count from the request's
	// arrival: a long delay must not use them up (a passed write deadline
	// loses the answer, a passed read deadline the rest of a body the
	// handler has yet to read).
	rc := http.NewResponseController(rw)
	deadline := time.Now().Add(d + faultDeadlineSlack)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		rw.status = 0 // no answer
		return false
	}
}

// faultMessages are GitHub's messages for statuses a fault answers without
// a body of its own; other statuses get their status text.
var faultMessages = map[int]string{
	http.StatusBadRequest:          "Bad Request",
	http.StatusUnauthorized:        "Bad credentials",
	http.StatusForbidden:           "Forbidden",
	http.StatusNotFound:            "Not Found",
	http.StatusUnprocessableEntity: "Validation Failed",
	http.StatusBadGateway:          "Server Error",
	http.StatusServiceUnavailable:  "Service Unavailable",
	http.StatusGatewayTimeout: "We couldn't respond to your request in time. Sorry about that. " +
		"Please try resubmitting your request and contact us if the problem persists.",
}

func faultMessage(status int, rid string) string {
	if status == http.StatusInternalServerError {
		return "Internal Server Error. If you reach out for help, please include the request ID " + rid + "."
	}
	if m, ok := faultMessages[status]; ok {
		return m
	}
	if m := http.StatusText(status); m != "" {
		return m
	}
	return "Error"
}

// faultStatus answers the effect's status, body and headers. A status of
// 400 or more without a body gets GitHub's basic-error for it. A fault's
// answer is not counted against the caller's rate limit.
func (s *Server) faultStatus(rw *responseWriter, r *http.Request, e faults.Effect) {
	rw.uncounted()
	h := rw.Header()
	body := e.Body
	if body == nil && e.Status >= 400 {
		body, _ = json.Marshal(basicError{
			Message: faultMessage(e.Status, h.Get("X-GitHub-Request-Id")), DocumentationURL: DocREST, Status: strconv.Itoa(e.Status),
		})
	}
	if body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	for k, v := range e.Headers {
		h.Set(k, v)
	}
	if body != nil {
		// A JSON string under a Content-Type that is not JSON (an HTML
		// error page, say) is sent as the text it holds.
		mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
		var text string
		if mt != "application/json" && !strings.HasSuffix(mt, "+json") && json.Unmarshal(body, &text) == nil {
			body = []byte(text)
		} else {
			body = append(body, '\n')
		}
		h.Set("Content-Length", itoa(len(body)))
	}
	rw.WriteHeader(e.Status)
	if body != nil && r.Method != http.MethodHead {
		rw.Write(body)
	}
}

// Rate-limit documentation, as GitHub links it; go-github tells a
// secondary limit by the #...secondary-rate-limits suffix.
const (
	docRateLimits          = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docSecondaryRateLimits = docRateLimits + "#about-secondary-rate-limits"
)

// faultRateLimit answers as GitHub's primary rate limit (403, every
// X-RateLimit header saying it is spent until retry_after seconds from now)
// or its secondary limit (429 with Retry-After). Neither counts against
// the caller's real limit.
func (s *Server) faultRateLimit(rw *responseWriter, r *http.Request, e faults.Effect) {
	rw.beforeHeader = nil
	rw.giveBack()
	h := rw.Header()
	rid := h.Get("X-GitHub-Request-Id")
	p, present := principalFrom(r.Context())
	if e.RateLimit == faults.RateLimitPrimary {
		limit := s.cfg.RateLimitUnauthenticated
		if present {
			limit = s.cfg.RateLimit
		}
		// Like the real limit, real time: clients compare the reset with
		// their own clocks.
		setRateHeaders(h, newRateState(limit, limit, time.Now().Add(time.Duration(e.RetryAfter)*time.Second), resourceOf(r)))
		s.writeBasicError(rw, r, e.Status, basicError{
			Message:          rateLimitMessage(p, present, clientAddr(r), rid, s.clock.Now()),
			DocumentationURL: docRateLimits,
		})
		return
	}
	rw.uncounted()
	h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	s.writeBasicError(rw, r, e.Status, basicError{
		Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
			"If you reach out to GitHub Support for help, please include the request ID " + rid + ".",
		DocumentationURL: docSecondaryRateLimits,
	})
}

// faultDrop closes the connection without an answer. Where the connection
// cannot be taken over (HTTP/2), it aborts the response: net/http resets
// the stream (ServeHTTP lets http.ErrAbortHandler through).
func faultDrop(rw *responseWriter) {
	rw.beforeHeader = nil
	rw.status = 0 // no answer
	conn, _, err := http.NewResponseController(rw).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
