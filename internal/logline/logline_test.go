package logline

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// pair logs the same records through slog's handler and ours.
type pair struct {
	name      string
	std, ours func(io.Writer) slog.Handler
}

var pairs = []pair{
	{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }, func(w io.Writer) slog.Handler { return NewJSONHandler(w) }},
	{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }, func(w io.Writer) slog.Handler { return NewTextHandler(w) }},
}

// same fails unless both handlers write the same bytes for r.
func same(t *testing.T, p pair, r slog.Record) {
	t.Helper()
	var want, got bytes.Buffer
	if err := p.std(&want).Handle(context.Background(), r.Clone()); err != nil {
		t.Fatal(err)
	}
	if err := p.ours(&got).Handle(context.Background(), r.Clone()); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("%s:\n got %q\nwant %q", p.name, got.String(), want.String())
	}
}

func record(t time.Time, level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(t, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

func TestSameBytesAsSlog(t *testing.T) {
	now := time.Date(2026, 11, 29, 13, 4, 22, 123456789, time.UTC)
	requestLine := []slog.Attr{
		slog.String("request_id", "1A2B:3C4D5:6E7F8A9:0B1C2D3:692AF1E6"), slog.String("method", "GET"),
		slog.String("path", "/orgs/acme/members/octocat/copilot"), slog.String("route", "GET /orgs/{org}/members/{username}/copilot"),
		slog.Int("status", 200), slog.Duration("duration", 1234567*time.Nanosecond), slog.String("token_kind", ""), slog.String("actor", "octocat"),
	}
	tests := []struct {
		name string
		rec  slog.Record
		fast bool // whether the fast path takes it
	}{
		{"request line", record(now, slog.LevelInfo, "request", requestLine...), true},
		{"no attrs", record(now, slog.LevelInfo, "seatkeeper stopped"), true},
		{"one word", record(now, slog.LevelWarn, "stopped"), true},
		{"zero time", record(time.Time{}, slog.LevelError, "x", slog.Int("n", -3)), true},
		{"whole second", record(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), slog.LevelInfo, "m"), true},
		{"other zone", record(time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.FixedZone("X", -5*3600-1800)), slog.LevelInfo, "m"), true},
		{"monotonic", record(time.Now(), slog.LevelInfo, "m"), true},
		{"level offset", record(now, slog.LevelError+2, "m"), true},
		{"debug", record(now, slog.LevelDebug, "m"), true},
		{"empty strings", record(now, slog.LevelInfo, "", slog.String("a", "")), true},
		{"kinds", record(now, slog.LevelInfo, "m", slog.Uint64("u", 1<<63), slog.Bool("b", true), slog.Bool("f", false),
			slog.Duration("d", 0), slog.Duration("d2", -90*time.Minute), slog.Int64("i", -1<<63)), true},
		{"float", record(now, slog.LevelInfo, "m", slog.Float64("f", 1.5)), false},
		{"time attr", record(now, slog.LevelInfo, "m", slog.Time("t", now)), false},
		{"any", record(now, slog.LevelInfo, "m", slog.Any("e", io.EOF)), false},
		{"group", record(now, slog.LevelInfo, "m", slog.Group("g", slog.Int("a", 1))), false},
		{"empty key", record(now, slog.LevelInfo, "m", slog.Int("", 1)), false},
		{"backslash", record(now, slog.LevelInfo, "m", slog.String("k", `a\b`)), false},
		{"tab", record(now, slog.LevelInfo, "m", slog.String("k", "a\tb")), false},
		{"empty attr", record(now, slog.LevelInfo, "m", slog.Attr{}), false},
		{"quote", record(now, slog.LevelInfo, "m", slog.String("k", `a"b`)), false},
		{"equals", record(now, slog.LevelInfo, "m", slog.String("k", "a=b"), slog.String("k=", "v")), true},
		{"spaces", record(now, slog.LevelInfo, "m", slog.String("a key", " v ")), true},
		{"newline", record(now, slog.LevelInfo, "m", slog.String("k", "a\nb")), false},
		{"unicode", record(now, slog.LevelInfo, "m", slog.String("k", "café")), false},
		{"html", record(now, slog.LevelInfo, "m", slog.String("k", "<a&b>")), true},
		{"year 10000", record(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "m"), false},
		{"many attrs", record(now, slog.LevelInfo, "m", make([]slog.Attr, 17)...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := (&Handler{json: true}).appendRecord(nil, tt.rec); got != tt.fast {
				t.Errorf("fast = %v, want %v", got, tt.fast)
			}
			for _, p := range pairs {
				same(t, p, tt.rec)
			}
		})
	}
}

