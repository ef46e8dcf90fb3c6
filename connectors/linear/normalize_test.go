package linear

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// The addresses Linear shows (with title slugs, tabs, comment fragments)
// map to the ids Load gives.
func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	f := newFixture(t, linearemu.GenerateOptions{Teams: 2, Issues: 6, Projects: 2, Documents: 2, Seed: 5}, linearemu.Options{})
	c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
	require.NoError(t, err)
	pairs := map[string]string{}
	for _, is := range f.data.Issues[:3] {
		u := f.data.IssueURL(is)
		pairs[u] = f.data.IssueID(is)
		pairs[u+"#comment-1a2b3c4d"] = f.data.IssueID(is)
		pairs[strings.Replace(u, "/issue/"+is.Identifier(), "/issue/"+strings.ToLower(is.Identifier()), 1)] = f.data.IssueID(is)
		pairs[" "+f.data.IssueID(is)+"\n"] = f.data.IssueID(is)
	}
	for _, p := range f.data.Projects {
		pairs[f.data.ProjectURL(p)] = f.data.ProjectID(p)
		pairs[f.data.ProjectURL(p)+"/overview"] = f.data.ProjectID(p)
		pairs[f.data.ProjectID(p)] = f.data.ProjectID(p)
	}
	for _, d := range f.data.Documents {
		pairs[f.data.DocumentURL(d)+"?x=1"] = f.data.DocumentID(d)
	}
	for raw, want := range pairs {
		got, err := tributary.NormalizeURL(t.Context(), c, raw)
		if assert.NoError(t, err, raw) {
			assert.Equal(t, want, got, raw)
		}
	}
	ws := linearemu.WebBase + "/" + f.data.Org.URLKey
	for raw, kind := range map[string]error{
		"https://github.com/acme/x/issues/1":     tributary.ErrForeignURL,
		linearemu.WebBase + "/other/issue/ENG-1": tributary.ErrForeignURL,
		ws + "/issue/ENG":                        tributary.ErrNotSupported,
		ws + "/team/ENG/active":                  tributary.ErrNotSupported,
		ws + "/project/no-short-id":              tributary.ErrNotSupported,
		ws:                                       tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(t.Context(), raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}
