package github

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

func listGroups(t *testing.T, c *Connector) ([]tributary.ExternalGroup, error) {
	t.Helper()
	var out []tributary.ExternalGroup
	for g, err := range tributary.Groups(t.Context(), c) {
		if err != nil {
			return out, err
		}
		out = append(out, g)
	}
	return out, nil
}

func TestGroups(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, githubemu.GenerateOptions{Repos: 2, Items: 2, Seed: 3}, githubemu.Options{})
		f.emu.Update(func(d *githubemu.Data) {
			d.Repos[1].Teams = append(d.Repos[1].Teams, githubemu.Team{ID: 9, Slug: "ops", Name: "Ops", Members: d.Users[4:7]})
		})
		c := f.connector(t, f.settings("acme/repo-000", "acme/repo-001"), f.env())
		got, err := listGroups(t, c)
		require.NoError(t, err)
		// ana, chen and eli show their addresses; bo, dara and fay do not.
		assert.Equal(t, []tributary.ExternalGroup{
			{ID: "team:acme/engineering", Name: "Engineering", MemberEmails: []string{"ana@acme.example", "chen@acme.example"}},
			{ID: "team:acme/ops", Name: "Ops", MemberEmails: []string{"eli@acme.example"}},
		}, got)
	})
}

func TestGroupsFaults(t *testing.T) {
	const noOrg = "ghp_noreadorg0123456789"
	for _, tc := range []struct {
		name  string
		token string
		fault string
		want  error
	}{
		{name: "token without read:org", token: noOrg, want: tributary.ErrInsufficientPermissions},
		{name: "members fail midway", token: testToken, fault: "GET /orgs/{org}/teams/{team_slug}/members", want: tributary.ErrTransient},
		{name: "a member's profile fails", token: testToken, fault: "/users/ana", want: tributary.ErrTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 2, Seed: 3}, githubemu.Options{})
				p := githubemu.FullAccess()
				p.Members = false
				f.emu.AddToken(noOrg, githubemu.Token{User: f.data.Users[1], Permissions: p, Classic: true})
				c, err := New(f.settings("acme/repo-000"), Credentials{Token: tributary.NewSecret(tc.token)}, f.env())
				require.NoError(t, err)
				if tc.fault != "" {
					// The owner's look-up and the team listing pass; what
					// follows fails.
					f.emu.FailEvery(tc.fault, 1, githubemu.BadGateway)
				}
				got, err := listGroups(t, c)
				assert.ErrorIs(t, err, tc.want)
				assert.Empty(t, got, "no partial listing")
				assert.NotContains(t, err.Error(), tc.token)
			})
		})
	}
}

func TestGroupsOfAUser(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 2, Seed: 3}, githubemu.Options{})
		s := f.settings()
		s.Owner = "ana"
		got, err := listGroups(t, f.connector(t, s, f.env()))
		require.NoError(t, err)
		assert.Empty(t, got, "a user account has no teams")
	})
}

func TestProbeGroups(t *testing.T) {
	const noOrg = "ghp_noreadorg0123456789"
	const fineNoOrg = "github_pat_noreadorg0123456789"
	for _, tc := range []struct {
		name    string
		token   string
		fault   bool
		want    tributary.ProbeStatus
		missing []string
	}{
		{name: "full access", token: testToken, want: tributary.ProbePassed},
		{name: "classic without read:org", token: noOrg, want: tributary.ProbeFailed, missing: []string{"read:org"}},
		{name: "fine-grained without members", token: fineNoOrg, want: tributary.ProbeFailed,
			missing: []string{"Members (read) organization permission on acme"}},
		{name: "server errors", token: testToken, fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 2, Seed: 3}, githubemu.Options{})
				p := githubemu.FullAccess()
				p.Members = false
				f.emu.AddToken(noOrg, githubemu.Token{User: f.data.Users[1], Permissions: p, Classic: true})
				f.emu.AddToken(fineNoOrg, githubemu.Token{User: f.data.Users[1], Permissions: p})
				c, err := New(f.settings("acme/repo-000"), Credentials{Token: tributary.NewSecret(tc.token)}, f.env())
				require.NoError(t, err)
				if tc.fault {
					f.emu.FailNext("GET /orgs/{org}/teams", 1000, githubemu.BadGateway)
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				assert.Equal(t, tributary.CapGroupSync, got[2].Capability)
				assert.Equal(t, tc.want, got[2].Status, "group sync: %v", got[2].Err)
				assert.Equal(t, tc.missing, got[2].Missing)
			})
		})
	}
}
