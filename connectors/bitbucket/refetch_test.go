package bitbucket

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

func TestRefetch(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 6, Comments: 4, Seed: 12}, bitbucketemu.Options{})
	s := f.settings(nil, "acme/repo-000")
	s.States = []string{StateOpen, StateMerged, StateDeclined, StateSuperseded}
	c := f.connector(t, s, f.env())
	load := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, load.Err)
	byID := map[string]*tributary.Document{}
	for _, d := range load.Documents {
		byID[d.ID] = d
	}
	r0 := f.data.Repositories[0]
	first := bitbucketemu.PullRequestURL(testWeb, r0, r0.PullRequests[0])
	gone := testWeb + "/acme/repo-000/pull-requests/999"
	other := bitbucketemu.PullRequestURL(testWeb, f.data.Repositories[1], f.data.Repositories[1].PullRequests[0])
	broken := bitbucketemu.PullRequestURL(testWeb, r0, r0.PullRequests[1])
	f.emu.Update(func(d *bitbucketemu.Data) { d.Repositories[0].PullRequests[1].Broken = true })
	got := connectortest.CollectRefetch(t, t.Context(), c, first, gone, other, "https://example.com/x", broken)
	require.Len(t, got.ByID[first], 1)
	require.NotNil(t, got.ByID[first][0].Document)
	assert.Equal(t, byID[first].ContentHash(), got.ByID[first][0].Document.ContentHash(), "the same document as Load gave")
	assert.Equal(t, gone, got.ByID[gone][0].Deletion)
	assert.ErrorIs(t, got.ByID[other][0].Failure, tributary.ErrForeignURL)
	assert.ErrorIs(t, got.ByID["https://example.com/x"][0].Failure, tributary.ErrForeignURL)
	assert.ErrorIs(t, got.ByID[broken][0].Failure, tributary.ErrMalformedResponse)
	assert.Equal(t, []string{testWeb + "/acme", testWeb + "/acme/repo-000"}, got.Nodes, "the workspace's node and the repository's, once")

	// A state the settings leave out is a deletion.
	s.States = []string{StateOpen}
	narrow := f.connector(t, s, f.env())
	require.Equal(t, bitbucketemu.StateMerged, r0.PullRequests[4].State)
	merged := bitbucketemu.PullRequestURL(testWeb, r0, r0.PullRequests[4])
	got = connectortest.CollectRefetch(t, t.Context(), narrow, merged)
	assert.Equal(t, merged, got.ByID[merged][0].Deletion)
}
