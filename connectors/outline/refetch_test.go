package outline

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

func TestRefetchAnswersEachIDOnce(t *testing.T) {
	f := newFixture(t, smallGen, outlineemu.Options{})
	s := f.settings()
	s.Collections = []string{f.data.Collections[0].ID}
	c := f.connector(t, s)
	docs := f.data.Documents
	var child *outlineemu.Document
	for _, d := range docs {
		if d.ParentID != "" && d.CollectionID == f.data.Collections[0].ID {
			child = d
			break
		}
	}
	require.NotNil(t, child)
	archived, gone := docs[1], docs[2]
	var outside *outlineemu.Document // live, in a collection not read
	for _, d := range docs {
		if d.CollectionID == f.data.Collections[1].ID && d.Live() {
			outside = d
			break
		}
	}
	require.NotNil(t, outside)
	f.emu.Update(func(d *outlineemu.Data) {
		archived.ArchivedAt = time.Now()
		d.Documents = append(d.Documents[:2:2], d.Documents[3:]...)
	})
	ask := []string{idOf(child), idOf(archived), idOf(gone), idOf(outside), "https://other.test/doc/AbC123xYz0"}
	got := connectortest.Collect(c.Refetch(t.Context(), ask))
	require.NoError(t, got.Err)
	assert.Equal(t, []string{idOf(child)}, ids(got.Documents))
	assert.ElementsMatch(t, []string{idOf(archived), idOf(gone), idOf(outside)}, got.Deletions)
	require.Len(t, got.Failures, 1)
	assert.True(t, errors.Is(got.Failures[0], tributary.ErrForeignURL))
	require.NotEmpty(t, got.Nodes)
	assert.Equal(t, got.Documents[0].ParentID, got.Nodes[len(got.Nodes)-1].ID, "the parent's node comes first")
	assert.Empty(t, got.Checkpoints)
}
