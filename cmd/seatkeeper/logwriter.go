package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logWriter batches the server's log lines into few writes: one request
// line a request would otherwise cost a write system call each. Lines
// reach the underlying writer at most flushEvery after they are logged,
// at once when 32 KiB are waiting, and on Close. A crash loses at most
// the last flushEvery of lines.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const flushEvery = 100 * time.Millisecond

func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 32<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flushLoop()
	return l
}

// Write keeps p whole: a line is never split between two flushes unless
// it is longer than the buffer.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(p) > l.buf.Available() && l.buf.Buffered() > 0 {
		if err := l.buf.Flush(); err != nil {
			return 0, err
		}
	}
	return l.buf.Write(p)
}

func (l *logWriter) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.Flush()
		case <-l.stop:
			return
		}
	}
}

// Flush writes out what is waiting.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the flushing loop and flushes.
func (l *logWriter) Close() error {
	close(l.stop)
	<-l.done
	return l.Flush()
}
