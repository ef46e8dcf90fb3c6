package jira

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// Browse projects grants become external access: groups and role groups as
// group ids, users and role users by their visible e-mail addresses, the
// reporter per issue, "anyone" as public; an issue under a security level
// admits nobody; an account that may not read schemes gets a failure and
// documents that admit nobody.
func TestExternalAccessFromPermissionSchemes(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		f := newFixture(t, jiraemu.GenerateOptions{Projects: 3, Issues: 8, Seed: 18}, jiraemu.Options{})
		f.emu.Update(func(d *jiraemu.Data) {
			d.Project("AAA").Grants = append(d.Project("AAA").Grants, jiraemu.Grant{Permission: "BROWSE_PROJECTS", Type: "user", Parameter: d.Users[4].AccountID})
			if deployment == Server {
				d.Project("AAA").Grants[len(d.Project("AAA").Grants)-1].Parameter = d.Users[4].Name
			}
			d.Issue("AAA-2").SecurityLevel = "Staff only"
		})
		s := f.settings(deployment)
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(s, f.credentials(deployment), env, fastRetry)
		require.NoError(t, err)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Empty(t, got.Failures)
		require.Len(t, got.Nodes, 3)
		wantBase := &tributary.ExternalAccess{GroupIDs: []string{"group:devs", "group:jira-software-users"},
			UserEmails: []string{"chen@example.com", "eli@example.com"}} // Dara, in the role, hides her address
		assert.Equal(t, wantBase, got.Nodes[0].ExternalAccess, deployment)
		assert.True(t, got.Nodes[2].ExternalAccess.Public, "AAC grants anyone")
		for _, d := range got.Documents {
			is := f.data.Issue(d.Metadata.Get(MetaKey))
			require.NotNil(t, d.ExternalAccess, d.ID)
			if is.Key == "AAA-2" {
				assert.Equal(t, &tributary.ExternalAccess{}, d.ExternalAccess, "a security level admits nobody")
				continue
			}
			assert.Contains(t, d.ExternalAccess.GroupIDs, "group:jira-software-users")
			if !is.Reporter.HideEmail {
				assert.Contains(t, d.ExternalAccess.UserEmails, strings.ToLower(is.Reporter.Email), "the reporter may browse")
			}
		}
		slim := map[string]*tributary.ExternalAccess{}
		for sd, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
			require.NoError(t, err)
			slim[sd.ID] = sd.ExternalAccess
		}
		for _, d := range got.Documents {
			assert.Equal(t, d.ExternalAccess, slim[d.ID], "slim access equals load access for %s", d.ID)
		}

		// Without Administer Jira the schemes cannot be read.
		f.emu.Update(func(d *jiraemu.Data) { d.Users[0].Admin = false })
		got = collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Len(t, got.Failures, 3)
		for _, d := range got.Documents {
			assert.Equal(t, &tributary.ExternalAccess{}, d.ExternalAccess)
		}
	}
}
