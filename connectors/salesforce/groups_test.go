package salesforce

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// Groups lists every active user as "users", the public group with its
// members, the role with the users who hold it, and the queue with its
// own members and those of the group nested in it; inactive users are
// left out. Users come in batches of 3, through a locator.
func TestGroupsOfTheOrg(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 1}, salesforceemu.Options{BatchSize: 3})
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		got := map[string]tributary.ExternalGroup{}
		for g, err := range c.Groups(t.Context()) {
			require.NoError(t, err)
			got[g.ID] = g
		}
		id := func(dev string) string {
			for _, r := range f.data.Objects[salesforceemu.Group].Records {
				if r.Fields["DeveloperName"] == dev {
					return groupID(r.ID())
				}
			}
			return ""
		}
		require.Len(t, got, 4)
		assert.True(t, got[GroupUsers].GivesAnyoneAccess)
		assert.Equal(t, []string{"integration@acme.example", "user1@acme.example", "user2@acme.example", "user3@acme.example"}, got[GroupUsers].MemberEmails)
		assert.Equal(t, "Sales", got[id("Sales")].Name)
		assert.Equal(t, []string{"integration@acme.example", "user2@acme.example"}, got[id("Sales")].MemberEmails)
		assert.Equal(t, []string{"user1@acme.example", "user3@acme.example"}, got[id("SupportManager")].MemberEmails, "the role's users")
		assert.Equal(t, []string{"integration@acme.example", "user2@acme.example"}, got[id("SupportQueue")].MemberEmails, "nested Sales; its own member is inactive")
		assert.Positive(t, f.emu.Count("GET /services/data/{version}/query/{locator}"), "users paged")
	})
}

// A malformed member ends the listing with ErrMalformedResponse; a
// refused query with its kind.
func TestGroupsEndWithAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 1}, salesforceemu.Options{})
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		f.emu.AnswerNext("/services/data/v61.0/query", 1, http.StatusOK, `{"totalSize":1,"done":true,"records":[{"Email":"a@b.c"}]}`)
		var last error
		for _, err := range c.Groups(t.Context()) {
			last = err
		}
		require.ErrorIs(t, last, tributary.ErrMalformedResponse)
		f.emu.AnswerNext("/services/data/v61.0/query", 3, http.StatusBadRequest, `[{"message":"sObject type 'GroupMember' is not supported.","errorCode":"INVALID_TYPE"}]`)
		for _, err := range c.Groups(t.Context()) {
			last = err
		}
		require.ErrorIs(t, last, tributary.ErrInsufficientPermissions)
	})
}
