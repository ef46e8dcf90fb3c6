package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
)

// redactor replaces secrets in what is written through it. Loggers write
// one record per call, so a secret is never split across two writes.
type redactor struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
	replace *strings.Replacer
}

func newRedactor(w io.Writer, secrets []string) *redactor {
	r := &redactor{w: w}
	r.add(secrets...)
	return r
}

// add redacts more secrets from now on, such as refreshed credentials.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minSecretLen && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, "[redacted]")
	}
	r.replace = strings.NewReplacer(pairs...)
}

func (r *redactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	replace := r.replace
	r.mu.Unlock()
	if _, err := io.WriteString(r.w, replace.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// display is stderr: logs pass through it, and when stderr is a terminal it
// keeps a progress line at the bottom, clearing it before each log record
// and drawing it again after.
type display struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	line  string
	drawn time.Time
	now   func() time.Time
}

func newDisplay(w io.Writer, tty bool) *display {
	return &display{w: w, tty: tty, now: time.Now}
}

// Write writes a log record.
func (d *display) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	n, err := d.w.Write(p)
	d.draw()
	return n, err
}

func (d *display) clear() {
	if d.tty && d.line != "" {
		fmt.Fprint(d.w, "\r\x1b[K")
	}
}

func (d *display) draw() {
	if d.tty && d.line != "" {
		fmt.Fprint(d.w, d.line)
	}
}

// status replaces the progress line, at most ten times a second unless
// force is set. It does nothing when stderr is not a terminal.
func (d *display) status(line string, force bool) {
	if !d.tty {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if !force && now.Sub(d.drawn) < 100*time.Millisecond {
		return
	}
	d.drawn = now
	d.clear()
	d.line = line
	d.draw()
}

// noProgress turns the progress line off.
func (d *display) noProgress() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	d.line = ""
	d.tty = false
}

// done removes the progress line.
func (d *display) done() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.clear()
	d.line = ""
}

// progressLine formats a run's progress for the terminal.
func progressLine(p tributary.Progress) string {
	rate := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		rate = float64(p.Documents+p.Unchanged) / s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d docs", p.Documents)
	if p.Unchanged > 0 {
		fmt.Fprintf(&b, " (+%d unchanged)", p.Unchanged)
	}
	fmt.Fprintf(&b, "  %.0f docs/s  %s", rate, formatBytes(p.Bytes))
	if p.Deletions > 0 {
		fmt.Fprintf(&b, "  %d deletions", p.Deletions)
	}
	if p.Skipped > 0 {
		fmt.Fprintf(&b, "  %d skipped", p.Skipped)
	}
	fmt.Fprintf(&b, "  %d failures", p.Failures)
	if p.Requests > 0 {
		fmt.Fprintf(&b, "  %d requests", p.Requests)
	}
	fmt.Fprintf(&b, "  rate-limit wait %s  %s", p.RateLimitWait.Round(100*time.Millisecond), p.Elapsed.Round(time.Second))
	return b.String()
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
