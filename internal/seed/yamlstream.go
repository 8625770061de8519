package seed

import (
	"bufio"
	"bytes"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// WriteYAML writes the document as YAML to w as it goes: each list of
// entries (users, organizations, seats, activity, ...) is written entry by
// entry, so memory does not grow with the document as an encoder's tree of
// the whole document would. The text is what yaml.v3 writes for the whole
// document with an indent of 2.
func (d *Document) WriteYAML(w io.Writer) error {
	return writeYAML(w, docEntry(reflect.ValueOf(d).Elem()))
}

func writeYAML(w io.Writer, top entry) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &yamlStream{w: bw}
	wrote, err := s.mapping(top, 0, "")
	if err != nil {
		return err
	}
	if !wrote {
		bw.WriteString("{}\n")
	}
	return bw.Flush()
}

type yamlStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
}

// mapping writes e's fields as a block mapping at indent; first, when
// set, replaces the indent of the mapping's first line (a list item's
// "- "). It reports whether it wrote any field.
func (s *yamlStream) mapping(e entry, indent int, first string) (bool, error) {
	t := e.v.Type()
	wrote := false
	prefix := func() string {
		if !wrote && first != "" {
			wrote = true
			return first
		}
		wrote = true
		return strings.Repeat(" ", indent)
	}
	for i := range t.NumField() {
		name, omitEmpty := yamlTag(t.Field(i))
		if name == "" {
			continue
		}
		if src, ok := e.lists[t.Field(i).Name]; ok {
			n := 0
			dash := strings.Repeat(" ", indent+2) + "- "
			err := src(func(item entry) error {
				if n == 0 {
					s.w.WriteString(prefix() + name + ":\n")
				}
				n++
				return s.item(item, indent+4, dash)
			})
			if err != nil {
				return wrote, err
			}
			if n == 0 && !omitEmpty {
				if err := s.leaf(map[string]any{name: []any{}}, indent, prefix()); err != nil {
					return wrote, err
				}
			}
			continue
		}
		f := e.v.Field(i)
		if omitEmpty && isEmpty(f) {
			continue
		}
		if err := s.leaf(map[string]any{name: f.Interface()}, indent, prefix()); err != nil {
			return wrote, err
		}
	}
	return wrote, nil
}

// item writes a list's entry at indent, its first line after dash.
func (s *yamlStream) item(e entry, indent int, dash string) error {
	if len(e.lists) == 0 {
		return s.leaf(e.v.Interface(), indent, dash)
	}
	wrote, err := s.mapping(e, indent, dash)
	if err == nil && !wrote {
		s.w.WriteString(dash + "{}\n")
	}
	return err
}

// leaf writes v as yaml.v3 encodes it, its lines indented by indent, the
// first one by first instead.
func (s *yamlStream) leaf(v any, indent int, first string) error {
	s.buf.Reset()
	enc := yaml.NewEncoder(&s.buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	pad := strings.Repeat(" ", indent)
	for i, line := range strings.SplitAfter(s.buf.String(), "\n") {
		if line == "" {
			continue
		}
		if i == 0 {
			s.w.WriteString(first)
		} else {
			s.w.WriteString(pad)
		}
		s.w.WriteString(line)
	}
	return nil
}

func yamlTag(f reflect.StructField) (name string, omitEmpty bool) {
	return tagOf(f, "yaml")
}

// tagOf reads a field's key and omitempty option from its tag of the
// given encoding; name is empty for a field left out.
func tagOf(f reflect.StructField, encoding string) (name string, omitEmpty bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get(encoding)
	if tag == "-" {
		return "", false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
		if encoding == "yaml" {
			name = strings.ToLower(name)
		}
	}
	return name, strings.Contains(opts, "omitempty")
}

// isEmpty is yaml.v3's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		return v.IsZero()
	}
	return v.IsZero()
}
