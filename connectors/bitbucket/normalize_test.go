package bitbucket

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 1}, bitbucketemu.Options{})
	c := f.connector(t, f.settings([]string{"acme"}, "globex/api"), f.env())
	want := testWeb + "/acme/repo-000/pull-requests/12"
	for _, in := range []string{
		want,
		testWeb + "/acme/repo-000/pull-requests/12/diff",
		testWeb + "/ACME/Repo-000/pull-requests/12/some-title/commits?w=1#comment-99",
		"HTTP://BITBUCKET.TEST/acme/repo-000/pull-requests/12#chg-main.go",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	got, err := c.NormalizeURL(t.Context(), testWeb+"/globex/api/pull-requests/3/activity")
	require.NoError(t, err)
	assert.Equal(t, testWeb+"/globex/api/pull-requests/3", got)

	for in, kind := range map[string]error{
		testWeb + "/globex/other/pull-requests/3":       tributary.ErrForeignURL,
		"https://github.com/acme/x/pull/1":              tributary.ErrForeignURL,
		testWeb + "/acme/repo-000":                      tributary.ErrNotSupported,
		testWeb + "/acme/repo-000/pull-requests":        tributary.ErrNotSupported,
		testWeb + "/acme/repo-000/pull-requests/x":      tributary.ErrNotSupported,
		testWeb + "/acme/repo-000/pull-requests/0/diff": tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, kind, in)
	}
}
