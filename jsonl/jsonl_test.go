package jsonl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/jsonl"
)

func sampleBatch() tributary.Batch {
	return tributary.Batch{
		Nodes: []*tributary.HierarchyNode{{ID: "docs", Name: "docs", Kind: tributary.NodeFolder}},
		Documents: []*tributary.Document{{
			ID: "file:///docs/a.md", Source: tributary.SourceFile, SemanticID: "a.md",
			Sections:  []tributary.Section{tributary.TextSection("file:///docs/a.md", "<hello> & \"bye\"\n")},
			Metadata:  tributary.Metadata{"ext": {"md"}},
			UpdatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
			ParentID:  "docs",
		}},
		Deletions: []string{"file:///docs/gone.md"},
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	s := jsonl.NewSink(&buf, jsonl.Options{})
	b := sampleBatch()
	require.NoError(t, s.Write(t.Context(), b))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 3)
	assert.True(t, strings.HasPrefix(lines[0], `{"type":"node",`), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], `{"type":"document",`), lines[1])
	assert.Contains(t, lines[1], `<hello> &`, "HTML is not escaped")
	assert.Equal(t, `{"type":"deletion","id":"file:///docs/gone.md"}`, lines[2])

	var got []jsonl.Record
	for r, err := range jsonl.Read(&buf) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 3)
	assert.Equal(t, b.Nodes[0], got[0].Node)
	assert.Equal(t, b.Documents[0].ContentHash(), got[1].Document.ContentHash())
	assert.Equal(t, jsonl.Record{Type: jsonl.TypeDeletion, ID: "file:///docs/gone.md"}, got[2])
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrorIsNotAcknowledged(t *testing.T) {
	disk := errors.New("disk full")
	s := jsonl.NewSink(failingWriter{disk}, jsonl.Options{})
	err := s.Write(t.Context(), sampleBatch())
	assert.ErrorIs(t, err, disk)
}

func TestCancelledContext(t *testing.T) {
	var buf bytes.Buffer
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := jsonl.NewSink(&buf, jsonl.Options{}).Write(ctx, sampleBatch())
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, buf.Len())
}

type syncWriter struct {
	bytes.Buffer
	syncs   int
	written int // bytes written at the last sync
}

func (w *syncWriter) Sync() error { w.syncs++; w.written = w.Len(); return nil }

func TestSync(t *testing.T) {
	w := &syncWriter{}
	require.NoError(t, jsonl.NewSink(w, jsonl.Options{Sync: true}).Write(t.Context(), sampleBatch()))
	assert.Equal(t, 1, w.syncs)
	assert.Equal(t, w.Len(), w.written, "synced after everything was written")

	w = &syncWriter{}
	require.NoError(t, jsonl.NewSink(w, jsonl.Options{}).Write(t.Context(), sampleBatch()))
	assert.Zero(t, w.syncs)
}

func TestSyncToFile(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/out.jsonl")
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, jsonl.NewSink(f, jsonl.Options{Sync: true}).Write(t.Context(), sampleBatch()))
}

func TestBatchesNeverInterleave(t *testing.T) {
	var buf bytes.Buffer
	s := jsonl.NewSink(&buf, jsonl.Options{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				var b tributary.Batch
				for j := range 30 {
					b.Deletions = append(b.Deletions, fmt.Sprintf("%d/%d/%d", w, i, j))
				}
				assert.NoError(t, s.Write(context.Background(), b))
			}
		})
	}
	wg.Wait()
	var prev string
	n := 0
	for r, err := range jsonl.Read(&buf) {
		require.NoError(t, err)
		var w, i, j int
		_, err := fmt.Sscanf(r.ID, "%d/%d/%d", &w, &i, &j)
		require.NoError(t, err)
		if j > 0 {
			assert.Equal(t, fmt.Sprintf("%d/%d/%d", w, i, j-1), prev, "a batch was interleaved")
		}
		prev = r.ID
		n++
	}
	assert.Equal(t, 8*20*30, n)
}

func TestReadBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "{\"type\":\"deletion\",\"id\":\"a\"}\nnot json\n",
		"unknown type": "{\"type\":\"deletion\",\"id\":\"a\"}\n{\"type\":\"thing\"}\n",
		"bad document": "\n{\"type\":\"deletion\",\"id\":\"a\"}\n{\"type\":\"document\",\"id\":7}\n",
	} {
		t.Run(name, func(t *testing.T) {
			var recs int
			var last error
			for _, err := range jsonl.Read(strings.NewReader(in)) {
				if err != nil {
					last = err
					continue
				}
				recs++
			}
			assert.Equal(t, 1, recs)
			require.Error(t, last)
			assert.Contains(t, last.Error(), "line ")
		})
	}
}

func TestAccessLines(t *testing.T) {
	w := &syncWriter{}
	s := jsonl.NewSink(w, jsonl.Options{Sync: true})
	changes := []tributary.AccessChange{
		{ID: "a", Access: &tributary.ExternalAccess{UserEmails: []string{"ann@example.com"}, GroupIDs: []string{"eng"}}},
		{ID: "b", Access: &tributary.ExternalAccess{}},
		{ID: "c", Access: &tributary.ExternalAccess{Public: true}},
		{ID: "undetermined"},
	}
	require.NoError(t, s.WriteAccess(t.Context(), changes))
	assert.Equal(t, 1, w.syncs)
	assert.Equal(t, `{"type":"access","id":"a","external_access":{"user_emails":["ann@example.com"],"group_ids":["eng"]}}
{"type":"access","id":"b","external_access":{}}
{"type":"access","id":"c","external_access":{"public":true}}
`, w.String(), "a change without access is never written as nobody")

	var got []tributary.AccessChange
	for r, err := range jsonl.Read(strings.NewReader(w.String())) {
		require.NoError(t, err)
		require.Equal(t, jsonl.TypeAccess, r.Type)
		got = append(got, tributary.AccessChange{ID: r.ID, Access: r.Access})
	}
	assert.Equal(t, changes[:3], got)

	for _, bad := range []string{`{"type":"access","id":"a"}`, `{"type":"access","id":"a","external_access":null}`, `{"type":"access","id":"a","external_access":[]}`} {
		var errs int
		for _, err := range jsonl.Read(strings.NewReader(bad)) {
			if err != nil {
				errs++
			}
		}
		assert.Equal(t, 1, errs, bad)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, s.WriteAccess(ctx, changes), context.Canceled)
	disk := errors.New("disk full")
	assert.ErrorIs(t, jsonl.NewSink(failingWriter{disk}, jsonl.Options{}).WriteAccess(t.Context(), changes), disk)
}

func TestReadWithoutFinalNewline(t *testing.T) {
	n := 0
	for r, err := range jsonl.Read(strings.NewReader(`{"type":"deletion","id":"a"}`)) {
		require.NoError(t, err)
		assert.Equal(t, "a", r.ID)
		n++
	}
	assert.Equal(t, 1, n)
}

func ExampleSink() {
	s := jsonl.NewSink(os.Stdout, jsonl.Options{})
	_ = s.Write(context.Background(), tributary.Batch{
		Documents: []*tributary.Document{{
			ID: "note-1", Source: tributary.SourceFile, SemanticID: "Note 1",
			Sections: []tributary.Section{{Kind: tributary.SectionText, Text: "hello"}},
		}},
		Deletions: []string{"note-0"},
	})
	// Output:
	// {"type":"document","id":"note-1","source":"file","semantic_id":"Note 1","sections":[{"kind":"text","text":"hello"}]}
	// {"type":"deletion","id":"note-0"}
}
