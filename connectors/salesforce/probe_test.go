package salesforce

import (
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

func TestProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 1, Accounts: 1}, salesforceemu.Options{})
		s := f.settings()
		s.Objects, s.Knowledge = []string{ObjectAccount, ObjectCase}, false
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		for _, r := range c.Probe(t.Context()) {
			assert.Equal(t, tributary.ProbePassed, r.Status, r.String())
		}

		// The user may not read Case: indexing fails naming it.
		user := f.data.Objects[salesforceemu.User].Records[0].ID()
		f.emu.Update(func(d *salesforceemu.Data) { d.Hidden[user] = []string{salesforceemu.Case, salesforceemu.GroupMember} })
		c, err = New(s, creds(0), f.env())
		require.NoError(t, err)
		rs := c.Probe(t.Context())
		require.Len(t, rs, 3)
		assert.Equal(t, tributary.ProbeFailed, rs[0].Status)
		assert.Equal(t, []string{"read Case"}, rs[0].Missing)
		assert.Error(t, c.Validate(t.Context()))

		// Group sync alone: GroupMember hidden.
		s.Objects = []string{ObjectAccount}
		c, err = New(s, creds(0), f.env())
		require.NoError(t, err)
		rs = c.Probe(t.Context())
		assert.Equal(t, tributary.ProbePassed, rs[0].Status)
		assert.Equal(t, tributary.ProbePassed, rs[1].Status)
		assert.Equal(t, tributary.CapGroupSync, rs[2].Capability)
		assert.Equal(t, tributary.ProbeFailed, rs[2].Status)
		assert.Equal(t, []string{"read GroupMember"}, rs[2].Missing)

		// The API disabled for the user: every capability fails.
		f.emu.Update(func(d *salesforceemu.Data) { d.NoAPI[user] = true })
		c, err = New(s, creds(0), f.env())
		require.NoError(t, err)
		for _, r := range c.Probe(t.Context()) {
			assert.Equal(t, tributary.ProbeFailed, r.Status, r.String())
			assert.ErrorIs(t, r.Err, tributary.ErrInsufficientPermissions)
		}
	})
}
