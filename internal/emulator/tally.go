package emulator

import (
	"net/http"
	"testing"
)

// Tally counts what the fault schedules of a test's emulators did: the
// faults injected, by kind ("status 429", "reset", "truncate", ...), and
// the statuses of the answers the emulators gave on their own, such as
// the 429s of a rate limit.
type Tally struct {
	Faults   map[string]int
	Total    int         // faults injected, of every kind
	Statuses map[int]int // answers no fault was injected into, by status
}

// Limited is how many requests a rate limit refused on its own: 429s the
// fault schedule did not inject.
func (f Tally) Limited() int { return f.Statuses[http.StatusTooManyRequests] }

// Logger is anything that keeps a request log: a Server, or an emulator
// built on one.
type Logger interface{ Requests() []Request }

// TallyOf counts the faults in the logs of servers, typically every
// emulator a conformance run opened.
func TallyOf[S Logger](servers []S) Tally {
	t := Tally{Faults: map[string]int{}, Statuses: map[int]int{}}
	for _, s := range servers {
		for _, r := range s.Requests() {
			if r.Fault != "" {
				t.Faults[r.Fault]++
				t.Total++
			} else {
				t.Statuses[r.Status]++
			}
		}
	}
	return t
}

// Require fails t unless at least min faults were injected and each kind
// in kinds happened at least once, so that a run "with faults" cannot
// pass with the faults silently off; it logs the tally either way.
func (f Tally) Require(t testing.TB, min int, kinds ...string) {
	t.Helper()
	if f.Total < min {
		t.Errorf("only %d faults were injected, want at least %d", f.Total, min)
	}
	for _, k := range kinds {
		if f.Faults[k] == 0 {
			t.Errorf("fault %s never happened", k)
		}
	}
	t.Logf("faults injected: %v; refused by rate limits: %d", f.Faults, f.Limited())
}
