package connectortest

import (
	"iter"
	"runtime"
	"testing"

	"github.com/tributary-dev/tributary"
)

// Measurement is what Measure saw of one checkpoint stream.
type Measurement struct {
	// Documents is the number of documents yielded.
	Documents int
	// MaxCheckpoint is the size in bytes of the largest checkpoint.
	MaxCheckpoint int
	// HeapRise is how far the live heap rose above where it stood when the
	// stream started, sampled after a garbage collection every sampleEvery
	// checkpoints.
	HeapRise uint64
}

// Measure ranges over a checkpoint stream that must yield no error and no
// Failure, and reports its documents, its largest checkpoint and the rise of
// the live heap. Connectors use it to show that checkpoints and memory do not
// grow with the size of the source: measure a small and a ten-times larger
// fixture and compare.
func Measure(t testing.TB, items iter.Seq2[tributary.Item, error], sampleEvery int) Measurement {
	t.Helper()
	var m Measurement
	base := liveHeap()
	var peak uint64
	checkpoints := 0
	for it, err := range items {
		if err != nil {
			t.Fatalf("stream ended with an error after %d documents: %v", m.Documents, err)
		}
		if it.Failure != nil {
			t.Fatalf("unexpected failure: %v", it.Failure)
		}
		if it.Document != nil {
			m.Documents++
		}
		if it.Checkpoint != nil {
			m.MaxCheckpoint = max(m.MaxCheckpoint, len(it.Checkpoint))
			if checkpoints++; sampleEvery > 0 && checkpoints%sampleEvery == 0 {
				peak = max(peak, liveHeap())
			}
		}
	}
	if peak > base {
		m.HeapRise = peak - base
	}
	return m
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Flat bounds what a checkpoint stream may keep as its source grows.
type Flat struct {
	// MaxCheckpoint bounds the larger run's checkpoints, in bytes.
	MaxCheckpoint int
	// CheckpointSlack is how many bytes the larger run's largest
	// checkpoint may exceed the smaller run's (a counter's extra digit).
	CheckpointSlack int
	// HeapSlack is how far the larger run's heap may rise above the
	// smaller run's rise.
	HeapSlack uint64
}

// CheckFlat reports an error on t for each bound of f that big, the
// Measurement of a source several times larger than small's, breaks: a
// stream that keeps what it has seen grows with its source. It logs both
// measurements.
func CheckFlat(t testing.TB, small, big Measurement, f Flat) {
	t.Helper()
	t.Logf("documents %d vs %d; largest checkpoint %d vs %d bytes; live heap rise %d vs %d KiB",
		small.Documents, big.Documents, small.MaxCheckpoint, big.MaxCheckpoint, small.HeapRise>>10, big.HeapRise>>10)
	if big.MaxCheckpoint >= f.MaxCheckpoint {
		t.Errorf("a checkpoint of %d bytes; want fewer than %d", big.MaxCheckpoint, f.MaxCheckpoint)
	}
	if big.MaxCheckpoint > small.MaxCheckpoint+f.CheckpointSlack {
		t.Errorf("checkpoints grew with the source: %d bytes, against %d for the smaller one", big.MaxCheckpoint, small.MaxCheckpoint)
	}
	if big.HeapRise >= small.HeapRise+f.HeapSlack {
		t.Errorf("memory grew with the source: the live heap rose %d KiB, against %d KiB for the smaller one", big.HeapRise>>10, small.HeapRise>>10)
	}
}
