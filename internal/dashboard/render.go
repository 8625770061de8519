package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// layout is the page every page is drawn in: the head, the header with
// who is signed in and the sign-out button, and the flash message.
type layout struct {
	Title   string
	Who     string // empty when not signed in
	CSRF    string
	Flash   *flash
	Now     time.Time // the service clock's time
	Version string    // of the static files
	Crumbs  []crumb   // the trail above the page title; the last is the current page
	Page    any
}

type crumb struct {
	Label, Href string
}

// parsePages parses each page template with the layout.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return pages
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"datep": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"isop": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	},
	"num":   thousands,
	"num64": func(n int64) string { return thousands(int(n)) },
	"money": money,
	"pct": func(part, whole int) string {
		if whole == 0 {
			return "–"
		}
		return strconv.Itoa(int(float64(part)*100/float64(whole)+0.5)) + "%"
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
}

// thousands writes n with comma separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// money writes a USD amount: 1,234 USD, or 1,234.50 USD.
func money(v float64) string {
	cents := int64(v*100 + 0.5)
	s := thousands(int(cents/100)) + " USD"
	if c := cents % 100; c != 0 {
		s = thousands(int(cents/100)) + fmt.Sprintf(".%02d", c) + " USD"
	}
	return s
}

// render writes a page with status. Pages are rendered into a buffer
// first, so that a template failure is a clean 500.
func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, name string, l layout) {
	t, ok := d.pages[name]
	if !ok {
		panic("dashboard: no page " + name)
	}
	l.Now, l.Version = d.clock.Now(), d.version
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", l); err != nil {
		d.log.ErrorContext(r.Context(), "dashboard template", slog.String("page", name), slog.String("error", err.Error()))
		if name != "error" {
			d.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "An unexpected error happened. It has been logged.")
		} else {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the body of an error page.
type errorPage struct {
	Status  int
	Message string
	SignIn  bool // offer the sign-in link
}

// renderError shows a refusal or failure. The page keeps the header of a
// signed-in user when there is one.
func (d *Dashboard) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	l := layout{Title: title, Page: errorPage{Status: status, Message: msg, SignIn: status == http.StatusUnauthorized}}
	if rc, ok := r.Context().Value(reqKey{}).(*reqCtx); ok {
		l.Who, l.CSRF = who(rc.p), rc.sess.csrf
	}
	d.render(w, r, status, "error", l)
}
