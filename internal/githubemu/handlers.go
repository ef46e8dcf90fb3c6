package githubemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) urls(c *call) urls {
	u := requestURL(c.r)
	api := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, c.r.URL.Path)
	return urls{api: api, web: s.opts.WebURL, noNodeIDs: s.opts.NoNodeIDs}
}

func (s *Server) getAuthUser(c *call, _ http.Header) (int, any) {
	if c.token == nil {
		return http.StatusUnauthorized, errorJSON{Message: "Requires authentication", DocumentationURL: "https://docs.github.com/rest", Status: "401"}
	}
	return http.StatusOK, s.urls(c).fullUser(c.token.User)
}

func classicScopes(p Permissions) string {
	scopes := "public_repo"
	if p.Private {
		scopes = "repo"
	}
	if p.Members {
		scopes += ", read:org"
	}
	return scopes
}

func (s *Server) getUser(c *call, _ http.Header) (int, any) {
	u := s.data.User(c.r.PathValue("user"))
	if u == nil {
		return notFound()
	}
	return http.StatusOK, s.urls(c).fullUser(u)
}

func (s *Server) listOrgRepos(c *call, h http.Header) (int, any) {
	org := s.data.User(c.r.PathValue("org"))
	if org == nil || !org.Organization {
		return notFound()
	}
	return s.listRepos(c, h, func(r *Repo) bool { return r.Owner == org }, "created")
}

func (s *Server) listUserRepos(c *call, h http.Header) (int, any) {
	u := s.data.User(c.r.PathValue("user"))
	if u == nil {
		return notFound()
	}
	// GitHub lists only public repositories here, even for their owner.
	return s.listRepos(c, h, func(r *Repo) bool { return r.Owner == u && !r.Private }, "full_name")
}

func (s *Server) listAuthUserRepos(c *call, h http.Header) (int, any) {
	if c.token == nil {
		return http.StatusUnauthorized, errorJSON{Message: "Requires authentication", DocumentationURL: "https://docs.github.com/rest", Status: "401"}
	}
	me := c.token.User
	aff := strings.Split(cmp.Or(c.r.URL.Query().Get("affiliation"), "owner,collaborator,organization_member"), ",")
	return s.listRepos(c, h, func(r *Repo) bool {
		return (slices.Contains(aff, "owner") && r.Owner == me) ||
			(slices.Contains(aff, "collaborator") && r.Owner != me && slices.Contains(r.Collaborators, me)) ||
			(slices.Contains(aff, "organization_member") && r.Owner.Organization)
	}, "full_name")
}

func (s *Server) listRepos(c *call, h http.Header, keep func(*Repo) bool, defaultSort string) (int, any) {
	lq, err := parseList(c.r.URL.Query(), []string{"created", "updated", "pushed", "full_name"}, defaultSort, false)
	if err != nil {
		return unprocessable(err)
	}
	var all []*Repo
	for _, r := range s.data.Repos {
		if keep(r) && canSee(c.token, r) {
			all = append(all, r)
		}
	}
	if !s.opts.IgnoreSort {
		slices.SortStableFunc(all, func(a, b *Repo) int {
			var x int
			switch lq.sort {
			case "full_name":
				x = strings.Compare(strings.ToLower(a.FullName()), strings.ToLower(b.FullName()))
			case "updated":
				x = a.UpdatedAt.Compare(b.UpdatedAt)
			case "pushed":
				x = a.PushedAt.Compare(b.PushedAt)
			default:
				x = a.CreatedAt.Compare(b.CreatedAt)
			}
			if !lq.asc {
				x = -x
			}
			return x
		})
	}
	pg, last := page(all, lq)
	setLink(h, c.r, lq.page, last)
	u := s.urls(c)
	out := make([]repoJSON, 0, len(pg))
	for _, r := range pg {
		out = append(out, u.repo(r, permissionsFor(c.token, r)))
	}
	return http.StatusOK, out
}

func setLink(h http.Header, r *http.Request, pageNo, last int) {
	if l := linkHeader(r, pageNo, last); l != "" {
		h.Set("Link", l)
	}
}

func permissionsFor(t *Token, r *Repo) *repoPermission {
	if t == nil {
		return nil
	}
	push := t.Permissions.Collaborators
	return &repoPermission{Pull: true, Triage: push, Push: push}
}

func (s *Server) getRepo(c *call, _ http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	return http.StatusOK, s.urls(c).repo(r, permissionsFor(c.token, r))
}

