package jira

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

func TestProbe(t *testing.T) {
	const other = "otherEmulatedToken"
	for _, tc := range []struct {
		name     string
		admin    bool
		projects []string
		fault    bool
		want     tributary.ProbeStatus
	}{
		{name: "admin, a project", admin: true, projects: []string{"P00"}, want: tributary.ProbePassed},
		{name: "admin, every project", admin: true, want: tributary.ProbePassed},
		{name: "not admin, a project", projects: []string{"P00"}, want: tributary.ProbeFailed},
		{name: "not admin, every project", want: tributary.ProbeFailed},
		{name: "server errors", admin: true, projects: []string{"P00"}, fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
				f.emu.AddAPIToken(f.data.Users[1], other)
				s := f.settings(Cloud, tc.projects...)
				if len(tc.projects) > 0 {
					s.Projects = []string{f.data.Projects[0].Key}
				}
				cred := f.credentials(Cloud)
				if !tc.admin {
					cred = Credentials{Email: f.data.Users[1].Email, APIToken: tributary.NewSecret(other)}
				}
				c, err := New(s, cred, f.env())
				require.NoError(t, err)
				if tc.fault {
					f.emu.FailNext("GET /rest/api/3/project/{key}/permissionscheme", 1000, emulator.Fault{Status: http.StatusBadGateway})
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				assert.Equal(t, tributary.CapAccessSync, got[1].Capability)
				assert.Equal(t, tc.want, got[1].Status, "access sync: %v", got[1].Err)
				if tc.want == tributary.ProbeFailed {
					assert.Equal(t, []string{"ADMINISTER"}, got[1].Missing)
				}
			})
		})
	}
}
