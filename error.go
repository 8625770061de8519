// Package seatkeeper holds the domain vocabulary of the service: users,
// organizations, teams, enterprises, Copilot subscriptions, seat grants and
// tokens. It imports only the standard library; storage lives in
// internal/store, the HTTP surfaces in internal/httpapi (GitHub's API),
// internal/control (seatkeeper's own) and internal/dashboard.
package seatkeeper

import (
	"errors"
	"fmt"
)

// ErrorKind classifies a failure so that transports can pick a status
// without parsing messages. Each kind names the HTTP status it maps to.
type ErrorKind int

const (
	KindInternal        ErrorKind = iota // 500
	KindInvalid                          // 422: the request is well formed but not acceptable
	KindBadRequest                       // 400: the request cannot be parsed
	KindNotFound                         // 404
	KindForbidden                        // 403
	KindUnauthenticated                  // 401
	KindConflict                         // 409
	KindTooLarge                         // 413
)

// Status is the HTTP status of a failure of kind k.
func (k ErrorKind) Status() int {
	switch k {
	case KindInvalid:
		return 422
	case KindBadRequest:
		return 400
	case KindNotFound:
		return 404
	case KindForbidden:
		return 403
	case KindUnauthenticated:
		return 401
	case KindConflict:
		return 409
	case KindTooLarge:
		return 413
	}
	return 500
}

// Error is a failure that carries a message safe to show to the caller.
// DocURL, when set, replaces the transport's default documentation URL.
// Fields, when set, name what failed validation, one entry each.
type Error struct {
	Kind    ErrorKind
	Message string
	DocURL  string
	Fields  []FieldError
}

// FieldError is one entry of GitHub's validation-error list: the resource
// and field at fault and a code (missing, missing_field, invalid,
// already_exists, unprocessable or custom), with a message when the code
// alone does not say enough.
type FieldError struct {
	Resource string
	Field    string
	Code     string
	Message  string
}

// ValidationFailed returns GitHub's 422 "Validation Failed" listing fields.
func ValidationFailed(fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Message: "Validation Failed", Fields: fields}
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// WithDoc returns a copy of e that points at url for documentation.
func (e *Error) WithDoc(url string) *Error {
	c := *e
	c.DocURL = url
	return &c
}

// KindOf reports the kind of err; errors that are not *Error are internal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsNotFound reports whether err is a KindNotFound error.
func IsNotFound(err error) bool { return err != nil && KindOf(err) == KindNotFound }
