package bitbucket

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

var accessGen = bitbucketemu.GenerateOptions{Workspaces: 2, Repositories: 3, PullRequests: 4, PrivateEvery: 2, Seed: 9}

func groupsOf(t *testing.T, c *Connector) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		_, dup := out[g.ID]
		require.False(t, dup, "group %s listed twice", g.ID)
		out[g.ID] = g.MemberEmails
	}
	return out
}

// An administrator's app password reads repository permissions: private
// repositories' documents name their own group, whose members are the
// users given a permission, named by the addresses they were looked up by.
func TestAccessAndGroupsAsAdministrator(t *testing.T) {
	f := newFixture(t, accessGen, bitbucketemu.Options{})
	s := f.settings([]string{"acme"}, "globex/repo-000")
	s.MemberEmails = []string{"ana@example.com", "bo@example.com", "chen@example.com", "fay@example.com"}
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, s, env)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		repo := d.Metadata.Get(MetaRepository)
		switch repo {
		case "acme/repo-001":
			assert.Equal(t, &tributary.ExternalAccess{Public: true}, d.ExternalAccess, d.ID)
		default:
			assert.Equal(t, &tributary.ExternalAccess{GroupIDs: []string{RepositoryGroup(repo)}}, d.ExternalAccess, d.ID)
			assert.Equal(t, "repository", d.Metadata.Get(MetaAccessBasis))
		}
	}
	assert.Equal(t, map[string][]string{
		"workspace:acme":             {"ana@example.com", "bo@example.com", "chen@example.com"},
		"repository:acme/repo-000":   {"bo@example.com", "chen@example.com"},
		"repository:acme/repo-002":   {"bo@example.com", "chen@example.com"},
		"workspace:globex":           {"ana@example.com", "bo@example.com", "chen@example.com"},
		"repository:globex/repo-000": {"bo@example.com", "chen@example.com"},
	}, groupsOf(t, c))
}

// A member's app password may not read repository permissions: private
// repositories' documents fall back to the workspace's members, marked so,
// with one probe per workspace; group sync lists the workspaces' groups
// without members, since only administrators may look members up.
func TestAccessFallsBackToWorkspaceMembers(t *testing.T) {
	f := newFixture(t, accessGen, bitbucketemu.Options{})
	f.emu.AddAppPassword("bo", "bo-password", f.data.Users[1])
	s := f.settings([]string{"acme"})
	s.MemberEmails = []string{"bo@example.com"}
	env := f.env()
	env.WantPermissions = true
	c, err := New(s, Credentials{Username: "bo", AppPassword: tributary.NewSecret("bo-password")}, env)
	require.NoError(t, err)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	private := 0
	for _, d := range got.Documents {
		if d.ExternalAccess.Public {
			continue
		}
		private++
		assert.Equal(t, []string{"workspace:acme"}, d.ExternalAccess.GroupIDs)
		assert.Equal(t, "workspace", d.Metadata.Get(MetaAccessBasis))
	}
	assert.Positive(t, private)
	assert.Equal(t, 1, f.emu.Count("GET /2.0/workspaces/{ws}/permissions/repositories/{slug}"), "probed once per workspace")
	assert.Equal(t, map[string][]string{"workspace:acme": nil}, groupsOf(t, c))
}
