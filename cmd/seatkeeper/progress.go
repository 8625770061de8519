package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/report"
)

// progress shows how far a long command has gone: on a terminal, a bar
// redrawn in place at most every 100 ms; elsewhere (a log, a pipe), a line
// at each tenth of the way. With no known total, it shows the count alone
// (a line every 10 Mi units elsewhere).
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	what, unit  string
	total, done int64
	terminal    bool
	lastDraw    time.Time
	lastTenth   int64
}

func newProgress(w io.Writer, what, unit string, total int64) *progress {
	return &progress{w: w, what: what, unit: unit, total: total, terminal: isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Of records that done units of total are done.
func (p *progress) Of(done, total int64) {
	p.mu.Lock()
	p.total = total
	p.mu.Unlock()
	p.Set(done)
}

// Set records that done units of the total are done.
func (p *progress) Set(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if p.terminal {
		if now := time.Now(); done >= p.total || now.Sub(p.lastDraw) >= 100*time.Millisecond {
			p.lastDraw = now
			p.draw()
		}
		return
	}
	if p.total <= 0 { // unknown: a line every 10 MiB (or 10 Mi units)
		if step := done / (10 << 20); step > p.lastTenth {
			p.lastTenth = step
			fmt.Fprintf(p.w, "%s: %s %s\n", p.what, report.Thousands(done), p.unit)
		}
		return
	}
	if tenth := done * 10 / p.total; tenth > p.lastTenth {
		p.lastTenth = tenth
		fmt.Fprintf(p.w, "%s: %s/%s %s (%d%%)\n", p.what, report.Thousands(done), report.Thousands(p.total), p.unit, tenth*10)
	}
}

func (p *progress) draw() {
	const width = 30
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%s %s %s", p.what, report.Thousands(p.done), p.unit)
		return
	}
	filled := 0
	if p.total > 0 {
		filled = int(min(p.done, p.total) * width / p.total)
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %s/%s %s", p.what, strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
		report.Thousands(p.done), report.Thousands(p.total), p.unit)
}

// Done ends the bar's line on a terminal.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal && !p.lastDraw.IsZero() {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
