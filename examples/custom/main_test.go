package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

func TestRunPrintsTheSampleNotes(t *testing.T) {
	var out, log bytes.Buffer
	require.NoError(t, run(context.Background(), "", &out, &log))
	var ids []string
	for l := range strings.Lines(out.String()) {
		var got line
		require.NoError(t, json.Unmarshal([]byte(l), &got))
		assert.Equal(t, "upsert", got.Op)
		ids = append(ids, got.Document.ID)
	}
	assert.Equal(t, []string{"oncall.md", "projects/tributary.md", "welcome.md"}, ids)
	assert.Contains(t, log.String(), "3 notes delivered")
}

// writeNotes makes a folder whose walk order differs from the order of its
// paths as strings ("b/c.md" is walked before "b.md").
func writeNotes(t *testing.T) string {
	dir := t.TempDir()
	for _, p := range []string{"a.md", "b/c.md", "b/d.md", "b.md", "c.md", "notes.txt"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte("# "+p+"\n"), 0o644))
	}
	return dir
}

func collect(t *testing.T, c *Connector, cp tributary.Checkpoint) (ids []string, cps []tributary.Checkpoint) {
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, cp) {
		require.NoError(t, err)
		switch it.Kind() {
		case tributary.ItemDocument:
			ids = append(ids, it.Document.ID)
		case tributary.ItemCheckpoint:
			cps = append(cps, it.Checkpoint)
		}
	}
	return ids, cps
}

func TestResumeFromEveryCheckpoint(t *testing.T) {
	c, err := New(Settings{Dir: writeNotes(t), MaxBytes: 1 << 20, PageSize: 1}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	all, cps := collect(t, c, nil)
	assert.Equal(t, []string{"a.md", "b/c.md", "b/d.md", "b.md", "c.md"}, all)
	for i, cp := range cps {
		rest, _ := collect(t, c, cp)
		assert.Equal(t, all[i+1:], append([]string{}, rest...), "resumed after checkpoint %d", i)
	}
}

func TestNotesStayInsideTheFolder(t *testing.T) {
	dir := writeNotes(t)
	outside := filepath.Join(t.TempDir(), "secret.md")
	require.NoError(t, os.WriteFile(outside, []byte("# secret\n"), 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "link.md")))
	c, err := New(Settings{Dir: dir, MaxBytes: 1 << 20, PageSize: 10}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	var failed []string
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Failure != nil {
			failed = append(failed, it.Failure.DocumentID)
		}
		if it.Document != nil {
			assert.NotContains(t, it.Document.Sections[0].Text, "secret")
		}
	}
	assert.Equal(t, []string{"link.md"}, failed, "a link leading outside is a failure, never read")
}

func TestBadSettingsNameTheirField(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{"page_size":0,"dri":"x"}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	slices.Sort(fields)
	assert.Equal(t, []string{"settings.dri"}, fields, "unknown fields are reported before validation")
}

// TestConformance proves the connector with the kit every connector runs.
func TestConformance(t *testing.T) {
	dir := writeNotes(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.md"), []byte{0xff, 0xfe}, 0o644))
	day := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range []string{"a.md", "b/c.md", "b/d.md", "b.md", "c.md", "bad.md"} {
		at := day.Add(time.Duration(i) * time.Hour)
		require.NoError(t, os.Chtimes(filepath.Join(dir, filepath.FromSlash(p)), at, at))
	}
	connectortest.Run(t, connectortest.Harness{
		New: func(t testing.TB) tributary.Connector {
			c, err := New(Settings{Dir: dir, MaxBytes: 1 << 20, PageSize: 2}, Credentials{}, tributary.Env{})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		WantIDs:        []string{"a.md", "b/c.md", "b/d.md", "b.md", "c.md"},
		WantFailureIDs: []string{"bad.md"},
		Windows: []connectortest.Window{
			{Start: day.Add(time.Hour), End: day.Add(3 * time.Hour), WantIDs: []string{"b/c.md", "b/d.md"}},
		},
		IDMatches: func(id string) bool { return strings.HasSuffix(id, ".md") },
	})
}
