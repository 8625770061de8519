package httpapi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// GitHub compresses JSON answers for clients that accept gzip; small
// bodies go as they are, where compressing costs more than it saves.
const gzipMin = 1024

// hdrGzip is the shared Content-Encoding value (see fixedHeaders).
var hdrGzip = []string{"gzip"}

// acceptsGzip reports whether the request's Accept-Encoding admits gzip
// (listed, or "*", with a q-value above 0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.TrimSpace(coding)
			if !strings.EqualFold(coding, "gzip") && coding != "*" {
				continue
			}
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			if q == "q=0" || strings.HasPrefix(q, "q=0.") && strings.Trim(q[4:], "0") == "" {
				return false
			}
			return true
		}
	}
	return false
}

// gzipped is a body's compressed form, made once: cached bodies are
// compressed on first use and then written as they are.
type gzipped struct {
	once   sync.Once
	body   []byte
	length []string
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// of returns parts compressed, with their Content-Length value.
func (g *gzipped) of(parts [][]byte) ([]byte, []string) {
	g.once.Do(func() {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		for _, p := range parts {
			zw.Write(p) // a bytes.Buffer does not fail
		}
		zw.Close()
		gzipWriters.Put(zw)
		g.body = bytes.Clone(buf.Bytes())
		g.length = []string{itoa(len(g.body))}
	})
	return g.body, g.length
}
