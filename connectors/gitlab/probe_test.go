package gitlab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

func TestProbe(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	c := f.connector(t, f.settings([]string{"acme"}), f.env())
	res := c.Probe(t.Context())
	require.Len(t, res, 3)
	for _, r := range res {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.String())
	}

	f.emu.AddToken("glpat-useronly", gitlabemu.Token{User: f.data.Users[0], Scopes: []string{"read_user"}})
	weak, err := New(f.settings([]string{"acme"}), Credentials{Token: tributary.NewSecret("glpat-useronly")}, f.env())
	require.NoError(t, err)
	res = weak.Probe(t.Context())
	require.Len(t, res, 3)
	assert.Equal(t, tributary.ProbeFailed, res[0].Status)
	assert.Equal(t, tributary.ProbeFailed, res[1].Status)
	assert.Equal(t, []string{"read_api"}, res[1].Missing)
}
