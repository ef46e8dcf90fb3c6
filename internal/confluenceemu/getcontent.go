package confluenceemu

import (
	"net/http"
	"slices"
	"strings"
)

// status is the page's status, "current" when unset.
func (p *Page) status() string {
	if p.Status == "" {
		return "current"
	}
	return p.Status
}

// getContent serves GET /content/{id}: the page with the expansions asked
// for. A trashed page is found only when the status parameter names it
// (or "any"), as Confluence answers 404 for it otherwise; an archived or
// current page is answered with its status.
func (s *Server) getContent(r *http.Request, _ *User) (int, any) {
	p := s.pageOf(r)
	if p != nil && p.status() == "trashed" {
		asked := strings.Split(r.URL.Query().Get("status"), ",")
		if !slices.Contains(asked, "trashed") && !slices.Contains(asked, "any") {
			p = nil
		}
	}
	if p == nil {
		return fail(http.StatusNotFound, "No content found with id : "+r.PathValue("id"))
	}
	return http.StatusOK, s.contentJSON(r, p, expandOf(r))
}
