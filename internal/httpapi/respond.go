package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
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
// cached answer is written without encoding or hashing it again. The body
// may be in pieces, some shared with other cached bodies (see encodeSeat).
type encodedJSON struct {
	parts [][]byte
	// The ETag and Content-Length header values, built once and shared by
	// every response (len == cap: an append copies).
	etag, length []string
	// The body gzipped, made at the first request that accepts it; nil
	// for a body too small to compress.
	gz *gzipped
}

func encodeJSON(v any) (encodedJSON, error) {
	body, err := marshalJSON(v)
	if err != nil {
		return encodedJSON{}, err
	}
	return encodeParts([][]byte{body}), nil
}

// encodeParts is the encodedJSON of the body made of parts, in order.
func encodeParts(parts [][]byte) encodedJSON {
	var sum [sha256.Size]byte
	if len(parts) == 1 {
		sum = sha256.Sum256(parts[0]) // every writeJSON: no hasher to allocate
	} else {
		h := sha256.New()
		for _, p := range parts {
			h.Write(p)
		}
		h.Sum(sum[:0])
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	e := encodedJSON{parts: parts,
		etag: []string{`W/"` + hex.EncodeToString(sum[:]) + `"`}, length: []string{itoa(n)}}
	if n >= gzipMin {
		e.gz = &gzipped{}
	}
	return e
}

// marshalJSON encodes v as every response body is: HTML characters left
// as they are, a newline at the end. The result is an exact-size copy: a
// buffer's spare capacity (up to half of it) would otherwise live as long
// as a cached body does. The buffer is reused, so that a body is not
// grown from nothing on every encoding (a read-cache miss).
func marshalJSON(v any) ([]byte, error) {
	buf := encodeBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxEncodeBuffer {
			buf.Reset()
			encodeBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// encodeBuffers are marshalJSON's buffers; one grown past maxEncodeBuffer
// (a long list) is left to the garbage collector instead of kept.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxEncodeBuffer = 64 << 10

// bytes returns the whole body.
func (e encodedJSON) bytes() []byte {
	if len(e.parts) == 1 {
		return e.parts[0]
	}
	return bytes.Join(e.parts, nil)
}

// Constant response headers, shared (see fixedHeaders in server.go): keys
// canonical, values never appended to in place.
var (
	hdrJSON         = []string{"application/json; charset=utf-8"}
	hdrCachePrivate = []string{"private, max-age=60, s-maxage=60"}
	hdrCachePublic  = []string{"public, max-age=60, s-maxage=60"}
	hdrVary         = []string{"Accept, Authorization, Cookie, X-GitHub-OTP", "Accept-Encoding, Accept, X-Requested-With"}
	hdrVaryError    = hdrVary[1:]
)

// writeEncoded writes an encoded body as writeJSON does.
func (s *Server) writeEncoded(w http.ResponseWriter, r *http.Request, status int, e encodedJSON) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		h["Etag"] = e.etag
		if _, ok := principalFrom(r.Context()); ok {
			h["Cache-Control"] = hdrCachePrivate
		} else {
			h["Cache-Control"] = hdrCachePublic
		}
		h["Vary"] = hdrVary
		if etagMatches(r.Header.Get("If-None-Match"), e.etag[0]) {
			delete(h, "Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if e.gz != nil && acceptsGzip(r) {
		body, length := e.gz.of(e.parts)
		h["Content-Encoding"] = hdrGzip
		h["Content-Length"] = length
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	h["Content-Length"] = e.length
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		for _, p := range e.parts {
			w.Write(p)
		}
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
