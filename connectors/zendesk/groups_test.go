package zendesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

func TestGroupsNameEveryAccessGroup(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	c := f.connector(t, f.settings(), f.env())
	got := map[string]tributary.ExternalGroup{}
	for g, err := range tributary.Groups(t.Context(), c) {
		require.NoError(t, err)
		got[g.ID] = g
	}
	agents := []string{"user0@example.com", "user1@example.com", "user2@example.com", "user3@example.com"}
	assert.Equal(t, agents, got[GroupAgents].MemberEmails)
	assert.Equal(t, []string{"user0@example.com", "user1@example.com", "user2@example.com"}, got["group:200"].MemberEmails)
	assert.Equal(t, []string{"user2@example.com", "user3@example.com"}, got["group:201"].MemberEmails)
	assert.True(t, got["segment:300"].GivesAnyoneAccess)
	assert.Equal(t, []string{"user2@example.com", "user3@example.com"}, got["segment:301"].MemberEmails)
	assert.Equal(t, []string{"user4@example.com", "user5@example.com"}, got["organization:400"].MemberEmails)
	assert.Empty(t, got["organization:401"].MemberEmails, "an organization that does not share its tickets")
	assert.Len(t, got, 7)
}

func TestProbe(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	f.emu.AddAPIToken("user4@example.com", testToken)
	s := f.settings()
	s.IncludeTickets = false
	c, err := newConnector(s, Credentials{Email: "user4@example.com", APIToken: tributary.NewSecret(testToken)}, f.env(), options{rate: 1000})
	require.NoError(t, err)
	for _, r := range c.Probe(t.Context()) {
		assert.Equal(t, tributary.ProbeFailed, r.Status, r.String())
	}
	for _, r := range f.connector(t, f.settings(), f.env()).Probe(t.Context()) {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.String())
	}
}
