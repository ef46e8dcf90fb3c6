package notion

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/internal/notionemu"
)

// BenchmarkLoad reads a workspace of pages with the sample content (about
// seven requests a page) and rows (one or two) from the in-memory
// emulator with no pace, reporting documents and requests a second: the
// connector's own cost, which Notion's three requests a second dwarf.
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b, notionemu.GenerateOptions{Pages: 100, Databases: 2, Rows: 100, Seed: 70}, notionemu.Options{})
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
