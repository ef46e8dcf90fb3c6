package linear

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// Refetch answers each id once: issues, projects and documents after
// their nodes, a deleted issue as a deletion, an issue moved to another
// team under its new id with a deletion of the old one, an archived
// document as a deletion, and another workspace's id as a failure.
func TestRefetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		d := f.data
		env := f.env()
		env.WantPermissions = true
		c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, env)
		require.NoError(t, err)
		inProject := d.Issues[0]
		require.NotNil(t, inProject.Project)
		moved, gone := d.Issues[1], d.Issues[2]
		movedID, goneID := d.IssueID(moved), d.IssueID(gone)
		old := moved.Identifier()
		archived := d.Documents[1]
		f.emu.Update(func(d *linearemu.Data) {
			d.Issues = append(d.Issues[:2], d.Issues[3:]...)
			moved.Team, moved.Number = d.Teams[0], 1000
			now := archived.UpdatedAt
			archived.ArchivedAt = &now
		})
		// The old identifier still finds the moved issue, as in Linear.
		f.emu.Update(func(d *linearemu.Data) { d.Aliases = map[string]*linearemu.Issue{old: moved} })
		ids := []string{d.IssueID(inProject), d.ProjectID(d.Projects[0]), d.DocumentID(d.Documents[0]),
			goneID, movedID, d.DocumentID(archived), "https://linear.app/other/issue/ENG-1", "https://linear.app/acme/view/123"}
		got := connectortest.CollectRefetch(t, t.Context(), c, ids...)
		once := got.Once(t, ids...)
		got.Parented(t)
		for _, id := range ids[:3] {
			require.NotNil(t, once[id].Document, id)
			assert.NotNil(t, once[id].Document.ExternalAccess)
		}
		assert.Equal(t, d.ProjectID(inProject.Project), once[ids[0]].Document.ParentID)
		assert.Equal(t, goneID, once[goneID].Deletion)
		assert.Equal(t, movedID, once[movedID].Deletion)
		require.NotNil(t, once[d.IssueID(moved)].Document, "the moved issue under its new id")
		assert.Equal(t, ids[5], once[ids[5]].Deletion)
		for _, id := range ids[6:] {
			require.NotNil(t, once[id].Failure, id)
			assert.ErrorIs(t, once[id].Failure, tributary.ErrForeignURL)
		}
	})
}
