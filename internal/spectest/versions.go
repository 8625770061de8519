package spectest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// breakingKey is where GitHub's description records a versioned change:
// on the object it changes, a list of {changeset, patch, version}. A
// patch is a JSON Patch (a list of operations) or a JSON merge patch (an
// object), applied to that object.
const breakingKey = "x-github-breaking-changes"

// ForVersion returns the spec as API version v (YYYY-MM-DD) describes it:
// every breaking change of a version up to v applied. It is s itself when
// no change applies.
func (s *Spec) ForVersion(v string) (*Spec, error) {
	if s.raw == nil {
		return s, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if vs, ok := s.versions[v]; ok {
		return vs, nil
	}
	var doc any
	if err := json.Unmarshal(s.raw, &doc); err != nil {
		return nil, err
	}
	applied, err := applyBreaking(doc, v)
	if err != nil {
		return nil, err
	}
	vs := s
	if applied > 0 {
		data, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		if vs, err = loadData(data); err != nil {
			return nil, err
		}
	}
	if s.versions == nil {
		s.versions = map[string]*Spec{}
	}
	s.versions[v] = vs
	return vs, nil
}

// applyBreaking applies, throughout node, the breaking changes of
// versions up to v, children before the object that holds them, and
// removes their records. It returns how many it applied.
func applyBreaking(node any, v string) (int, error) {
	n := 0
	switch x := node.(type) {
	case []any:
		for _, c := range x {
			k, err := applyBreaking(c, v)
			if err != nil {
				return n, err
			}
			n += k
		}
	case map[string]any:
		for key, c := range x {
			if key == breakingKey {
				continue
			}
			k, err := applyBreaking(c, v)
			if err != nil {
				return n, err
			}
			n += k
		}
		changes, _ := x[breakingKey].([]any)
		delete(x, breakingKey)
		for _, c := range changes {
			change, _ := c.(map[string]any)
			version, _ := change["version"].(string)
			if version == "" || version > v {
				continue
			}
			if err := applyPatch(x, change["patch"]); err != nil {
				return n, fmt.Errorf("%v: %w", change["changeset"], err)
			}
			n++
		}
	}
	return n, nil
}

// applyPatch applies a JSON Patch or a JSON merge patch to obj.
func applyPatch(obj map[string]any, patch any) error {
	switch p := patch.(type) {
	case map[string]any:
		mergePatch(obj, p)
		return nil
	case []any:
		for _, o := range p {
			op, _ := o.(map[string]any)
			path, _ := op["path"].(string)
			switch op["op"] {
			case "remove":
				if err := removeAt(obj, path); err != nil {
					return err
				}
			default:
				return fmt.Errorf("JSON Patch operation %v is not supported", op["op"])
			}
		}
		return nil
	}
	return fmt.Errorf("a patch of type %T", patch)
}

// mergePatch is RFC 7396: null removes a member, an object merges, any
// other value replaces.
func mergePatch(target, patch map[string]any) {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(target, k)
		case map[string]any:
			t, ok := target[k].(map[string]any)
			if !ok {
				t = map[string]any{}
				target[k] = t
			}
			mergePatch(t, pv)
		default:
			target[k] = v
		}
	}
}

// removeAt removes the member or element a JSON Pointer names.
func removeAt(root map[string]any, pointer string) error {
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	_, err := removeIn(root, parts, pointer)
	return err
}

// removeIn removes what parts name under node and returns node as it is
// after (an array is a new slice, stored by the caller).
func removeIn(node any, parts []string, pointer string) (any, error) {
	key := parts[0]
	switch x := node.(type) {
	case map[string]any:
		child, ok := x[key]
		if !ok {
			return nil, fmt.Errorf("%s: no member %q", pointer, key)
		}
		if len(parts) == 1 {
			delete(x, key)
			return x, nil
		}
		c, err := removeIn(child, parts[1:], pointer)
		x[key] = c
		return x, err
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(x) {
			return nil, fmt.Errorf("%s: no element %q", pointer, key)
		}
		if len(parts) == 1 {
			return append(x[:i:i], x[i+1:]...), nil
		}
		c, err := removeIn(x[i], parts[1:], pointer)
		x[i] = c
		return x, err
	}
	return nil, fmt.Errorf("%s: nothing at %q", pointer, key)
}
