package seed

import "reflect"

// An entry is one mapping of a document as it is written: a struct, whose
// fields are written in their order, except the lists named in lists
// (by Go field name), which are read from their sources as they are
// written, entry by entry. A list field that lists names is not read from
// the struct. An export (export.go) builds its entries from the store a
// row at a time; a parsed Document is turned into entries by docEntry.
type entry struct {
	v     reflect.Value // a struct
	lists map[string]source
}

// A source yields a list's entries in order; it stops, returning yield's
// error, when yield fails.
type source func(yield func(entry) error) error

// leafEntry is an entry written whole, as its encoder writes v.
func leafEntry(v any) entry { return entry{v: reflect.ValueOf(v)} }

// docEntry is v (a struct) as an entry whose streamed lists (see streamed)
// are read from v's slices.
func docEntry(v reflect.Value) entry {
	e := entry{v: v}
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() || !streamed(f) || f.Len() == 0 {
			continue
		}
		if e.lists == nil {
			e.lists = map[string]source{}
		}
		e.lists[v.Type().Field(i).Name] = func(yield func(entry) error) error {
			for j := range f.Len() {
				if err := yield(docEntry(f.Index(j))); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return e
}

var marshaler = reflect.TypeFor[interface{ MarshalYAML() (any, error) }]()

// streamed reports whether f is a list written entry by entry: a slice of
// structs that do not marshal themselves.
func streamed(f reflect.Value) bool {
	if f.Kind() != reflect.Slice {
		return false
	}
	e := f.Type().Elem()
	return e.Kind() == reflect.Struct && !e.Implements(marshaler)
}
