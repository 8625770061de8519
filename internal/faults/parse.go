package faults

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/bind"
)

// Bounds of a fault's numbers.
const (
	MaxDelay      = 120 * time.Second // delay_ms at most 120000
	MaxRetryAfter = 86400             // retry_after, in seconds, at most a day
	MaxTimes      = 1 << 30
	// DefaultRetryAfter is a rate-limit effect's retry_after when it names
	// none.
	DefaultRetryAfter = 60
)

// Error is a fault description that is not acceptable; Field names the
// member at fault ("effect.status").
type Error = bind.Error

// Parse reads a fault description, a decoded JSON object:
//
//	{"match": {"method", "path", "token_prefix"}, "effect": {...},
//	 "times", "probability", "seed", "expires_at"}
//
// and checks it. Errors are *Error naming the member.
func Parse(obj map[string]json.RawMessage) (Spec, error) {
	var spec Spec
	err := bind.Known("", obj, "match", "effect", "times", "probability", "seed", "expires_at")
	if err != nil {
		return spec, err
	}
	if bind.Present(obj, "match") {
		if spec.Match, err = parseMatch(obj["match"]); err != nil {
			return spec, err
		}
	}
	if !bind.Present(obj, "effect") {
		return spec, bind.Errorf("effect", "required: an object with one of status, delay_ms, rate_limit, drop_connection")
	}
	if spec.Effect, err = parseEffect(obj["effect"]); err != nil {
		return spec, err
	}
	if bind.Present(obj, "times") && bind.Present(obj, "probability") {
		return spec, bind.Errorf("times", "a fault has times or probability, not both")
	}
	if bind.Present(obj, "times") {
		n, err := bind.Get[int](obj, "", "times", "an integer")
		if err != nil {
			return spec, err
		}
		if n < 1 || n > MaxTimes {
			return spec, bind.Errorf("times", "must be at least 1 (and at most %d)", MaxTimes)
		}
		spec.Times = &n
	}
	if bind.Present(obj, "probability") {
		p, err := bind.Get[float64](obj, "", "probability", "a number from 0 to 1")
		if err != nil {
			return spec, err
		}
		if p < 0 || p > 1 {
			return spec, bind.Errorf("probability", "must be a number from 0 to 1")
		}
		spec.Probability = &p
	}
	if bind.Present(obj, "seed") {
		if spec.Probability == nil {
			return spec, bind.Errorf("seed", "only with probability")
		}
		n, err := bind.Get[int64](obj, "", "seed", "an integer")
		if err != nil {
			return spec, err
		}
		spec.Seed = &n
	}
	if bind.Present(obj, "expires_at") {
		v, err := bind.Get[string](obj, "", "expires_at", "an RFC 3339 time such as 2026-03-01T09:00:00Z")
		if err != nil {
			return spec, err
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return spec, bind.Errorf("expires_at", "%q is not an RFC 3339 time such as 2026-03-01T09:00:00Z", v)
		}
		t = t.UTC()
		spec.ExpiresAt = &t
	}
	return spec, nil
}

func parseMatch(raw json.RawMessage) (Match, error) {
	var m Match
	obj, err := bind.Object("match", raw, "method", "path", "token_prefix")
	if err != nil {
		return m, err
	}
	str := func(key string) (string, error) {
		if !bind.Present(obj, key) {
			return "", nil
		}
		return bind.Get[string](obj, "match", key, "a string")
	}
	if m.Method, err = str("method"); err != nil {
		return m, err
	}
	m.Method = strings.ToUpper(m.Method)
	if m.Method != "" && !isToken(m.Method) {
		return m, bind.Errorf("match.method", "%q is not an HTTP method", m.Method)
	}
	if m.TokenPrefix, err = str("token_prefix"); err != nil {
		return m, err
	}
	if m.Path, err = str("path"); err != nil {
		return m, err
	}
	if m.Path != "" {
		if m.Path, err = checkPath("match.path", m.Path); err != nil {
			return m, err
		}
	}
	return m, nil
}

// checkPath checks a path template or literal path (for a fault's match or
// a filter) and returns it without /api/v3.
func checkPath(field, p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", bind.Errorf(field, "%q must start with /", p)
	}
	if strings.ContainsAny(p, "?#") {
		return "", bind.Errorf(field, "%q must be a path, without a query", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.ContainsAny(seg, "{}") && !isParam(seg) {
			return "", bind.Errorf(field, "%q: a {name} wildcard must be a whole segment", p)
		}
	}
	p = TrimPrefix(p)
	if Excluded(p) {
		return "", bind.Errorf(field, "%q: faults never fire on /_seatkeeper routes, /healthz, /readyz or /metrics", p)
	}
	return p, nil
}

// CheckFilter checks a path template or literal path used to filter (the
// request journal's path parameter); unlike a fault's, it may name any
// path.
func CheckFilter(field, p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", bind.Errorf(field, "%q must start with /", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.ContainsAny(seg, "{}") && !isParam(seg) {
			return "", bind.Errorf(field, "%q: a {name} wildcard must be a whole segment", p)
		}
	}
	return TrimPrefix(p), nil
}

