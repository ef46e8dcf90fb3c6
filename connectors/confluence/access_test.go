package confluence

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// restrictedAbove returns the page's own restriction or the nearest
// ancestor's, as the emulator's data says.
func restrictedAbove(p *confluenceemu.Page) bool {
	for a := p; a != nil; a = a.Parent {
		if len(a.ReadUsers) > 0 || len(a.ReadGroups) > 0 {
			return true
		}
	}
	return false
}

// With permissions asked for, an unrestricted page admits its space's
// readers, and a page restricted itself or below a restricted ancestor
// admits only those the restrictions name (by visible e-mail).
func TestExternalAccess(t *testing.T) {
	f := newFixture(t, gen3, confluenceemu.Options{})
	env := f.env()
	env.WantPermissions = true
	c, err := newConnector(f.settings(), f.credentials(), env, fastRetry)
	require.NoError(t, err)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	byID := map[string]*tributary.Document{}
	for _, d := range got.Documents {
		byID[d.ID] = d
	}
	restricted, inherited := 0, 0
	for _, p := range f.data.Pages {
		d := byID[f.site()+confluenceemu.PageWebUI(confluenceemu.Cloud, p)]
		require.NotNil(t, d)
		require.NotNil(t, d.ExternalAccess)
		if restrictedAbove(p) {
			restricted++
			if len(p.ReadUsers) == 0 {
				inherited++
			}
			assert.Equal(t, []string{"ana@example.com"}, d.ExternalAccess.UserEmails, p.Title)
			assert.Equal(t, []string{"group:engineering"}, d.ExternalAccess.GroupIDs)
			assert.False(t, d.ExternalAccess.Public)
			continue
		}
		sp := p.Space
		want := []string{}
		for _, u := range sp.ReadUsers {
			if u.Email != "" {
				want = append(want, u.Email)
			}
		}
		assert.ElementsMatch(t, want, d.ExternalAccess.UserEmails)
		var groups []string
		for _, g := range sp.ReadGroups {
			groups = append(groups, "group:"+g)
		}
		assert.Equal(t, groups, d.ExternalAccess.GroupIDs)
		assert.Equal(t, sp.Anonymous, d.ExternalAccess.Public)
	}
	require.Positive(t, restricted)
	require.Positive(t, inherited, "the fixture has pages under restricted ones")
	for _, n := range got.Nodes {
		if n.Kind == tributary.NodeSpace {
			assert.NotNil(t, n.ExternalAccess)
		}
	}
}
