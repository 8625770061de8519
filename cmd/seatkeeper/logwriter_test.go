package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the flushing goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogWriter(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"one line", []string{"a=1\n"}},
		{"many lines from many goroutines", func() []string {
			var l []string
			for i := range 2000 {
				l = append(l, strings.Repeat("x", i%97)+"\n")
			}
			return l
		}()},
		{"a line longer than the buffer", []string{strings.Repeat("y", 40<<10) + "\n", "z\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out syncBuffer
			w := newLogWriter(&out)
			var wg sync.WaitGroup
			for _, l := range tt.lines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := w.Write([]byte(l)); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if len(got) != len(strings.Join(tt.lines, "")) {
				t.Fatalf("wrote %d bytes, want %d", len(got), len(strings.Join(tt.lines, "")))
			}
			// Every line arrives whole: the multiset of lines is the same.
			count := map[string]int{}
			for _, l := range tt.lines {
				count[l]++
			}
			for _, l := range strings.SplitAfter(got, "\n") {
				if l != "" {
					count[l]--
				}
			}
			for l, n := range count {
				if n != 0 {
					t.Fatalf("line %.20q: %d unaccounted for", l, n)
				}
			}
		})
	}
}

func TestLogWriterFlushesWithoutClose(t *testing.T) {
	var out syncBuffer
	w := newLogWriter(&out)
	defer w.Close()
	w.Write([]byte("hello\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "hello\n" {
		if time.Now().After(deadline) {
			t.Fatalf("line not flushed within 5s (flushEvery is %s)", flushEvery)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
