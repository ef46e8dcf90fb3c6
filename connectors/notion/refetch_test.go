package notion

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// Refetch answers each id once: the document after its nodes, a deletion
// for a page in the trash, a failure matching ErrNotFound for one Notion
// no longer shows, and ErrForeignURL for an id that is not a page's.
func TestRefetchAnswers(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 6, Databases: 1, Rows: 2, Plain: true, Seed: 50}, notionemu.Options{})
	row, trashed, unshared := f.data.Pages[6], f.data.Pages[2], f.data.Pages[3]
	f.emu.Update(func(*notionemu.Data) { trashed.Archived, unshared.Unshared = true, true })
	c := f.connector(t, f.settings())
	ids := []string{docID(row), docID(trashed), docID(unshared), "https://example.com/x", docID(f.data.Pages[1])}
	got := connectortest.Collect(c.Refetch(t.Context(), ids))
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 2)
	assert.Equal(t, docID(row), got.Documents[0].ID)
	assert.Equal(t, databaseNodeID(row.Parent.ID), got.Documents[0].ParentID)
	assert.Equal(t, []string{docID(trashed)}, got.Deletions)
	require.Len(t, got.Failures, 2)
	assert.Equal(t, docID(unshared), got.Failures[0].DocumentID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrNotFound)
	assert.ErrorIs(t, got.Failures[1], tributary.ErrForeignURL)
	assert.Empty(t, got.Checkpoints)
}
