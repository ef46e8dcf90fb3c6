package jsonl_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/jsonl"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkSink writes batches of 100 documents of about 2 KiB each.
func BenchmarkSink(b *testing.B) {
	var docs []*tributary.Document
	for i := range 100 {
		id := fmt.Sprintf("file://docs/%04d.md", i)
		docs = append(docs, &tributary.Document{
			ID: id, Source: tributary.SourceFile, SemanticID: id, Title: "Note",
			Sections:  []tributary.Section{tributary.TextSection(id, strings.Repeat("lorem ipsum ", 170))},
			Metadata:  tributary.Metadata{"file_type": {"markdown"}},
			UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		})
	}
	w := &countingWriter{}
	s := jsonl.NewSink(w, jsonl.Options{})
	n := 0
	for b.Loop() {
		if err := s.Write(b.Context(), tributary.Batch{Documents: docs}); err != nil {
			b.Fatal(err)
		}
		n += len(docs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(w.n)/1e6/b.Elapsed().Seconds(), "MB/s")
}
