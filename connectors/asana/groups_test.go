package asana

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/asanaemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func TestGroupsAreWorkspaceMembersAndTeams(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	got := map[string][]string{}
	for g, err := range c.Groups(context.Background()) {
		require.NoError(t, err)
		got[g.ID] = g.MemberEmails
	}
	emails := func(gids []string) []string {
		var out []string
		for _, g := range gids {
			out = append(out, f.data.Users[g].Email)
		}
		return out
	}
	require.Len(t, got, 3)
	assert.ElementsMatch(t, emails(f.data.Workspaces[0].Members), got[workspaceGroup(asanaemu.WorkspaceGID)])
	for _, team := range f.data.Teams {
		assert.ElementsMatch(t, emails(team.Members), got[teamGroup(team.GID)], team.Name)
	}
}

func TestGroupsEndWithAnErrorWhenAListingFails(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	f.emu.FailEvery("GET /api/1.0/workspaces/{gid}/teams", 1, emulator.Fault{Status: http.StatusNotFound})
	c := f.connector(t, f.settings(), fast)
	var last error
	n := 0
	for _, err := range c.Groups(context.Background()) {
		last = err
		n++
	}
	require.ErrorIs(t, last, tributary.ErrNotFound)
	assert.Equal(t, 2, n, "the workspace's group, then the error")
}
