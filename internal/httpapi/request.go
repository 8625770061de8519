package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

// maxBody bounds request bodies; larger ones get 413.
const maxBody = 1 << 20

// decodeObject reads the request body as a JSON object (an empty body is
// an empty object), with GitHub's 400s for what is not one.
func decodeObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, seatkeeper.Errorf(seatkeeper.KindTooLarge, "Request body is larger than %d bytes", maxBody)
	}
	if err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	if strings.TrimSpace(string(data)) == "" {
		return map[string]json.RawMessage{}, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Body should be a JSON object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, seatkeeper.Errorf(seatkeeper.KindBadRequest, "Problems parsing JSON")
	}
	return obj, nil
}

// invalidRequest is GitHub's 422 for a body that does not match the
// operation's schema.
func invalidRequest(format string, args ...any) error {
	return seatkeeper.Errorf(seatkeeper.KindInvalid, "Invalid request.\n\n%s", fmt.Sprintf(format, args...))
}

// stringList reads a required, non-empty array of strings.
func stringList(obj map[string]json.RawMessage, field string) ([]string, error) {
	raw, ok := obj[field]
	if !ok || string(raw) == "null" {
		return nil, invalidRequest("%q wasn't supplied.", field)
	}
	var items []any
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, invalidRequest("For 'properties/%s', %s is not an array.", field, raw)
	}
	if len(items) == 0 {
		return nil, invalidRequest("For 'properties/%s', [] has fewer than 1 items.", field)
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			b, _ := json.Marshal(it)
			return nil, invalidRequest("For 'items' of %q, %s is not a string.", field, b)
		}
		out[i] = s
	}
	return out, nil
}

// page is a requested page of a list.
type page struct {
	number, perPage int
	perPageGiven    bool
}

// pageOf reads page and per_page: page defaults to 1, per_page to def and
// is clamped to 100; values that are not positive numbers get the default.
func pageOf(r *http.Request, def int) page {
	q := r.URL.Query()
	p := page{number: 1, perPage: def}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		p.number = n
	}
	if v := q.Get("per_page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			p.perPage, p.perPageGiven = min(n, 100), true
		}
	}
	return p
}

// bounds returns the slice bounds of this page in a list of n items.
func (p page) bounds(n int) (lo, hi int) {
	lo = min((p.number-1)*p.perPage, n)
	if p.number-1 > n/p.perPage { // guards overflow on huge page numbers
		lo = n
	}
	return lo, min(lo+p.perPage, n)
}

// setLink writes GitHub's Link header for a list of total items when it
// spans more than one page: prev and first when past page 1, next when
// before the last page, last when not on it.
func (s *Server) setLink(w http.ResponseWriter, r *http.Request, p page, total int) {
	if total <= p.perPage {
		return
	}
	last := (total + p.perPage - 1) / p.perPage
	link := func(n int, rel string) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if k != "page" && k != "per_page" {
				q[k] = vs
			}
		}
		if p.perPageGiven {
			q.Set("per_page", strconv.Itoa(p.perPage))
		}
		q.Set("page", strconv.Itoa(n))
		return fmt.Sprintf(`<%s%s%s?%s>; rel="%s"`, s.cfg.BaseURL, apiPrefix(r), r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if p.number > 1 {
		links = append(links, link(min(p.number-1, last), "prev"))
	}
	if p.number < last {
		links = append(links, link(p.number+1, "next"))
	}
	if p.number != last {
		links = append(links, link(last, "last"))
	}
	if p.number > 1 {
		links = append(links, link(1, "first"))
	}
	w.Header().Set("Link", strings.Join(links, ", "))
}
