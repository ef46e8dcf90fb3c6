package tributary_test

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/sqlitestore"
)

// generated makes n documents of about 2.5 KiB on the fly, so that the
// source itself holds nothing and the heap shows what the runner keeps.
type generated struct{ n int }

func (c generated) Source() tributary.DocumentSource { return testSource }
func (c generated) Validate(context.Context) error   { return nil }

func (c generated) Load(context.Context) iter.Seq2[*tributary.Document, error] {
	body := strings.Repeat("Tributary hands documents to indexing backends. ", 40)
	return func(yield func(*tributary.Document, error) bool) {
		for i := range c.n {
			id := fmt.Sprintf("https://wiki.example.com/pages/%07d", i)
			d := &tributary.Document{ID: id, Source: testSource, Title: fmt.Sprintf("Page %d", i),
				Sections:  []tributary.Section{tributary.TextSection(id, body+id)},
				UpdatedAt: t0.Add(time.Duration(i) * time.Second)}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// BenchmarkRunnerMemory runs loads of 1,000, 10,000 and 100,000 generated
// documents through the runner, with a sink that discards, into a
// MemoryStore and into the SQLite store the tributary command uses, and
// reports the peak heap in use above what was in use before (peak-MB) and
// that peak per thousand documents (peak-KB/kdoc). Documents are not
// held: with the MemoryStore what grows is its inventory, one entry per
// document id; the SQLite store keeps that on disk.
func BenchmarkRunnerMemory(b *testing.B) {
	discard := tributary.SinkFunc(func(context.Context, tributary.Batch) error { return nil })
	for _, store := range []string{"memory", "sqlite"} {
		for _, n := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("store=%s/docs=%d", store, n), func(b *testing.B) { benchMemory(b, store, n, discard) })
		}
	}
}

func benchMemory(b *testing.B, store string, n int, discard tributary.Sink) {
	var peak uint64
	for b.Loop() {
		st := openStore(b, store)
		runtime.GC()
		base := heapInUse()
		stop := sampleHeap()
		r := &tributary.Runner{Store: st, Sink: discard}
		if _, err := r.Run(context.Background(), generated{n}, tributary.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		high := stop()
		peak = max(peak, high-min(high, base))
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(peak)/1024/(float64(n)/1000), "peak-KB/kdoc")
}

// openStore returns an empty store of the kind named.
func openStore(b *testing.B, kind string) tributary.Store {
	if kind == "memory" {
		return &tributary.MemoryStore{}
	}
	s, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// sampleHeap samples the heap in use every millisecond until the
// returned function is called, which returns the highest sample.
func sampleHeap() func() uint64 {
	var (
		wg   sync.WaitGroup
		high uint64
	)
	done := make(chan struct{})
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			high = max(high, heapInUse())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(high, heapInUse())
	}
}
