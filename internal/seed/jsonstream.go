package seed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
)

// WriteJSON writes the document to w as JSON() has it: indented JSON,
// HTML characters as they are, ending in a newline; like WriteYAML, list
// by list, entry by entry.
func (d *Document) WriteJSON(w io.Writer) error {
	return writeJSON(w, docEntry(reflect.ValueOf(d).Elem()))
}

// writeJSON writes top as encoding/json's Encoder does with an indent of
// two spaces and HTML escaping off.
func writeJSON(w io.Writer, top entry) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &jsonStream{w: bw}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	if err := s.object(top, ""); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

type jsonStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// object writes e as a JSON object whose lines after the first are
// indented by indent.
func (s *jsonStream) object(e entry, indent string) error {
	t := e.v.Type()
	inner := indent + "  "
	n := 0
	key := func(name string) {
		if n == 0 {
			s.w.WriteString("{\n")
		} else {
			s.w.WriteString(",\n")
		}
		n++
		s.w.WriteString(inner)
		s.value(name, "")
		s.w.WriteString(": ")
	}
	for i := range t.NumField() {
		name, omitEmpty := tagOf(t.Field(i), "json")
		if name == "" {
			continue
		}
		if src, ok := e.lists[t.Field(i).Name]; ok {
			k := 0
			err := src(func(item entry) error {
				if k == 0 {
					key(name)
					s.w.WriteString("[\n")
				} else {
					s.w.WriteString(",\n")
				}
				k++
				s.w.WriteString(inner + "  ")
				if len(item.lists) == 0 {
					return s.value(item.v.Interface(), inner+"  ")
				}
				return s.object(item, inner+"  ")
			})
			if err != nil {
				return err
			}
			switch {
			case k > 0:
				s.w.WriteString("\n" + inner + "]")
			case !omitEmpty:
				key(name)
				s.w.WriteString("[]")
			}
			continue
		}
		f := e.v.Field(i)
		if omitEmpty && jsonEmpty(f) {
			continue
		}
		key(name)
		if err := s.value(f.Interface(), inner); err != nil {
			return err
		}
	}
	if n == 0 {
		s.w.WriteString("{}")
		return nil
	}
	s.w.WriteString("\n" + indent + "}")
	return nil
}

// value writes v as the encoder does, its lines after the first indented
// by indent.
func (s *jsonStream) value(v any, indent string) error {
	s.buf.Reset()
	s.enc.SetIndent(indent, "  ")
	if err := s.enc.Encode(v); err != nil {
		return err
	}
	s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	return nil
}

// jsonEmpty is encoding/json's omitempty test.
func jsonEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Pointer, reflect.Interface:
		return v.IsZero()
	}
	return false
}
