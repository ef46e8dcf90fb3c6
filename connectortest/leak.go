package connectortest

import (
	"runtime"
	"slices"
	"strings"
	"time"
)

// goroutine is one goroutine from a runtime.Stack dump.
type goroutine struct {
	id    string
	state string // what it waits for: "select", "IO wait", "chan receive, 2 minutes"
	entry string // the function the goroutine started in
	stack string
}

// alwaysIgnored are entry functions of goroutines that may outlive a range
// loop without being started by the connector's iterator: the test
// framework's own, and those of the standard library's HTTP client and
// server (idle connections kept for reuse, dials, an emulator's handlers).
var alwaysIgnored = []string{
	"testing.",
	"runtime.",
	"os/signal.",
	"net/http.",
}

// goroutines returns the process's goroutines by id.
func goroutines() map[string]goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := map[string]goroutine{}
	for block := range strings.SplitSeq(string(buf), "\n\n") {
		g, ok := parseGoroutine(block)
		if ok {
			all[g.id] = g
		}
	}
	return all
}

// parseGoroutine reads one block of a runtime.Stack dump:
//
//	goroutine 7 [chan receive]:
//	pkg.f(...)
//		/path/file.go:12 +0x1d
//	created by pkg.g in goroutine 6
//		/path/file.go:30 +0x8f
func parseGoroutine(block string) (goroutine, bool) {
	lines := strings.Split(strings.TrimSpace(block), "\n")
	head, ok := strings.CutPrefix(lines[0], "goroutine ")
	if !ok {
		return goroutine{}, false
	}
	id, state, _ := strings.Cut(head, " ")
	state = strings.TrimSuffix(strings.TrimPrefix(state, "["), "]:")
	g := goroutine{id: id, state: state, stack: block}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "created by ") {
			continue
		}
		g.entry = l // the last frame is where the goroutine started
	}
	if i := strings.LastIndex(g.entry, "("); i > 0 && strings.HasSuffix(g.entry, ")") {
		g.entry = g.entry[:i] // drop the argument list
	}
	return g, true
}

// leaked waits up to grace for the goroutines not in before (and not
// ignored) to end, and returns those that are still running.
func leaked(before map[string]goroutine, ignore []string, grace time.Duration) []goroutine {
	deadline := time.Now().Add(grace)
	wait := time.Millisecond
	for {
		var out []goroutine
		for id, g := range goroutines() {
			if _, old := before[id]; !old && !ignored(g, ignore) {
				out = append(out, g)
			}
		}
		if len(out) == 0 || time.Now().After(deadline) {
			slices.SortFunc(out, func(a, b goroutine) int { return strings.Compare(a.id, b.id) })
			return out
		}
		time.Sleep(wait)
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// openBody reports the read loop of an HTTP/1 connection that waits for
// its response body to be read or closed: a body the connector left open.
// An idle connection's read loop waits on the network instead.
func openBody(g goroutine) bool {
	return g.entry == "net/http.(*persistConn).readLoop" && strings.HasPrefix(g.state, "select") &&
		strings.HasPrefix(strings.SplitN(g.stack, "\n", 3)[1], g.entry+"(")
}

func ignored(g goroutine, extra []string) bool {
	if openBody(g) {
		return false
	}
	for _, p := range slices.Concat(alwaysIgnored, extra) {
		if strings.HasPrefix(g.entry, p) {
			return true
		}
	}
	// The kit's own goroutine that ran an iterator ends just after it.
	return strings.HasPrefix(g.entry, "github.com/tributary-dev/tributary/connectortest.drive[")
}
