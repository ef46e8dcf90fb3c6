package outline

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// BenchmarkLoad reads a workspace of nested documents with the sample
// content from the in-memory emulator with no pace, reporting documents
// and requests a second and requests per document: the connector's own
// cost, which Outline's budget of 100 listings a minute dwarfs.
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b, outlineemu.GenerateOptions{Collections: 4, Documents: 250, Seed: 70}, outlineemu.Options{})
	c := f.connector(b, f.settings())
	docs := 0
	start := time.Now()
	f.emu.ResetLog()
	for b.Loop() {
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		if got.Err != nil {
			b.Fatal(got.Err)
		}
		docs += len(got.Documents)
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(docs)/secs, "docs/s")
	b.ReportMetric(float64(len(f.emu.Requests()))/secs, "requests/s")
	b.ReportMetric(float64(len(f.emu.Requests()))/float64(docs), "requests/doc")
}
