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
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &yamlStream{w: bw}
	if !s.fields(reflect.ValueOf(d).Elem(), 0, "") {
		bw.WriteString("{}\n")
	}
	if s.err != nil {
		return s.err
	}
	return bw.Flush()
}

type yamlStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
	err error
}

// fields writes struct v's fields as a block mapping at indent; first, when
// set, replaces the indent of the mapping's first line (a list item's
// "- "). It reports whether it wrote any field.
func (s *yamlStream) fields(v reflect.Value, indent int, first string) bool {
	t := v.Type()
	wrote := false
	for i := range t.NumField() {
		name, omitEmpty := yamlTag(t.Field(i))
		f := v.Field(i)
		if name == "" || (omitEmpty && isEmpty(f)) {
			continue
		}
		prefix := strings.Repeat(" ", indent)
		if !wrote && first != "" {
			prefix = first
		}
		wrote = true
		if !streamed(f) {
			s.leaf(map[string]any{name: f.Interface()}, indent, prefix)
			continue
		}
		s.w.WriteString(prefix + name + ":\n")
		for j := range f.Len() {
			item := f.Index(j)
			dash := strings.Repeat(" ", indent+2) + "- "
			if hasStreamedField(item) {
				if !s.fields(item, indent+4, dash) {
					s.w.WriteString(dash + "{}\n")
				}
				continue
			}
			s.leaf(item.Interface(), indent+4, dash)
		}
	}
	return wrote
}

// leaf writes v as yaml.v3 encodes it, its lines indented by indent, the
// first one by first instead.
func (s *yamlStream) leaf(v any, indent int, first string) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	enc := yaml.NewEncoder(&s.buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		s.err = err
		return
	}
	if err := enc.Close(); err != nil {
		s.err = err
		return
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
}

var marshaler = reflect.TypeFor[yaml.Marshaler]()

// streamed reports whether f is a list written entry by entry: a slice of
// structs that do not marshal themselves.
func streamed(f reflect.Value) bool {
	if f.Kind() != reflect.Slice {
		return false
	}
	e := f.Type().Elem()
	return e.Kind() == reflect.Struct && !e.Implements(marshaler)
}

func hasStreamedField(v reflect.Value) bool {
	for i := range v.NumField() {
		if name, _ := yamlTag(v.Type().Field(i)); name != "" && streamed(v.Field(i)) && v.Field(i).Len() > 0 {
			return true
		}
	}
	return false
}

func yamlTag(f reflect.StructField) (name string, omitEmpty bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("yaml")
	if tag == "-" {
		return "", false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = strings.ToLower(f.Name)
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
