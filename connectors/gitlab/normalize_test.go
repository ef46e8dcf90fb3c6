package gitlab

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	c := f.connector(t, f.settings([]string{"acme/team-00"}), f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	kinds := map[string]bool{}
	for _, d := range got.Documents {
		variants := []string{d.ID, d.ID + "#note_12345", d.ID + "?view=inline", " " + d.ID + "\n", strings.Replace(d.ID, "/-/", "/", 1)}
		switch {
		case strings.Contains(d.ID, "/-/merge_requests/"):
			kinds[kindMRs] = true
			variants = append(variants, d.ID+"/diffs", d.ID+"/diffs#abc_1_2", d.ID+"/commits", d.ID+"/pipelines")
		case strings.Contains(d.ID, "/-/issues/"):
			kinds[kindIssues] = true
			variants = append(variants, d.ID+"/")
		default:
			kinds[kindWiki] = true
		}
		for _, v := range variants {
			id, err := tributary.NormalizeURL(t.Context(), c, v)
			if assert.NoError(t, err, v) {
				assert.Equal(t, d.ID, id, v)
			}
		}
	}
	assert.Len(t, kinds, 3, "issues, merge requests and wiki pages are all tried")
}

func TestNormalizeURLRefusesOthers(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	s := f.settings([]string{"acme/team-00"})
	s.IncludeWiki = false
	c := f.connector(t, s, f.env())
	for raw, kind := range map[string]error{
		testBase + "/acme/other/-/issues/1":                          tributary.ErrForeignURL,
		"https://gitlab.invalid/acme/team-00/project-000/-/issues/1": tributary.ErrForeignURL,
		"ftp://" + strings.TrimPrefix(testBase, "http://") + "/a/b":  tributary.ErrForeignURL,
		"::not a url": tributary.ErrForeignURL,
		testBase + "/acme/team-00/project-000/-/wikis/home":          tributary.ErrForeignURL, // wiki pages are not read
		testBase + "/acme/team-00/project-000/-/issues":              tributary.ErrNotSupported,
		testBase + "/acme/team-00/project-000/-/issues/0":            tributary.ErrNotSupported,
		testBase + "/acme/team-00/project-000/-/issues/01":           tributary.ErrNotSupported,
		testBase + "/acme/team-00/project-000/-/pipelines/7":         tributary.ErrNotSupported,
		testBase + "/acme/team-00/project-000/-/blob/main/README.md": tributary.ErrNotSupported,
		testBase + "/acme/team-00/project-000":                       tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(t.Context(), raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}
