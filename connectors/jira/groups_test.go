package jira

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

func listGroups(t *testing.T, c tributary.Connector) ([]tributary.ExternalGroup, error) {
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
	// Ana, Chen and Eli show their addresses; Bo and Dara hide them.
	want := []tributary.ExternalGroup{
		{ID: "group:devs", Name: "devs", MemberEmails: []string{"chen@example.com"}},
		{ID: "group:editors", Name: "editors"},
		{ID: "group:jira-software-users", Name: "jira-software-users",
			MemberEmails: []string{"ana@example.com", "chen@example.com", "eli@example.com"}},
		{ID: "application-role:jira-software", Name: "Jira Software",
			MemberEmails: []string{"ana@example.com", "chen@example.com", "eli@example.com"}},
		{ID: "application-role:any", Name: "Any application role", GivesAnyoneAccess: true},
	}
	for _, deployment := range []string{Cloud, Server} {
		t.Run(deployment, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
				got, err := listGroups(t, f.connector(t, f.settings(deployment)))
				require.NoError(t, err)
				assert.Equal(t, want, got)
			})
		})
	}
}

func TestGroupsPaged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
		f.emu.Update(func(d *jiraemu.Data) {
			for i := range 120 {
				g := &jiraemu.Group{Name: fmt.Sprintf("team-%03d", i)}
				for range 60 { // more members than one page holds
					g.Users = append(g.Users, d.Users[0])
				}
				d.Groups = append(d.Groups, g)
			}
		})
		got, err := listGroups(t, f.connector(t, f.settings(Cloud)))
		require.NoError(t, err)
		assert.Len(t, got, 3+120+2)
		assert.Equal(t, []string{"ana@example.com"}, got[3].MemberEmails)
	})
}

func TestGroupsFaults(t *testing.T) {
	const other = "otherEmulatedToken"
	for _, tc := range []struct {
		name  string
		admin bool
		fault string
		want  error
	}{
		{name: "no permission to browse users", want: tributary.ErrInsufficientPermissions},
		{name: "members fail midway", admin: true, fault: "GET /rest/api/3/group/member", want: tributary.ErrTransient},
		{name: "groups fail on a later page", admin: true, fault: "GET /rest/api/3/group/bulk", want: tributary.ErrTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
				f.emu.AddAPIToken(f.data.Users[1], other)
				cred := f.credentials(Cloud)
				if !tc.admin {
					cred = Credentials{Email: f.data.Users[1].Email, APIToken: tributary.NewSecret(other)}
				}
				c, err := newConnector(f.settings(Cloud), cred, f.env(), fastRetry)
				require.NoError(t, err)
				if tc.fault != "" {
					f.emu.FailEvery(tc.fault, 1, emulator.Fault{Status: http.StatusBadGateway})
				}
				got, err := listGroups(t, c)
				assert.ErrorIs(t, err, tc.want)
				assert.Empty(t, got)
				assert.NotContains(t, err.Error(), testAPIToken)
			})
		})
	}
}

func TestGroupsServerWithTooManyGroups(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
		f.emu.Update(func(d *jiraemu.Data) {
			for i := range maxPickedGroups {
				d.Groups = append(d.Groups, &jiraemu.Group{Name: fmt.Sprintf("g%04d", i)})
			}
		})
		got, err := listGroups(t, f.connector(t, f.settings(Server)))
		assert.ErrorIs(t, err, tributary.ErrNotSupported)
		assert.Empty(t, got)
	})
}

func TestProbeGroups(t *testing.T) {
	const other = "otherEmulatedToken"
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 2}, jiraemu.Options{})
		f.emu.AddAPIToken(f.data.Users[1], other)
		f.emu.AddAPIToken(f.data.Users[2], other+"2")
		f.emu.Update(func(d *jiraemu.Data) { d.Users[2].BrowseUsers = true })
		probe := func(cred Credentials) tributary.ProbeResult {
			c, err := New(f.settings(Cloud), cred, f.env())
			require.NoError(t, err)
			got := tributary.Probe(t.Context(), c)
			require.Len(t, got, 3)
			assert.Equal(t, tributary.CapGroupSync, got[2].Capability)
			return got[2]
		}
		assert.Equal(t, tributary.ProbePassed, probe(f.credentials(Cloud)).Status)
		r := probe(Credentials{Email: f.data.Users[1].Email, APIToken: tributary.NewSecret(other)})
		assert.Equal(t, tributary.ProbeFailed, r.Status)
		assert.Equal(t, []string{"USER_PICKER"}, r.Missing)
		r = probe(Credentials{Email: f.data.Users[2].Email, APIToken: tributary.NewSecret(other + "2")})
		assert.Equal(t, tributary.ProbeFailed, r.Status)
		assert.Equal(t, []string{"ADMINISTER"}, r.Missing)
		f.emu.FailNext("GET /rest/api/3/group/bulk", 1000, emulator.Fault{Status: http.StatusBadGateway})
		assert.Equal(t, tributary.ProbeIndeterminate, probe(f.credentials(Cloud)).Status)
	})
}
