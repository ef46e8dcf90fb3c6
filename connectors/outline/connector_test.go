package outline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

var smallGen = outlineemu.GenerateOptions{Collections: 2, PrivateEvery: 2, Documents: 8, Hidden: true, Seed: 3}

func TestLoadMapsDocuments(t *testing.T) {
	f := newFixture(t, smallGen, outlineemu.Options{})
	c := f.connector(t, f.settings())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Empty(t, got.Failures)
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), ids(got.Documents))

	src := f.data.Documents[0] // the first of a collection: sample content
	var d *tributary.Document
	for _, doc := range got.Documents {
		if doc.ID == idOf(src) {
			d = doc
		}
	}
	require.NotNil(t, d)
	assert.Equal(t, testBase+"/doc/"+src.URLID, d.ID)
	assert.Equal(t, src.Title, d.Title)
	assert.Equal(t, src.Title, d.SemanticID)
	assert.Equal(t, src.UpdatedAt, d.UpdatedAt)
	assert.Equal(t, src.CreatedAt, d.CreatedAt)
	col := f.data.Collection(src.CollectionID)
	assert.Equal(t, col.Name, d.Metadata.Get(MetaCollection))
	assert.Equal(t, collectionNodeID(col.ID), d.ParentID)
	author := f.data.User(src.CreatedBy)
	require.Len(t, d.PrimaryOwners, 1)
	assert.Equal(t, tributary.Person{DisplayName: author.Name, Email: author.Email}, d.PrimaryOwners[0])
	link := testBase + src.Path()
	require.Len(t, d.Sections, 4)
	assert.Equal(t, link, d.Sections[0].Link)
	assert.Equal(t, "An introduction to "+src.Title+".", d.Sections[0].Text)
	assert.Equal(t, "Background", d.Sections[1].Heading)
	assert.Equal(t, link+"#h-background", d.Sections[1].Link)
	assert.Contains(t, d.Sections[1].Text, "# not a heading", "a fenced block is not split")
	assert.Equal(t, link+"#h-next-steps", d.Sections[2].Link)
	assert.Equal(t, "Owners", d.Sections[3].Heading)
	assert.Nil(t, d.ExternalAccess, "access only when asked for")
}

func TestSectionsAnchorRepeatedHeadings(t *testing.T) {
	got := sections("L", "T", "# Intro\n\nx\n\n## Notes\n\na\n\n## Notes\n\nb\n\n## Q&A: what's next?\n\nc\n")
	require.Len(t, got, 4)
	assert.Equal(t, []string{"L#h-intro", "L#h-notes", "L#h-notes-1", "L#h-qa-whats-next"},
		[]string{got[0].Link, got[1].Link, got[2].Link, got[3].Link})
	assert.Equal(t, []tributary.Section{tributary.TextSection("L", "T")}, sections("L", "T", "  \n"))
}
