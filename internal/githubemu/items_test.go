package githubemu

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetIssueAndPull(t *testing.T) {
	s, srv := newTestServer(t, Options{})
	var issue, pr *Item
	s.Update(func(d *Data) {
		for _, it := range d.Repo("acme/repo-000").Items {
			switch {
			case it.PR && pr == nil:
				pr = it
			case !it.PR && issue == nil:
				issue = it
			}
		}
	})
	require.NotNil(t, issue)
	require.NotNil(t, pr)
	base := srv.URL + "/repos/acme/repo-000"

	var ij issueJSON
	require.Equal(t, http.StatusOK, get(t, base+"/issues/"+itoa(issue.Number), "good", &ij).StatusCode)
	assert.Equal(t, issue.Number, ij.Number)
	assert.Nil(t, ij.PullRequest)

	var pj pullJSON
	require.Equal(t, http.StatusOK, get(t, base+"/pulls/"+itoa(pr.Number), "good", &pj).StatusCode)
	assert.Equal(t, pr.Number, pj.Number)
	assert.Contains(t, pj.HTMLURL, "/pull/")

	require.Equal(t, http.StatusOK, get(t, base+"/issues/"+itoa(pr.Number), "good", &ij).StatusCode)
	assert.NotNil(t, ij.PullRequest, "the issues endpoint answers pull requests too")
	assert.Equal(t, http.StatusNotFound, get(t, base+"/pulls/"+itoa(issue.Number), "good", nil).StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, base+"/issues/999999", "good", nil).StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, base+"/issues/01", "good", nil).StatusCode)

	s.Update(func(*Data) { issue.Deleted = true })
	assert.Equal(t, http.StatusGone, get(t, base+"/issues/"+itoa(issue.Number), "good", nil).StatusCode)
	var listed []issueJSON
	get(t, base+"/issues?state=all&per_page=100", "good", &listed)
	for _, j := range listed {
		assert.NotEqual(t, issue.Number, j.Number, "a deleted issue leaves the listing")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
