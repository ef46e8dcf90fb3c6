package bitbucket

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

func TestProbe(t *testing.T) {
	f := newFixture(t, accessGen, bitbucketemu.Options{})
	s := f.settings([]string{"acme"})
	s.MemberEmails = []string{"bo@example.com"}
	res := f.connector(t, s, f.env()).Probe(t.Context())
	require.Len(t, res, 3)
	for _, r := range res {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.String())
	}

	// A repository access token reads its repository's pull requests, but
	// neither its permissions nor members by address.
	f.emu.AddAccessToken(testToken, bitbucketemu.AccessToken{Workspace: "acme", Repository: "repo-000"})
	rs := f.settings(nil, "acme/repo-000")
	rs.MemberEmails = s.MemberEmails
	c, err := New(rs, Credentials{AccessToken: tributary.NewSecret(testToken)}, f.env())
	require.NoError(t, err)
	res = c.Probe(t.Context())
	require.Len(t, res, 3)
	assert.Equal(t, tributary.ProbePassed, res[0].Status, res[0].String())
	assert.Equal(t, tributary.ProbeFailed, res[1].Status, res[1].String())
	assert.Equal(t, []string{"workspace admin"}, res[1].Missing)
	assert.Equal(t, tributary.ProbeFailed, res[2].Status, res[2].String())

	// Rejected credentials fail everything.
	bad, err := New(rs, Credentials{AccessToken: tributary.NewSecret("revoked")}, f.env())
	require.NoError(t, err)
	for _, r := range bad.Probe(t.Context()) {
		assert.Equal(t, tributary.ProbeFailed, r.Status, r.String())
		assert.ErrorIs(t, r.Err, tributary.ErrCredentialExpired)
	}
}

// Validate classifies what is wrong: rejected credentials, a repository
// that does not exist or is hidden, and credentials without access to
// pull requests.
func TestValidateClassifies(t *testing.T) {
	f := newFixture(t, accessGen, bitbucketemu.Options{})
	require.NoError(t, f.connector(t, f.settings([]string{"acme", "globex"}), f.env()).Validate(t.Context()))

	missing := f.connector(t, f.settings(nil, "acme/nope"), f.env())
	assert.ErrorIs(t, missing.Validate(t.Context()), tributary.ErrNotFound)

	f.emu.AddAppPassword("fay", "fay-password", f.data.Users[5])
	outsider, err := New(f.settings(nil, "acme/repo-000"), Credentials{Username: "fay", AppPassword: tributary.NewSecret("fay-password")}, f.env())
	require.NoError(t, err)
	assert.ErrorIs(t, outsider.Validate(t.Context()), tributary.ErrNotFound, "a private repository is hidden, not forbidden")

	wrong, err := New(f.settings([]string{"acme"}), Credentials{Username: testUser, AppPassword: tributary.NewSecret("wrong-password")}, f.env())
	require.NoError(t, err)
	err = wrong.Validate(t.Context())
	assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "wrong-password")

	f.emu.FailEvery("GET /2.0/repositories/{ws}/{slug}/pullrequests", 1, bitbucketemu.Forbidden)
	noScope := f.connector(t, f.settings(nil, "acme/repo-001"), f.env())
	assert.ErrorIs(t, noScope.Validate(t.Context()), tributary.ErrInsufficientPermissions)
}
