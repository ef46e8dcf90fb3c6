package linear

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// A private team's issues are open to its members' group, a public team's
// to the workspace; groups list the workspace and each private team with
// its active members, read 100 a page.
func TestAccessAndGroups(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		var private *linearemu.Team
		before := 0
		f.emu.Update(func(d *linearemu.Data) {
			private = d.Teams[len(d.Teams)-1]
			before = len(private.Members)
			for i := range 230 {
				u := &linearemu.User{ID: fmt.Sprintf("m%d", i), Name: "Member", Email: fmt.Sprintf("Member%d@Acme.test", i), Active: i%10 != 0}
				d.Users = append(d.Users, u)
				private.Members = append(private.Members, u)
			}
		})
		require.True(t, private.Private)
		env := f.env()
		env.WantPermissions = true
		c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, env)
		require.NoError(t, err)
		r := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, r.Err)
		for _, d := range r.Documents {
			require.NotNil(t, d.ExternalAccess, d.ID)
			if d.Metadata.Get(MetaKind) == "issue" && d.Metadata.Get(MetaTeam) == private.Key {
				assert.Equal(t, []string{"team:" + private.ID}, d.ExternalAccess.GroupIDs, d.ID)
			} else if d.Metadata.Get(MetaKind) == "issue" {
				assert.Equal(t, []string{WorkspaceGroup}, d.ExternalAccess.GroupIDs, d.ID)
			}
		}
		var groups []tributary.ExternalGroup
		for g, err := range tributary.Groups(t.Context(), c) {
			require.NoError(t, err)
			groups = append(groups, g)
		}
		require.Len(t, groups, 2)
		assert.True(t, groups[0].GivesAnyoneAccess)
		assert.Equal(t, "team:"+private.ID, groups[1].ID)
		assert.Len(t, groups[1].MemberEmails, before+207, "active members with an address, lower-cased")
		assert.Contains(t, groups[1].MemberEmails, "member1@acme.test")
		assert.NotContains(t, groups[1].MemberEmails, "member10@acme.test", "inactive members are left out")
	})
}

// An OAuth token without the read scope fails every capability with
// "read" missing; an API key passes them all.
func TestProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		f.emu.AddOAuthToken("lin_oauth_noread", f.data.Users[0], "write")
		for cred, want := range map[string]tributary.ProbeStatus{"api key": tributary.ProbePassed, "no read": tributary.ProbeFailed, "oauth": tributary.ProbePassed} {
			creds := Credentials{APIKey: tributary.NewSecret(testKey)}
			switch cred {
			case "no read":
				creds = Credentials{AccessToken: tributary.NewSecret("lin_oauth_noread")}
			case "oauth":
				creds = Credentials{AccessToken: tributary.NewSecret(testOAuth)}
			}
			c, err := New(testSettings(), creds, f.env())
			require.NoError(t, err)
			if want == tributary.ProbeFailed {
				require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrInsufficientPermissions)
			} else {
				require.NoError(t, c.Validate(t.Context()))
			}
			rs := c.Probe(t.Context())
			require.Len(t, rs, 3, cred)
			for _, r := range rs {
				assert.Equal(t, want, r.Status, "%s: %s", cred, r)
				if want == tributary.ProbeFailed {
					assert.Equal(t, []string{"read"}, r.Missing)
				}
			}
		}
	})
}
