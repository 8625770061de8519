package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Redacted replaces a secret.
const Redacted = "[REDACTED]"

// tokenLike matches what looks like a GitHub token: a classic (ghp_), OAuth
// (gho_), installation (ghs_), user-to-server (ghu_) or refresh (ghr_)
// token, or a fine-grained PAT (github_pat_).
var tokenLike = regexp.MustCompile(`\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_]+`)

// SecretName reports whether a field (or query parameter) of this name
// holds a secret: token, password, secret, authorization, signature (a
// usage report's download link works without a credential), or a name ending
// in _token, _secret or _password (access_token, client_secret, ...).
//
// Prefixed forms count too: the word may follow a hyphen or a dot as well
// as an underscore (api-token, client.secret), or start a capitalised word
// (apiToken, clientSecret).
func SecretName(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "token", "password", "secret", "authorization", "signature":
		return true
	}
	for _, w := range []string{"token", "secret", "password"} {
		if len(n) <= len(w) || !strings.HasSuffix(n, w) {
			continue
		}
		if c := n[len(n)-len(w)-1]; c == '_' || c == '-' || c == '.' {
			return true
		}
		if c := name[len(name)-len(w)]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// minSecret is the shortest secret value redacted wherever else it
// appears: shorter values (a "1", an "x") would blank out unrelated text.
const minSecret = 4

// secretValues holds the values found under secret names, to be redacted
// by value wherever else they appear in the same body.
type secretValues map[string]bool

func (sv secretValues) add(v string) {
	if len(v) >= minSecret && v != Redacted {
		sv[v] = true
	}
}

// replace redacts every secret value within s.
func (sv secretValues) replace(s string) string {
	for v := range sv {
		s = strings.ReplaceAll(s, v, Redacted)
	}
	return s
}

// RedactString replaces everything in s that looks like a GitHub token.
func RedactString(s string) string {
	if !strings.Contains(s, "gh") && !strings.Contains(s, "github_pat") {
		return s // nothing tokenLike can match: skip the regexp
	}
	return tokenLike.ReplaceAllString(s, Redacted)
}

// RedactQuery redacts a raw query string: the values of parameters with
// secret names, and anything that looks like a token.
func RedactQuery(q string) string {
	if q == "" {
		return ""
	}
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); ok && err == nil && SecretName(name) {
			parts[i] = k + "=" + Redacted
		}
	}
	return RedactString(strings.Join(parts, "&"))
}

// RedactBody returns a request body fit to keep: at most MaxBody bytes of
// it (truncated reports a cut), as text, with secrets replaced. A complete
// JSON body is re-encoded (compact, in its own order) with the values of
// string fields with secret names replaced; a complete YAML body (a seed
// document, say) likewise, re-encoded as YAML. A body that does not parse,
// or was cut, has its "name: value" pairs with secret names replaced as
// text. Then anything that looks like a GitHub token is replaced.
func RedactBody(body []byte) (text string, truncated bool) {
	if len(body) > MaxBody {
		body, truncated = []byte(cut(string(body[:min(len(body), MaxBody+utf8.UTFMax)]), MaxBody)), true
	}
	s, ok := "", false
	if !truncated {
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed) {
			s, ok = redactJSON(trimmed)
		} else {
			s, ok = redactYAML(body)
		}
	}
	if !ok {
		s = redactPairs(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	return RedactString(s), truncated
}

// redactJSON re-encodes a valid JSON document, in order, with the string
// values of members with secret names replaced, and those values replaced
// wherever else they appear (by value, after parsing).
func redactJSON(data []byte) (string, bool) {
	sv := secretValues{}
	if _, ok := redactJSONWith(data, sv); !ok {
		return "", false
	}
	return redactJSONWith(data, sv)
}

// redactJSONWith is one pass of redactJSON: it adds the values of members
// with secret names to sv, and redacts sv's values in every string.
func redactJSONWith(data []byte, sv secretValues) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object    bool
		n         int    // members or items written
		key       string // the member being read
		expectKey bool
	}
	var stack []*frame
	var out bytes.Buffer
	str := func(s string) {
		b, _ := json.Marshal(s)
		out.Write(b)
	}
	done := func() { // a value ended
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			top.n++
			top.expectKey = top.object
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
			if top.n > 0 && (!top.object || top.expectKey) {
				out.WriteByte(',')
			}
			if top.object && top.expectKey {
				top.key, _ = tok.(string)
				top.expectKey = false
				str(sv.replace(top.key))
				out.WriteByte(':')
				continue
			}
		}
		switch v := tok.(type) {
		case json.Delim: // { or [
			out.WriteByte(byte(v))
			stack = append(stack, &frame{object: v == '{', expectKey: v == '{'})
			continue
		case string:
			if top != nil && top.object && SecretName(top.key) {
				sv.add(v)
				v = Redacted
			}
			str(sv.replace(v))
		case json.Number:
			out.WriteString(v.String())
		case bool:
			if v {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
		done()
	}
	return out.String(), true
}

