package gitlab

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

func TestRefetchAnswersEachIDOnce(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	c := f.connector(t, f.settings([]string{"acme/team-00"}), f.env())
	p := f.data.Project("acme/team-00/project-002")
	issue := gitlabemu.ItemURL(testBase, p, p.Issues[0])
	gone := gitlabemu.ItemURL(testBase, p, p.Issues[1])
	mr := gitlabemu.ItemURL(testBase, p, p.MergeRequests[0])
	page := gitlabemu.WikiURL(testBase, p, p.Wiki[1])
	outside := gitlabemu.ItemURL(testBase, f.data.Projects[0], f.data.Projects[0].Issues[0])
	f.emu.Update(func(d *gitlabemu.Data) { d.Projects[2].Issues[1] = nil })
	got := connectortest.Collect(c.Refetch(t.Context(), []string{issue, gone, mr, page, outside, testBase + "/acme/x/-/pipelines/1"}))
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, []string{issue, mr, page}, ids(got.Documents))
	assert.Equal(t, []string{gone}, got.Deletions)
	require.Len(t, got.Failures, 2)
	for _, fl := range got.Failures {
		assert.True(t, errors.Is(fl, tributary.ErrForeignURL), fl.Error())
	}
	require.NotEmpty(t, got.Nodes)
	assert.Empty(t, got.Checkpoints)
}
