package connectortest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/tributary-dev/tributary"
)

// ErrSinkCrashed is the error of the write a Sink was told to crash on.
var ErrSinkCrashed = errors.New("connectortest: sink crashed")

// Sink is a tributary.Sink for a connector's runner tests: it counts each
// document id it takes, and can crash, to test that a run resumes after
// one. Its zero value takes everything. It is safe for concurrent use.
type Sink struct {
	// CrashAt, when positive, makes the CrashAt-th write (counting from 1)
	// fail with ErrSinkCrashed, taking nothing, as a sink that died before
	// acknowledging it. The writes after it succeed.
	CrashAt int

	mu     sync.Mutex
	writes int
	counts map[string]int
}

// Write takes the batch's documents, or crashes.
func (s *Sink) Write(_ context.Context, b tributary.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writes++; s.writes == s.CrashAt {
		return ErrSinkCrashed
	}
	if s.counts == nil {
		s.counts = map[string]int{}
	}
	for _, d := range b.Documents {
		s.counts[d.ID]++
	}
	return nil
}

// IDs returns the distinct ids of the documents taken, sorted.
func (s *Sink) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.counts))
}

// Documents returns how many documents were taken, repeats included.
func (s *Sink) Documents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.documents()
}

// Repeats returns how many documents were taken again after their first
// time.
func (s *Sink) Repeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.documents() - len(s.counts)
}

func (s *Sink) documents() int {
	n := 0
	for _, c := range s.counts {
		n += c
	}
	return n
}

// Reset forgets the documents taken. Writes go on being counted, so a
// crash that happened does not come again.
func (s *Sink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
}

var _ tributary.Sink = (*Sink)(nil)
