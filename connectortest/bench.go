package connectortest

import (
	"context"
	"testing"

	"github.com/tributary-dev/tributary"
)

// BenchLoad loads c in full at each iteration of b and reports documents
// and megabytes (of Document.Size) a second. requests returns how many
// requests the source has answered so far, an emulator's count; from it
// BenchLoad reports requests/doc and rate_limited_docs/s, the documents a
// second that limit requests a second (the source's rate limit) allow at
// that cost, which is what a real load of a large source would reach.
func BenchLoad(b *testing.B, c tributary.Connector, requests func() int, limit float64) {
	b.Helper()
	docs, bytes := 0, 0
	before := requests()
	for b.Loop() {
		for d, err := range tributary.Load(context.Background(), c) {
			if err != nil {
				b.Fatal(err)
			}
			docs++
			bytes += d.Size()
		}
	}
	if docs == 0 {
		b.Fatal("the load yielded no documents")
	}
	perDoc := float64(requests()-before) / float64(docs)
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(docs)/secs, "docs/s")
	b.ReportMetric(float64(bytes)/secs/1e6, "MB/s")
	b.ReportMetric(perDoc, "requests/doc")
	b.ReportMetric(limit/perDoc, "rate_limited_docs/s")
}
