package githubemu

import (
	"net/http"
	"strconv"
)

// getIssue serves GET /repos/{owner}/{repo}/issues/{num}, which answers
// pull requests too (with their pull_request object). A deleted issue, or
// any issue of a repository whose issues are turned off, answers 410 Gone.
func (s *Server) getIssue(c *call, _ http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token != nil && !c.token.Permissions.Issues {
		return forbidden("Resource not accessible by personal access token")
	}
	if r.IssuesDisabled {
		return http.StatusGone, errorJSON{Message: "Issues are disabled for this repo", DocumentationURL: "https://docs.github.com/rest/issues/issues#get-an-issue", Status: "410"}
	}
	it := itemAt(r, c.r.PathValue("num"))
	switch {
	case it == nil:
		return notFound()
	case it.Deleted:
		return http.StatusGone, errorJSON{Message: "This issue was deleted", DocumentationURL: "https://docs.github.com/rest/issues/issues#get-an-issue", Status: "410"}
	}
	return http.StatusOK, s.urls(c).issue(r, it)
}

// getPull serves GET /repos/{owner}/{repo}/pulls/{num}. The number of an
// issue answers 404, as on GitHub.
func (s *Server) getPull(c *call, _ http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token != nil && !c.token.Permissions.PullRequests {
		return forbidden("Resource not accessible by personal access token")
	}
	it := itemAt(r, c.r.PathValue("num"))
	if it == nil || !it.PR {
		return notFound()
	}
	return http.StatusOK, s.urls(c).pull(r, it)
}

// itemAt returns the repository's item of the number in the path, or nil.
func itemAt(r *Repo, num string) *Item {
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > len(r.Items) || strconv.Itoa(n) != num {
		return nil
	}
	return r.Items[n-1]
}
