package seed

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// loc locates an entry of the document for error messages: list indexes
// from the top, each entry annotated with its name when it has one, as in
// organizations[0] (github).teams[1] (justice-league).
type loc struct {
	path string // the indexes down to the entry, ancestors annotated
	name string // the entry's own name, if any
}

func (l loc) String() string {
	if l.name == "" {
		return l.path
	}
	return l.path + " (" + l.name + ")"
}

// item is the location of entry i of the list named list inside l.
func (l loc) item(list string, i int, name string) loc {
	p := fmt.Sprintf("%s[%d]", list, i)
	if s := l.String(); s != "" {
		p = s + "." + p
	}
	return loc{path: p, name: name}
}

// errorf reports a problem with a field of the entry, or with the entry as
// a whole when field is empty.
func (l loc) errorf(field, format string, args ...any) error {
	at := l.String()
	switch {
	case at == "":
		at = field // a lone entry, as the control API's tokens are
	case field != "":
		at += "." + field
	}
	return invalid("%s: %s", at, fmt.Sprintf(format, args...))
}

// keyErrorf reports a problem with the field that names the entry. The
// message quotes the name, so the entry is not annotated with it.
func (l loc) keyErrorf(field, format string, args ...any) error {
	return loc{path: l.path}.errorf(field, format, args...)
}

// labeled is an entry with a name worth showing in its location.
type labeled interface{ label() string }

func (u User) label() string           { return u.Login }
func (e Enterprise) label() string     { return e.Slug }
func (t EnterpriseTeam) label() string { return teamSlug(t.Slug, t.Name) }
func (o Organization) label() string   { return o.Login }
func (m Member) label() string         { return m.Login }
func (t Team) label() string           { return teamSlug(t.Slug, t.Name) }
func (s Seat) label() string           { return cmp.Or(s.User, s.Team, s.EnterpriseTeam) }
func (r ResidualSeat) label() string   { return r.User }
func (a Activity) label() string       { return a.User }

// teamSlug is a team's slug: the one given, else the slugified name.
func teamSlug(slug, name string) string { return cmp.Or(slug, seatkeeper.Slugify(name)) }

// each plans every entry of list, the list named list inside parent,
// stopping at the first error.
func each[T, P any](parent loc, list string, entries []T, plan func(loc, T) (P, error)) ([]P, error) {
	out := make([]P, 0, len(entries))
	for i, e := range entries {
		var name string
		if l, ok := any(e).(labeled); ok {
			name = l.label()
		}
		p, err := plan(parent.item(list, i, name), e)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// claims records which entry holds each key, to report duplicates.
type claims[K comparable] map[K]string

// claim records that the entry at l holds key; when another entry holds it
// already, it returns that entry's location and false.
func (c claims[K]) claim(key K, l loc) (string, bool) {
	if prev, ok := c[key]; ok {
		return prev, false
	}
	c[key] = l.path
	return "", true
}

// oneOf checks that a field's value is one of allowed.
func oneOf[S ~string](l loc, field string, v S, allowed []S) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return l.errorf(field, "%q is not one of %s", v, strings.Join(names, ", "))
}

// timestamp parses an optional RFC 3339 field, in any offset, into UTC;
// nil when the field is empty.
func timestamp(l loc, field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, l.errorf(field, "%q is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00", s)
	}
	t = t.UTC()
	return &t, nil
}

// date parses an optional YYYY-MM-DD field; nil when the field is empty.
func date(l loc, field, s string) (*seatkeeper.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := seatkeeper.ParseDate(s)
	if err != nil {
		return nil, l.errorf(field, "%v", err)
	}
	return &d, nil
}
