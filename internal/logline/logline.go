// Package logline provides slog handlers that write the very bytes
// log/slog's own JSON and text handlers write, a line a record, with a
// faster path for the records a server logs most: a request line of
// printable ASCII strings, integers and durations.
//
// A record the fast path cannot write byte for byte as slog does (a
// string that needs escaping or quoting, a kind other than string, int,
// uint, bool and duration, a year outside 0..9999), and every record of a
// logger derived with WithAttrs or WithGroup, goes to slog's own handler.
// Both paths write through one mutex, so lines never interleave.
package logline

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Handler is a slog.Handler; see the package comment.
type Handler struct {
	json bool
	std  slog.Handler // slog's own handler, on the same writer
	out  *lockedWriter
}

// NewJSONHandler returns a handler whose output is that of
// slog.NewJSONHandler(w, nil).
func NewJSONHandler(w io.Writer) *Handler {
	out := &lockedWriter{w: w}
	return &Handler{json: true, std: slog.NewJSONHandler(out, nil), out: out}
}

// NewTextHandler returns a handler whose output is that of
// slog.NewTextHandler(w, nil).
func NewTextHandler(w io.Writer) *Handler {
	out := &lockedWriter{w: w}
	return &Handler{std: slog.NewTextHandler(out, nil), out: out}
}

// Enabled reports whether level is at least slog.LevelInfo, as slog's
// handlers do without options.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.std.Enabled(ctx, level)
}

// WithAttrs returns slog's own handler with attrs: derived loggers are not
// on the hot path.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.std.WithAttrs(attrs) }

// WithGroup returns slog's own handler with the group.
func (h *Handler) WithGroup(name string) slog.Handler { return h.std.WithGroup(name) }

// Handle writes r as one line.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	bp := bufPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooled {
			bufPool.Put(bp)
		}
	}()
	b, ok := h.appendRecord((*bp)[:0], r)
	*bp = b
	if !ok {
		return h.std.Handle(ctx, r)
	}
	return h.out.write(b)
}

// plain reports whether both of slog's handlers write s between double
// quotes or bare, with nothing escaped: printable ASCII but the quote and
// the backslash. (The text handler quotes an empty string and one holding
// a space or '=', and strconv.Quote only adds the quotes to such a string.)
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// bare reports whether the text handler writes the plain string s without
// quotes.
func bare(s string) bool {
	return s != "" && !strings.ContainsAny(s, " =")
}

// appendRecord appends r as slog would, or reports false if it cannot
// vouch for the bytes (see the package comment).
func (h *Handler) appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	if !plain(r.Message) {
		return b, false
	}
	if h.json {
		b = append(b, '{')
	}
	sep := false
	if !r.Time.IsZero() {
		if y := r.Time.Year(); y < 0 || y >= 10000 {
			return b, false
		}
		b = h.appendKey(b, slog.TimeKey, sep)
		sep = true
		t := r.Time.Round(0) // without the monotonic reading, as slog
		if h.json {
			b = append(b, '"')
			b = t.AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		} else {
			b = appendRFC3339Millis(b, t)
		}
	}
	b = h.appendKey(b, slog.LevelKey, sep)
	b = h.appendString(b, r.Level.String()) // "INFO", "ERROR+2": always plain
	b = h.appendKey(b, slog.MessageKey, true)
	b = h.appendString(b, r.Message)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if ok = a.Key != "" && plain(a.Key); ok {
			b = h.appendKey(b, a.Key, true)
			b, ok = h.appendValue(b, a.Value)
		}
		return ok
	})
	if !ok {
		return b, false
	}
	if h.json {
		b = append(b, '}')
	}
	return append(b, '\n'), true
}

func (h *Handler) appendKey(b []byte, key string, sep bool) []byte {
	if sep {
		if h.json {
			b = append(b, ',')
		} else {
			b = append(b, ' ')
		}
	}
	b = h.appendString(b, key)
	if h.json {
		return append(b, ':')
	}
	return append(b, '=')
}

// appendString appends a plain string, quoted as slog would.
func (h *Handler) appendString(b []byte, s string) []byte {
	if h.json || !bare(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return append(b, s...)
}

// appendValue appends v, or reports false for a kind or a string the fast
// path leaves to slog.
func (h *Handler) appendValue(b []byte, v slog.Value) ([]byte, bool) {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		return h.appendString(b, s), plain(s)
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindDuration:
		if h.json {
			return strconv.AppendInt(b, int64(v.Duration()), 10), true
		}
		return append(b, v.Duration().String()...), true
	}
	return b, false
}

// appendRFC3339Millis writes t as slog's text handler does: RFC 3339 with
// exactly three digits of milliseconds, truncated.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	// RFC3339Nano trims trailing zeros: a tenth of a millisecond more
	// keeps four digits, and the fourth is dropped.
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}

const maxPooled = 16 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// lockedWriter serializes the two paths' writes, as slog serializes its own.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) write(p []byte) error {
	_, err := l.Write(p)
	return err
}
