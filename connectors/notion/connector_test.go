package notion

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// byID indexes documents by id.
func byID(docs []*tributary.Document) map[string]*tributary.Document {
	m := map[string]*tributary.Document{}
	for _, d := range docs {
		m[d.ID] = d
	}
	return m
}

// text joins a document's sections.
func text(d *tributary.Document) string {
	var parts []string
	for _, s := range d.Sections {
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, "\n")
}

// A page's block tree, read recursively, becomes sections cut at its
// headings: nested list items, to-dos, code, table rows, a toggle's
// children and a synced block's original all arrive as text.
func TestPageContentAndSections(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 3, Seed: 1}, notionemu.Options{})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 3)
	docs := byID(got.Documents)
	p := f.data.Pages[1]
	d := docs[docID(p)]
	require.NotNil(t, d)
	assert.Equal(t, p.Title, d.Title)
	assert.Equal(t, p.Edited.Truncate(time.Minute), d.UpdatedAt, "Notion's minute, never the run's time")
	assert.Equal(t, p.Created.Truncate(time.Minute), d.CreatedAt)
	require.Len(t, d.Sections, 3)
	assert.Empty(t, d.Sections[0].Heading)
	assert.Equal(t, d.ID, d.Sections[0].Link)
	assert.Equal(t, "Overview", d.Sections[1].Heading)
	assert.Equal(t, "Details", d.Sections[2].Heading)
	assert.Regexp(t, `^https://www\.notion\.so/[0-9a-f]{32}#[0-9a-f]{32}$`, d.Sections[1].Link)
	all := text(d)
	for _, want := range []string{"- First point", "- A nested point", "- Deeper still", "[ ] Ship it", `fmt.Println("hello")`,
		"Name | Value", "alpha | 1", "Inside the toggle.", "Shared footer text.", "Read the guide for page 2."} {
		assert.Contains(t, all, want)
	}
	require.Len(t, d.PrimaryOwners, 1)
	assert.Equal(t, f.data.User(p.CreatedBy).Email, d.PrimaryOwners[0].Email)
	assert.Equal(t, "page", d.Metadata.Get(MetaType))
}

// Database rows come from database queries with their properties as
// text and metadata, under the database's node, which comes first.
func TestDatabaseRows(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 2, Databases: 1, Rows: 3, Plain: true, Seed: 2}, notionemu.Options{})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 5)
	db := f.data.Databases[0]
	var rows int
	for _, d := range got.Documents {
		if d.Metadata.Get(MetaType) != "database_row" {
			continue
		}
		rows++
		assert.Equal(t, databaseNodeID(db.ID), d.ParentID)
		assert.Contains(t, d.Sections[0].Text, "Status: ")
		assert.Contains(t, d.Sections[0].Text, "Tags: backend")
		assert.Equal(t, "backend", d.Metadata.Get("Tags"))
		assert.NotEmpty(t, d.Metadata.Get("Status"))
	}
	assert.Equal(t, 3, rows)
	var node *tributary.HierarchyNode
	for _, n := range got.Nodes {
		if n.ID == databaseNodeID(db.ID) {
			node = n
		}
	}
	require.NotNil(t, node)
	assert.Equal(t, db.Title, node.Name)
	assert.Equal(t, NodeDatabase, node.Kind)
	assert.Equal(t, pageNodeID(db.Parent.ID), node.ParentID)
}

// A page's ParentID names its parent page's node; a page inside a toggle
// is placed under the toggle's page. Every node comes before what names
// it, each under its own parent.
func TestHierarchyOfNestedPages(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 12, Plain: true, Seed: 3}, notionemu.Options{})
	s := f.settings()
	s.PageSize = 3
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	docs := byID(got.Documents)
	toggles := 0
	for _, p := range f.data.Pages {
		d := docs[docID(p)]
		require.NotNil(t, d)
		switch p.Parent.Type {
		case notionemu.ParentWorkspace:
			assert.Empty(t, d.ParentID)
		case notionemu.ParentPage:
			assert.Equal(t, pageNodeID(p.Parent.ID), d.ParentID)
		case notionemu.ParentBlock:
			toggles++
			var holder *notionemu.Page
			for _, q := range f.data.Pages {
				for _, b := range q.Blocks {
					if b.ID == p.Parent.ID {
						holder = q
					}
				}
			}
			require.NotNil(t, holder)
			assert.Equal(t, pageNodeID(holder.ID), d.ParentID)
		}
	}
	assert.Positive(t, toggles)
	for _, n := range got.Nodes {
		var p *notionemu.Page
		for _, q := range f.data.Pages {
			if pageNodeID(q.ID) == n.ID {
				p = q
			}
		}
		require.NotNil(t, p, n.ID)
		assert.Equal(t, p.Title, n.Name)
		assert.Equal(t, docID(p), n.Link)
	}
}
