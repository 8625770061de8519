package graphql

import "strings"

// pathAt returns GitHub's path to the selection at line and column of
// query: the operation ("query", "query Name", "fragment Name"), then the
// fields enclosing it, then its own name; nil when the place is not a
// selection. It reads the query with a small tokenizer, not a parser:
// the query has already been parsed and found invalid only in its
// fields.
func pathAt(query string, line, column int) []any {
	var path []any
	walkFields(query, func(stack []any, name string, l, c int) bool {
		if l == line && c == column {
			path = append(append([]any{}, stack...), name)
			return true
		}
		return false
	})
	return path
}

// locationOf is where the field a result path names (as a resolver
// error's path gives it: response keys and list indexes, without the
// operation) first appears in query; ok is false when no field matches.
func locationOf(query string, path []any) (loc Location, ok bool) {
	var want []string
	for _, p := range path {
		if s, isName := p.(string); isName {
			want = append(want, s)
		}
	}
	if len(want) == 0 {
		return loc, false
	}
	walkFields(query, func(stack []any, name string, l, c int) bool {
		if len(stack) != len(want) || name != want[len(want)-1] {
			return false
		}
		for i, s := range stack[1:] {
			if s != want[i] {
				return false
			}
		}
		loc, ok = Location{Line: l, Column: c}, true
		return true
	})
	return loc, ok
}

// walkFields calls visit with each field name in query's selection sets,
// where it stands (line and column, from 1) and the labels of the
// selection sets around it (the operation's first); visit returning true
// stops the walk.
func walkFields(query string, visit func(stack []any, name string, line, column int) bool) {
	var (
		stack   []any  // the labels of the open selection sets
		last    string // the label the next '{' opens
		header  []string
		inParen int
		l, c    = 1, 1
	)
	advance := func(n int) {
		for _, ch := range query[:n] {
			if ch == '\n' {
				l, c = l+1, 1
			} else {
				c++
			}
		}
		query = query[n:]
	}
	for query != "" {
		ch := query[0]
		switch {
		case ch == '\n' || ch == ' ' || ch == '\t' || ch == '\r' || ch == ',':
			advance(1)
		case ch == '#':
			end := strings.IndexByte(query, '\n')
			if end < 0 {
				end = len(query)
			}
			advance(end)
		case strings.HasPrefix(query, `"""`):
			end := strings.Index(query[3:], `"""`)
			if end < 0 {
				return
			}
			advance(end + 6)
		case ch == '"':
			i := 1
			for i < len(query) && query[i] != '"' {
				if query[i] == '\\' {
					i++
				}
				i++
			}
			advance(min(i+1, len(query)))
		case ch == '(':
			inParen++
			advance(1)
		case ch == ')':
			inParen--
			advance(1)
		case inParen > 0:
			advance(1)
		case ch == '{':
			if len(stack) == 0 {
				label := strings.Join(header[:min(len(header), 2)], " ") // "fragment F on User": "fragment F"
				if label == "" {
					label = "query"
				}
				last, header = label, nil
			}
			stack = append(stack, last)
			advance(1)
		case ch == '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			advance(1)
		case strings.HasPrefix(query, "..."):
			advance(3)
			last = "..."
		case ch == '@': // a directive: its name is no field
			advance(1)
			advance(nameLen(query))
		case nameLen(query) > 0:
			n := nameLen(query)
			name := query[:n]
			if len(stack) > 0 && visit(stack, name, l, c) {
				return
			}
			switch {
			case len(stack) == 0:
				header = append(header, name)
			case last == "..." && name == "on":
				last = "... on"
			case last == "... on":
				last = "... on " + name
			default:
				last = name
			}
			advance(n)
		default:
			advance(1)
		}
	}
}

// nameLen is the length of the GraphQL name that s starts with.
func nameLen(s string) int {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || i > 0 && ch >= '0' && ch <= '9' {
			continue
		}
		return i
	}
	return len(s)
}
