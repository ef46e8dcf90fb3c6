package asana

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

// Refetch answers each id once: the document as Load gives it (after its
// nodes), a deletion for a deleted task or one no project read holds, a
// failure for a foreign id.
func TestRefetch(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	loaded := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, loaded.Err)
	byID := map[string]*tributary.Document{}
	for _, d := range loaded.Documents {
		byID[d.ID] = d
	}
	keep, gone, shared := f.data.Projects[2].Tasks[1], f.data.Projects[0].Tasks[2], f.data.Projects[1].Tasks[0]
	f.emu.Update(func(d *asanaemu.Data) { d.DeleteTask(gone, time.Now()) })
	ask := []string{TaskID(keep), TaskID(gone), TaskID(shared), "https://example.com/x"}
	got := connectortest.Collect(c.Refetch(context.Background(), ask))
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 2)
	for _, d := range got.Documents {
		assert.Equal(t, byID[d.ID].ContentHash(), d.ContentHash(), d.ID)
		assert.Equal(t, byID[d.ID].ParentID, d.ParentID)
	}
	assert.Equal(t, []string{TaskID(gone)}, got.Deletions)
	require.Len(t, got.Failures, 1)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrForeignURL)
	assert.Len(t, got.Nodes, 1+2, "the workspace and two projects, once each")
	assert.Empty(t, got.Checkpoints)
}
