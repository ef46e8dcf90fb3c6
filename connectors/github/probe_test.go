package github

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

func TestProbe(t *testing.T) {
	const limited = "ghp_nocollaborators0123456789"
	const fine = "github_pat_finegrained0123456789"
	for _, tc := range []struct {
		name    string
		token   string
		fault   bool
		want    tributary.ProbeStatus
		missing []string
	}{
		{name: "full access", token: testToken, want: tributary.ProbePassed},
		{name: "classic without push", token: limited, want: tributary.ProbeFailed, missing: []string{"repo"}},
		{name: "fine-grained without push", token: fine, want: tributary.ProbeFailed, missing: []string{"push access to acme/repo-000"}},
		{name: "server errors", token: testToken, fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 2, Seed: 3}, githubemu.Options{})
				noPush := githubemu.FullAccess()
				noPush.Collaborators = false
				f.emu.AddToken(limited, githubemu.Token{User: f.data.Users[1], Permissions: noPush, Classic: true})
				f.emu.AddToken(fine, githubemu.Token{User: f.data.Users[1], Permissions: noPush})
				c, err := New(f.settings("acme/repo-000"), Credentials{Token: tributary.NewSecret(tc.token)}, f.env())
				require.NoError(t, err)
				if tc.fault {
					f.emu.FailNext("GET /repos/{owner}/{repo}/collaborators", 1000, githubemu.BadGateway)
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				assert.Equal(t, tributary.ProbePassed, got[0].Status, "indexing: %v", got[0].Err)
				assert.Equal(t, tributary.CapAccessSync, got[1].Capability)
				assert.Equal(t, tc.want, got[1].Status, "access sync: %v", got[1].Err)
				assert.Equal(t, tc.missing, got[1].Missing)
			})
		})
	}
}
