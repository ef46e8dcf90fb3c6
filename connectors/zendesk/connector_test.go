package zendesk

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

func TestLoadArticlesAndTickets(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	s := f.settings("en-us", "de")
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, s, env)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Empty(t, got.Failures)
	assert.Equal(t, f.expectedIDs(s, time.Time{}, time.Time{}), ids(got.Documents))
	assert.Empty(t, got.Deletions, "a load over all time has nothing to delete")

	byID := map[string]*tributary.Document{}
	for _, d := range got.Documents {
		byID[d.ID] = d
	}
	a := f.data.Articles[0]
	art := byID[articleID(testBase, a.Locale, a.ID)]
	require.NotNil(t, art)
	assert.Equal(t, a.Title, art.Title)
	assert.Equal(t, a.UpdatedAt, art.UpdatedAt)
	assert.Equal(t, a.CreatedAt, art.CreatedAt)
	assert.Equal(t, sectionID(testBase, a.Locale, a.SectionID), art.ParentID)
	require.NotEmpty(t, art.Sections)
	assert.Contains(t, art.Sections[len(art.Sections)-1].Text, "First open the settings")
	assert.Contains(t, art.Sections[len(art.Sections)-1].Link, testBase+"/hc/en-us/articles/")
	require.Len(t, art.PrimaryOwners, 1)
	assert.Equal(t, f.data.User(a.AuthorID).Email, art.PrimaryOwners[0].Email)
	assert.Equal(t, &tributary.ExternalAccess{Public: true}, art.ExternalAccess)

	tk := f.data.Tickets[1]
	doc := byID[ticketID(testBase, tk.ID)]
	require.NotNil(t, doc)
	assert.Equal(t, "#2: "+tk.Subject, doc.SemanticID)
	assert.Len(t, doc.Sections, len(tk.Comments))
	assert.Equal(t, tk.Description, doc.Sections[0].Text)
	assert.Equal(t, f.data.User(tk.RequesterID).Email, doc.PrimaryOwners[0].Email)
	assert.Equal(t, f.data.User(tk.AssigneeID).Email, doc.SecondaryOwners[0].Email)
	wantGroups := []string{GroupAgents, groupID(tk.GroupID)}
	if tk.OrganizationID != 0 {
		wantGroups = append(wantGroups, orgID(tk.OrganizationID))
	}
	assert.Equal(t, wantGroups, doc.ExternalAccess.GroupIDs)
	assert.Equal(t, []string{f.data.User(tk.RequesterID).Email}, doc.ExternalAccess.UserEmails)
	assert.Equal(t, testBase+"/agent/tickets", doc.ParentID)

	// Nodes come before their children: categories, then sections.
	seen := map[string]bool{}
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch {
		case it.Node != nil:
			assert.True(t, it.Node.ParentID == "" || seen[it.Node.ParentID], it.Node.ID)
			seen[it.Node.ID] = true
		case it.Document != nil:
			assert.True(t, seen[it.Document.ParentID], it.Document.ID)
		}
	}
}

func TestTicketsWithoutComments(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	s := f.settings()
	s.IncludeArticles, s.IncludeComments = false, false
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(s, time.Time{}, time.Time{}), ids(got.Documents))
	assert.Zero(t, f.emu.Count("GET /api/v2/tickets/{id}/comments"))
	for _, d := range got.Documents {
		require.Len(t, d.Sections, 1)
		assert.Contains(t, d.Sections[0].Text, "does not work")
	}
}

func TestPrivateCommentsLeftOut(t *testing.T) {
	gen := smallGen
	gen.Comments = 5 // the fourth is an internal note
	f := newFixture(t, gen, zendeskemu.Options{})
	s := f.settings()
	s.IncludeArticles = false
	c := f.connector(t, s, f.env())
	count := func(c *Connector) (notes int) {
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			for _, sec := range d.Sections {
				if strings.HasSuffix(sec.Heading, "(internal note)") {
					notes++
				}
			}
		}
		return notes
	}
	require.Positive(t, count(c))
	s.IncludePrivateComments = false
	assert.Zero(t, count(f.connector(t, s, f.env())))
}