func parseEffect(raw json.RawMessage) (Effect, error) {
	var e Effect
	obj, err := bind.Object("effect", raw, "status", "body", "headers", "delay_ms", "rate_limit", "retry_after", "rate_limit_status", "drop_connection")
	if err != nil {
		return e, err
	}
	var kinds []string
	for _, k := range []Kind{KindStatus, KindDelay, KindRateLimit, KindDropConnection} {
		if bind.Present(obj, string(k)) {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) != 1 {
		return e, bind.Errorf("effect", "must have exactly one of status, delay_ms, rate_limit, drop_connection (it has %d)", len(kinds))
	}
	e.Kind = Kind(kinds[0])
	for key, kind := range map[string]Kind{"body": KindStatus, "headers": KindStatus, "retry_after": KindRateLimit, "rate_limit_status": KindRateLimit} {
		if bind.Present(obj, key) && e.Kind != kind {
			return e, bind.Errorf("effect."+key, "only with %s", kind)
		}
	}
	switch e.Kind {
	case KindStatus:
		if e.Status, err = bind.Get[int](obj, "effect", "status", "an integer"); err != nil {
			return e, err
		}
		if e.Status < 200 || e.Status > 599 {
			return e, bind.Errorf("effect.status", "must be from 200 to 599 (a 1xx is not a final answer)")
		}
		if bind.Present(obj, "body") {
			if e.Status == http.StatusNoContent || e.Status == http.StatusNotModified {
				return e, bind.Errorf("effect.body", "a %d answer has no body", e.Status)
			}
			var body bytes.Buffer
			if err := json.Compact(&body, obj["body"]); err != nil {
				return e, bind.Errorf("effect.body", "must be JSON")
			}
			e.Body = body.Bytes()
		}
		if bind.Present(obj, "headers") {
			if e.Headers, err = bind.Get[map[string]string](obj, "effect", "headers", "an object whose values are strings"); err != nil {
				return e, err
			}
			for name, v := range e.Headers {
				if !isToken(name) {
					return e, bind.Errorf("effect.headers", "%q is not a header name", name)
				}
				if strings.ContainsAny(v, "\r\n\x00") {
					return e, bind.Errorf("effect.headers", "the value of %s has a line break", name)
				}
				switch http.CanonicalHeaderKey(name) {
				case "Content-Length", "Transfer-Encoding", "Connection":
					return e, bind.Errorf("effect.headers", "%s is set by the server", http.CanonicalHeaderKey(name))
				}
			}
		}
	case KindDelay:
		ms, err := bind.Get[int](obj, "effect", "delay_ms", "an integer")
		if err != nil {
			return e, err
		}
		if ms < 0 || time.Duration(ms)*time.Millisecond > MaxDelay {
			return e, bind.Errorf("effect.delay_ms", "must be from 0 to %d", MaxDelay.Milliseconds())
		}
		e.Delay = time.Duration(ms) * time.Millisecond
	case KindRateLimit:
		if e.RateLimit, err = bind.Get[string](obj, "effect", "rate_limit", `"primary" or "secondary"`); err != nil {
			return e, err
		}
		if e.RateLimit != RateLimitPrimary && e.RateLimit != RateLimitSecondary {
			return e, bind.Errorf("effect.rate_limit", `%q is not one of primary, secondary`, e.RateLimit)
		}
		// GitHub answers either limit with 403 or 429; by default, the
		// primary limit with 403, the secondary with 429.
		e.Status = http.StatusForbidden
		if e.RateLimit == RateLimitSecondary {
			e.Status = http.StatusTooManyRequests
		}
		if bind.Present(obj, "rate_limit_status") {
			if e.Status, err = bind.Get[int](obj, "effect", "rate_limit_status", "403 or 429"); err != nil {
				return e, err
			}
			if e.Status != http.StatusForbidden && e.Status != http.StatusTooManyRequests {
				return e, bind.Errorf("effect.rate_limit_status", "must be 403 or 429")
			}
		}
		e.RetryAfter = DefaultRetryAfter
		if bind.Present(obj, "retry_after") {
			if e.RetryAfter, err = bind.Get[int](obj, "effect", "retry_after", "an integer (seconds)"); err != nil {
				return e, err
			}
			if e.RetryAfter < 0 || e.RetryAfter > MaxRetryAfter {
				return e, bind.Errorf("effect.retry_after", "must be from 0 to %d seconds", MaxRetryAfter)
			}
		}
	case KindDropConnection:
		drop, err := bind.Get[bool](obj, "effect", "drop_connection", "true")
		if err != nil {
			return e, err
		}
		if !drop {
			return e, bind.Errorf("effect.drop_connection", "must be true")
		}
	}
	return e, nil
}

// isToken reports whether s is an HTTP token (a method or header name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
