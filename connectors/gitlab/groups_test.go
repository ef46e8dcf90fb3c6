package gitlab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

func TestGroupsListInheritedMembersWithKnownAddresses(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	f.data.Admins = nil
	c := f.connector(t, f.settings([]string{"acme/team-00"}), f.env())
	got := map[string]tributary.ExternalGroup{}
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		got[g.ID] = g
	}
	assert.True(t, got[InternalGroup].GivesAnyoneAccess)
	// ana owns acme (public address), bo develops in it (no public
	// address), chen maintains team-00 (public address).
	assert.Equal(t, []string{"ana@acme.example", "chen@acme.example"}, got["group:acme/team-00"].MemberEmails)
	assert.Contains(t, got, "group:acme/team-00/core")
	assert.Contains(t, got, "group:partners", "a group a private project is shared with")
}