// redactYAML re-encodes a YAML document that is a mapping or a sequence,
// with the scalar values of keys with secret names replaced.
func redactYAML(data []byte) (string, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return "", false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return "", false // several documents, or a broken second one
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 ||
		(doc.Content[0].Kind != yaml.MappingNode && doc.Content[0].Kind != yaml.SequenceNode) {
		return "", false // text that happens to be a YAML scalar
	}
	sv := secretValues{}
	collectSecrets(doc.Content[0], sv)
	redactNode(doc.Content[0], sv)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// collectSecrets adds to sv the values of keys with secret names, an
// alias followed to its anchor (token: *shared names the secret defined
// at &shared, under whatever key).
func collectSecrets(n *yaml.Node, sv secretValues) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && SecretName(k.Value) {
				if v.Kind == yaml.AliasNode && v.Alias != nil {
					v = v.Alias
				}
				if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
					sv.add(v.Value)
				}
			}
			collectSecrets(v, sv)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			collectSecrets(c, sv)
		}
	}
}

// redactNode replaces the scalar values of keys with secret names, the
// secret values of sv wherever they appear (an anchor's definition under
// another key, a note quoting one), and anything token-like.
func redactNode(n *yaml.Node, sv secretValues) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && SecretName(k.Value) && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				v.Value, v.Tag, v.Style = Redacted, "!!str", yaml.DoubleQuotedStyle
			}
			redactNode(k, sv)
			redactNode(v, sv)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			redactNode(c, sv)
		}
	case yaml.ScalarNode:
		if r := RedactString(sv.replace(n.Value)); r != n.Value {
			n.Value, n.Tag, n.Style = r, "!!str", yaml.DoubleQuotedStyle
		}
	}
}

// secretKey is a key with a secret name, as text.
const secretKey = `(?:(?i:token|password|secret|authorization|[A-Za-z0-9_.-]*[_.-](?:token|secret|password))|[A-Za-z0-9]+(?:Token|Secret|Password))`

var (
	// blockPair: a key at the start of a line (YAML block style, pretty
	// JSON); the value is a quoted string (perhaps cut) or runs to the end
	// of the line.
	blockPair = regexp.MustCompile(`(?m)^([ \t]*(?:-[ \t]+)?["']?` + secretKey + `["']?[ \t]*:[ \t]*)("(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|\S.*)`)
	// flowPair: a key after { or , (YAML flow style, compact JSON); the
	// value is a quoted string (perhaps cut) or runs to the next , or }.
	flowPair = regexp.MustCompile(`([{,][ \t]*["']?` + secretKey + `["']?[ \t]*:[ \t]*)("(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|[^,}\n]*)`)
)

// redactPairs replaces the values of "name: value" pairs with secret names
// in text that could not be parsed.
func redactPairs(s string) string {
	s = blockPair.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	return flowPair.ReplaceAllString(s, `${1}"`+Redacted+`"`)
}
