package mock_test

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// BenchmarkLoadFromCheckpoint measures the reference stream over 10,000
// documents in pages of 100, checkpoints included.
func BenchmarkLoadFromCheckpoint(b *testing.B) {
	s := mock.Sample(10_000)
	s.PageSize = 100
	c, err := mock.New(s, mock.Credentials{}, tributary.Env{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	docs := 0
	for b.Loop() {
		for it, err := range c.LoadFromCheckpoint(b.Context(), time.Time{}, time.Time{}, nil) {
			if err != nil {
				b.Fatal(err)
			}
			if it.Document != nil {
				docs++
			}
		}
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