// listPulls serves GET /repos/{owner}/{repo}/pulls. Like GitHub, it has no
// since parameter, and its default direction is asc for every sort but
// created.
func (s *Server) listPulls(c *call, h http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token != nil && !c.token.Permissions.PullRequests {
		return forbidden("Resource not accessible by personal access token")
	}
	lq, err := parseList(c.r.URL.Query(), []string{"created", "updated", "popularity", "long-running"}, "created", true)
	if err != nil {
		return unprocessable(err)
	}
	lq.hasSince = false
	items := s.selectItems(r, lq, func(it *Item) bool { return it.PR })
	pg, last := page(items, lq)
	setLink(h, c.r, lq.page, last)
	u := s.urls(c)
	out := make([]pullJSON, 0, len(pg))
	for _, it := range pg {
		out = append(out, u.pull(r, it))
	}
	return http.StatusOK, out
}

// listIssues serves GET /repos/{owner}/{repo}/issues, which lists pull
// requests too (they carry a pull_request object).
func (s *Server) listIssues(c *call, h http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token != nil && !c.token.Permissions.Issues {
		return forbidden("Resource not accessible by personal access token")
	}
	if r.IssuesDisabled {
		return http.StatusGone, errorJSON{Message: "Issues are disabled for this repo", DocumentationURL: "https://docs.github.com/rest/issues/issues#list-repository-issues", Status: "410"}
	}
	lq, err := parseList(c.r.URL.Query(), []string{"created", "updated", "comments"}, "created", false)
	if err != nil {
		return unprocessable(err)
	}
	items := s.selectItems(r, lq, func(*Item) bool { return true })
	pg, last := page(items, lq)
	setLink(h, c.r, lq.page, last)
	u := s.urls(c)
	out := make([]issueJSON, 0, len(pg))
	for _, it := range pg {
		out = append(out, u.issue(r, it))
	}
	return http.StatusOK, out
}

// selectItems filters a repository's items by kind, state and since, and
// sorts them as asked (or in creation order when sorting is switched off).
func (s *Server) selectItems(r *Repo, lq listQuery, kind func(*Item) bool) []*Item {
	var out []*Item
	for _, it := range r.Items {
		if it.Deleted || !kind(it) || (lq.state != "all" && it.State != lq.state) {
			continue
		}
		if lq.hasSince && it.UpdatedAt.Before(lq.since) {
			continue
		}
		out = append(out, it)
	}
	if s.opts.IgnoreSort {
		return out
	}
	sortItems(out, lq)
	return out
}

func (s *Server) listComments(c *call, h http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token != nil && !c.token.Permissions.Issues {
		return forbidden("Resource not accessible by personal access token")
	}
	n, err := strconv.Atoi(c.r.PathValue("num"))
	if err != nil || n < 1 || n > len(r.Items) || r.Items[n-1].Deleted {
		return notFound()
	}
	lq, _ := parseList(c.r.URL.Query(), []string{"created"}, "created", false)
	it := r.Items[n-1]
	pg, last := page(it.Comments, lq)
	setLink(h, c.r, lq.page, last)
	u := s.urls(c)
	out := make([]commentJSON, 0, len(pg))
	for _, cm := range pg {
		out = append(out, u.comment(r, it, cm))
	}
	return http.StatusOK, out
}

// listCollaborators needs push access on GitHub; tokens without it get 403.
func (s *Server) listCollaborators(c *call, h http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token == nil || !c.token.Permissions.Collaborators {
		return forbidden("Must have push access to view repository collaborators.")
	}
	lq, _ := parseList(c.r.URL.Query(), []string{"created"}, "created", false)
	pg, last := page(r.Collaborators, lq)
	setLink(h, c.r, lq.page, last)
	u := s.urls(c)
	out := make([]simpleUser, 0, len(pg))
	for _, x := range pg {
		su := u.user(x)
		su.Name, su.Email = strPtr(x.Name), strPtr(x.Email)
		out = append(out, su)
	}
	return http.StatusOK, out
}

func (s *Server) listTeams(c *call, h http.Header) (int, any) {
	r, err := s.visibleRepo(c)
	if err != nil {
		return notFound()
	}
	if c.token == nil || !c.token.Permissions.Collaborators {
		return forbidden("Resource not accessible by personal access token")
	}
	lq, _ := parseList(c.r.URL.Query(), []string{"created"}, "created", false)
	pg, last := page(r.Teams, lq)
	setLink(h, c.r, lq.page, last)
	out := make([]teamJSON, 0, len(pg))
	for _, t := range pg {
		out = append(out, teamJSON{ID: t.ID, NodeID: "T_kwDO" + strconv.FormatInt(t.ID, 10), Name: t.Name, Slug: t.Slug,
			Permission: t.Permission, Privacy: "closed", HTMLURL: s.opts.WebURL + "/orgs/" + r.Owner.Login + "/teams/" + t.Slug})
	}
	return http.StatusOK, out
}

func (s *Server) getRateLimit(c *call, h http.Header) (int, any) {
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	rem, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	used, _ := strconv.Atoi(h.Get("X-RateLimit-Used"))
	reset, _ := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	core := map[string]any{"limit": limit, "remaining": rem, "used": used, "reset": reset}
	return http.StatusOK, map[string]any{"resources": map[string]any{"core": core}, "rate": core}
}