// TestSameBytesRandom compares many records built from an alphabet that
// holds every character the fast path must refuse.
func TestSameBytesRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "0", "/", "-", "_", ":", "{", "}", "<", "&", " ", "=", `"`, `\`, "\n", "\t", "\x00", "\x7f", "é", "µ", "\u2028", "\xff"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for i := range 5000 {
		ts := time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(48)-24)*1800))
		if i%7 == 0 {
			ts = time.Time{}
		}
		var attrs []slog.Attr
		for range rng.IntN(10) {
			switch rng.IntN(5) {
			case 0, 1:
				attrs = append(attrs, slog.String(str(), str()))
			case 2:
				attrs = append(attrs, slog.Int64(str(), rng.Int64()-rng.Int64()))
			case 3:
				attrs = append(attrs, slog.Duration(str(), time.Duration(rng.Int64N(1<<40))))
			case 4:
				attrs = append(attrs, slog.Bool(str(), rng.IntN(2) == 0))
			}
		}
		r := record(ts, slog.Level(rng.IntN(20)-8), str(), attrs...)
		for _, p := range pairs {
			same(t, p, r)
		}
	}
}

// TestDerivedLoggers: WithAttrs and WithGroup keep slog's output.
func TestDerivedLoggers(t *testing.T) {
	for _, p := range pairs {
		var want, got bytes.Buffer
		ws := slog.New(p.std(&want)).With("a", 1).WithGroup("g")
		gs := slog.New(p.ours(&got)).With("a", 1).WithGroup("g")
		ws.Info("m", "b", 2)
		gs.Info("m", "b", 2)
		// The time differs by the moment of the call: compare past it.
		cut := func(s string) string { return s[strings.Index(s, "level"):] }
		if cut(got.String()) != cut(want.String()) {
			t.Errorf("%s: got %q, want %q", p.name, got.String(), want.String())
		}
	}
}

// TestLinesWhole: concurrent records, fast and slow, never interleave.
func TestLinesWhole(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewJSONHandler(&buf))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if g%2 == 0 {
					log.Info("fast", "g", g, "i", i)
				} else {
					log.Info("slow path", "g", g, "s", "needs \"escaping\"")
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("%d lines, want 1600", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"time":`) || !strings.HasSuffix(l, "}") {
			t.Fatalf("torn line %q", l)
		}
	}
}

func BenchmarkRequestLine(b *testing.B) {
	attrs := []slog.Attr{
		slog.String("request_id", "1A2B:3C4D5:6E7F8A9:0B1C2D3:692AF1E6"), slog.String("method", "GET"),
		slog.String("path", "/orgs/acme/members/octocat/copilot"), slog.String("route", "GET /orgs/{org}/members/{username}/copilot"),
		slog.Int("status", 200), slog.Duration("duration", 1234567), slog.String("token_kind", "personal_access_token"), slog.String("actor", "octocat"),
	}
	for _, p := range pairs {
		for _, h := range []struct {
			name string
			h    slog.Handler
		}{{"slog", p.std(io.Discard)}, {"logline", p.ours(io.Discard)}} {
			b.Run(p.name+"/"+h.name, func(b *testing.B) {
				log := slog.New(h.h)
				b.ReportAllocs()
				for b.Loop() {
					log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
				}
			})
		}
	}
}
