package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
)

// writeJSON encodes v as the response. A successful GET carries a weak ETag
// of its body, and an If-None-Match naming it gets 304 with no body.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		// Only our own wire types reach here; failing to encode one is a bug.
		http.Error(w, `{"message":"Internal Server Error","status":"500"}`, http.StatusInternalServerError)
		return
	}
	s.writeEncoded(w, r, status, body)
}

// encodedJSON is a response body encoded once, with its ETag, so that a
// cached answer is written without encoding or hashing it again.
type encodedJSON struct {
	body []byte
	etag string
}

func encodeJSON(v any) (encodedJSON, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return encodedJSON{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return encodedJSON{body: buf.Bytes(), etag: `W/"` + hex.EncodeToString(sum[:]) + `"`}, nil
}

// writeEncoded writes an encoded body as writeJSON does.
func (s *Server) writeEncoded(w http.ResponseWriter, r *http.Request, status int, e encodedJSON) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		h.Set("ETag", e.etag)
		if _, ok := principalFrom(r.Context()); ok {
			h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		} else {
			h.Set("Cache-Control", "public, max-age=60, s-maxage=60")
		}
		h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		h.Add("Vary", "Accept-Encoding, Accept, X-Requested-With")
		if etagMatches(r.Header.Get("If-None-Match"), e.etag) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", itoa(len(e.body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(e.body)
	}
}

// etagMatches applies If-None-Match's weak comparison: any listed tag equal
// to etag once W/ prefixes are dropped, or "*".
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}
