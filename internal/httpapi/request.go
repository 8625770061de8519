package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

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
	s.setLinkAt(w, r, r.URL.Path, p, total)
}

// setLinkAt is setLink with links to path (under the request's prefix)
// instead of the request's path.
func (s *Server) setLinkAt(w http.ResponseWriter, r *http.Request, path string, p page, total int) {
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
		return fmt.Sprintf(`<%s%s%s?%s>; rel="%s"`, s.cfg.BaseURL, apiPrefix(r), path, q.Encode(), rel)
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
