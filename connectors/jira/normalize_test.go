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

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 2, Issues: 15}, jiraemu.Options{})
	for _, dep := range []string{Cloud, Server} {
		c := f.connector(t, f.settings(dep))
		ctx := context.Background()
		got := collect(ctx, c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.NotEmpty(t, got.Documents)
		for _, d := range got.Documents {
			key := d.Metadata.Get(MetaKey)
			project, _, _ := strings.Cut(key, "-")
			for _, v := range []string{
				d.ID,
				d.ID + "?focusedCommentId=10001#comment-10001",
				strings.Replace(d.ID, "/browse/"+key, "/browse/"+strings.ToLower(key), 1),
				strings.ToUpper(testSite) + "/browse/" + key,
				testSite + "/jira/software/projects/" + project + "/boards/1?selectedIssue=" + key,
				testSite + "/issues/?jql=order+by+created&selectedIssue=" + key,
				testSite + "/projects/" + project + "/issues/" + key,
			} {
				id, err := tributary.NormalizeURL(ctx, c, v)
				if assert.NoError(t, err, v) {
					assert.Equal(t, d.ID, id, v)
				}
			}
		}
	}
}

func TestNormalizeURLRefusesOthers(t *testing.T) {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 1, Issues: 1}, jiraemu.Options{})
	c := f.connector(t, f.settings(Cloud, "ENG"))
	for raw, kind := range map[string]error{
		"https://other.atlassian.net/browse/ENG-1": tributary.ErrForeignURL,
		"http://acme.atlassian.test/browse/ENG-1":  tributary.ErrForeignURL,
		testSite + "/browse/OPS-1":                 tributary.ErrForeignURL,
		"%zz":                                      tributary.ErrForeignURL,
		testSite + "/browse/ENG":                   tributary.ErrNotSupported,
		testSite + "/browse/ENG-0":                 tributary.ErrNotSupported,
		testSite + "/secure/Dashboard.jspa":        tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}
