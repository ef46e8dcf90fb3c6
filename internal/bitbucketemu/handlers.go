package bitbucketemu

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

type href struct {
	Href string `json:"href"`
}

// The objects as Bitbucket writes them, with the fields the connector
// reads and a few more.
type (
	userJSON struct {
		Type        string          `json:"type"`
		DisplayName string          `json:"display_name"`
		UUID        string          `json:"uuid"`
		AccountID   string          `json:"account_id"`
		Nickname    string          `json:"nickname"`
		Email       string          `json:"email,omitempty"`
		Links       map[string]href `json:"links"`
	}
	workspaceJSON struct {
		Type      string          `json:"type"`
		UUID      string          `json:"uuid"`
		Name      string          `json:"name"`
		Slug      string          `json:"slug"`
		IsPrivate bool            `json:"is_private"`
		Links     map[string]href `json:"links"`
	}
	repositoryJSON struct {
		Type        string          `json:"type"`
		UUID        string          `json:"uuid"`
		FullName    string          `json:"full_name"`
		Name        string          `json:"name"`
		Slug        string          `json:"slug"`
		Description string          `json:"description"`
		IsPrivate   bool            `json:"is_private"`
		SCM         string          `json:"scm"`
		CreatedOn   string          `json:"created_on"`
		UpdatedOn   string          `json:"updated_on"`
		Workspace   workspaceJSON   `json:"workspace"`
		Project     map[string]any  `json:"project"`
		Links       map[string]href `json:"links"`
	}
	branchJSON struct {
		Branch     map[string]string `json:"branch"`
		Repository map[string]any    `json:"repository"`
	}
	pullRequestJSON struct {
		Type         string            `json:"type"`
		ID           int64             `json:"id"`
		Title        string            `json:"title"`
		Description  string            `json:"description"`
		Summary      map[string]string `json:"summary"`
		State        string            `json:"state"`
		Author       *userJSON         `json:"author"`
		Reviewers    []userJSON        `json:"reviewers"`
		Source       branchJSON        `json:"source"`
		Destination  branchJSON        `json:"destination"`
		CommentCount int               `json:"comment_count"`
		TaskCount    int               `json:"task_count"`
		CreatedOn    string            `json:"created_on"`
		UpdatedOn    *string           `json:"updated_on,omitempty"`
		Links        map[string]href   `json:"links"`
	}
	commentJSON struct {
		Type      string            `json:"type"`
		ID        int64             `json:"id"`
		Content   map[string]string `json:"content"`
		User      *userJSON         `json:"user"`
		CreatedOn string            `json:"created_on"`
		UpdatedOn string            `json:"updated_on"`
		Deleted   bool              `json:"deleted"`
		Inline    map[string]any    `json:"inline,omitempty"`
		Parent    map[string]any    `json:"parent,omitempty"`
		Links     map[string]href   `json:"links"`
	}
)

// mapper writes objects with links to the site and the API.
type mapper struct{ web, api string }

func (s *Server) m(r *http.Request) mapper {
	return mapper{web: s.opts.WebURL, api: emulator.BaseURL(r) + "/2.0"}
}

func (m mapper) user(u *User, email bool) *userJSON {
	if u == nil {
		return nil
	}
	j := &userJSON{Type: "user", DisplayName: u.DisplayName, UUID: u.UUID, AccountID: u.AccountID, Nickname: u.Nickname,
		Links: map[string]href{"html": {m.web + "/" + u.UUID + "/"}, "self": {m.api + "/users/" + u.UUID}}}
	if email {
		j.Email = u.Email
	}
	return j
}

func (m mapper) workspace(w *Workspace) workspaceJSON {
	return workspaceJSON{Type: "workspace", UUID: w.UUID, Name: w.Name, Slug: w.Slug, IsPrivate: w.Private,
		Links: map[string]href{"html": {m.web + "/" + w.Slug + "/"}, "self": {m.api + "/workspaces/" + w.Slug}}}
}

func (m mapper) repository(r *Repository) repositoryJSON {
	return repositoryJSON{Type: "repository", UUID: r.UUID, FullName: r.FullName(), Name: r.Name, Slug: r.Slug,
		Description: r.Description, IsPrivate: r.Private, SCM: "git", CreatedOn: isoTime(r.CreatedOn), UpdatedOn: isoTime(r.UpdatedOn),
		Workspace: m.workspace(r.Workspace), Project: map[string]any{"type": "project", "key": r.ProjectKey},
		Links: map[string]href{"html": {m.web + "/" + r.FullName()}, "self": {m.api + "/repositories/" + r.FullName()}}}
}

func (m mapper) pullRequest(r *Repository, p *PullRequest) pullRequestJSON {
	self := fmt.Sprintf("%s/repositories/%s/pullrequests/%d", m.api, r.FullName(), p.ID)
	repoRef := map[string]any{"type": "repository", "full_name": r.FullName(), "uuid": r.UUID, "name": r.Name}
	j := pullRequestJSON{Type: "pullrequest", ID: p.ID, Title: p.Title, Description: p.Description,
		Summary: map[string]string{"type": "rendered", "raw": p.Description, "markup": "markdown", "html": "<p>" + p.Description + "</p>"},
		State:   p.State, Author: m.user(p.Author, false), Reviewers: []userJSON{},
		Source:       branchJSON{Branch: map[string]string{"name": p.SourceBranch}, Repository: repoRef},
		Destination:  branchJSON{Branch: map[string]string{"name": p.DestBranch}, Repository: repoRef},
		CommentCount: countComments(p), CreatedOn: isoTime(p.CreatedOn),
		Links: map[string]href{"self": {self}, "html": {PullRequestURL(m.web, r, p)}, "comments": {self + "/comments"}}}
	for _, u := range p.Reviewers {
		j.Reviewers = append(j.Reviewers, *m.user(u, false))
	}
	if !p.Broken {
		t := isoTime(p.UpdatedOn)
		j.UpdatedOn = &t
	}
	return j
}

func countComments(p *PullRequest) int {
	n := 0
	for _, c := range p.Comments {
		if !c.Deleted {
			n++
		}
	}
	return n
}

func (m mapper) comment(r *Repository, p *PullRequest, c *Comment) commentJSON {
	j := commentJSON{Type: "pullrequest_comment", ID: c.ID, User: m.user(c.User, false), CreatedOn: isoTime(c.CreatedOn),
		UpdatedOn: isoTime(c.UpdatedOn), Deleted: c.Deleted,
		Content: map[string]string{"type": "rendered", "raw": c.Body, "markup": "markdown", "html": "<p>" + c.Body + "</p>"},
		Links: map[string]href{"html": {fmt.Sprintf("%s#comment-%d", PullRequestURL(m.web, r, p), c.ID)},
			"self": {fmt.Sprintf("%s/repositories/%s/pullrequests/%d/comments/%d", m.api, r.FullName(), p.ID, c.ID)}}}
	if c.Deleted {
		j.Content = map[string]string{"type": "rendered", "raw": "", "markup": "markdown", "html": ""}
	}
	if c.Inline != "" {
		j.Inline = map[string]any{"path": c.Inline, "to": 10, "from": nil}
	}
	if c.Parent != 0 {
		j.Parent = map[string]any{"id": c.Parent}
	}
	return j
}

// Visibility rules.

func (c *call) canSeeWorkspace(w *Workspace) bool {
	if c.token != nil {
		return strings.EqualFold(c.token.Workspace, w.Slug)
	}
	return w.isMember(c.user)
}

func (c *call) canSeeRepository(r *Repository) bool {
	if c.token != nil {
		return strings.EqualFold(c.token.Workspace, r.Workspace.Slug) && (c.token.Repository == "" || strings.EqualFold(c.token.Repository, r.Slug))
	}
	return !r.Private || r.Workspace.isAdmin(c.user) || r.permission(c.user) != ""
}

func (c *call) isAdmin(w *Workspace) bool {
	if c.token != nil {
		return c.token.Admin && c.token.Repository == "" && strings.EqualFold(c.token.Workspace, w.Slug)
	}
	return w.isAdmin(c.user)
}

func (s *Server) repository(c *call) *Repository {
	r := s.data.Repository(c.r.PathValue("ws"), c.r.PathValue("slug"))
	if r == nil || !c.canSeeRepository(r) {
		return nil
	}
	return r
}

func (s *Server) pullRequest(c *call) (*Repository, *PullRequest) {
	r := s.repository(c)
	if r == nil {
		return nil, nil
	}
	id, err := strconv.ParseInt(c.r.PathValue("id"), 10, 64)
	if err != nil {
		return r, nil
	}
	return r, r.PullRequest(id)
}

// Handlers.

func (s *Server) getUser(c *call) (int, any) {
	if c.user == nil {
		return http.StatusOK, userJSON{Type: "user", DisplayName: "Access token bot", UUID: "{ffffffff-0000-4000-8000-000000000000}",
			Nickname: "bot", Links: map[string]href{}}
	}
	return http.StatusOK, s.m(c.r).user(c.user, false)
}

func (s *Server) getWorkspace(c *call) (int, any) {
	w := s.data.Workspace(c.r.PathValue("ws"))
	if w == nil || !c.canSeeWorkspace(w) {
		return notFound("Workspace")
	}
	return http.StatusOK, s.m(c.r).workspace(w)
}

// listMembers serves GET /workspaces/{ws}/members. Filtering by
// user.email, and showing the addresses filtered by with
// fields=+values.user.email, is for administrators only.
func (s *Server) listMembers(c *call) (int, any) {
	w := s.data.Workspace(c.r.PathValue("ws"))
	if w == nil || !c.canSeeWorkspace(w) {
		return notFound("Workspace")
	}
	q := c.r.URL.Query()
	byEmail := strings.Contains(q.Get("q"), "user.email")
	if byEmail && !c.isAdmin(w) {
		return forbidden("Filtering by email is only available to workspace administrators")
	}
	all := slices.Concat(w.Admins, w.Members)
	all = slices.Compact(all)
	users, err := filterSort(c.r, all, func(u *User) fieldValue {
		return func(f string) (any, bool) {
			switch f {
			case "user.email":
				return u.Email, true
			case "user.uuid":
				return u.UUID, true
			case "user.nickname":
				return u.Nickname, true
			}
			return nil, false
		}
	})
	if err != nil {
		return badRequest(err.Error())
	}
	showEmail := byEmail && strings.Contains(q.Get("fields"), "values.user.email")
	m := s.m(c.r)
	return paged(c.r, s.opts.NextLinkBase, users, 50, 100, func(u *User) map[string]any {
		return map[string]any{"type": "workspace_membership", "user": m.user(u, showEmail), "workspace": m.workspace(w),
			"links": map[string]href{"self": {m.api + "/workspaces/" + w.Slug + "/members/" + u.UUID}}}
	})
}

// listRepoPermissions serves GET
// /workspaces/{ws}/permissions/repositories/{slug}: the users with an
// explicit permission, for administrators only.
func (s *Server) listRepoPermissions(c *call) (int, any) {
	w := s.data.Workspace(c.r.PathValue("ws"))
	if w == nil || !c.canSeeWorkspace(w) {
		return notFound("Workspace")
	}
	if !c.isAdmin(w) {
		return forbidden("Your credentials lack one or more required privilege scopes.")
	}
	r := s.data.Repository(w.Slug, c.r.PathValue("slug"))
	if r == nil {
		return notFound("Repository")
	}
	m := s.m(c.r)
	return paged(c.r, s.opts.NextLinkBase, r.Permissions, 10, 100, func(p Permission) map[string]any {
		return map[string]any{"type": "repository_permission", "permission": p.Level, "user": m.user(p.User, false),
			"repository": map[string]any{"type": "repository", "full_name": r.FullName(), "uuid": r.UUID, "name": r.Name}}
	})
}

// listRepositories serves GET /repositories/{ws}: the repositories the
// credentials can see.
func (s *Server) listRepositories(c *call) (int, any) {
	var all []*Repository
	ws := c.r.PathValue("ws")
	for _, r := range s.data.Repositories {
		if (strings.EqualFold(r.Workspace.Slug, ws) || r.Workspace.UUID == ws) && c.canSeeRepository(r) {
			all = append(all, r)
		}
	}
	if s.data.Workspace(ws) == nil {
		return notFound("Workspace")
	}
	repos, err := filterSort(c.r, all, func(r *Repository) fieldValue {
		return func(f string) (any, bool) {
			switch f {
			case "slug":
				return r.Slug, true
			case "name":
				return r.Name, true
			case "is_private":
				return strconv.FormatBool(r.Private), true
			case "created_on":
				return r.CreatedOn, true
			case "updated_on":
				return r.UpdatedOn, true
			}
			return nil, false
		}
	}, "slug", "name", "created_on", "updated_on")
	if err != nil {
		return badRequest(err.Error())
	}
	m := s.m(c.r)
	return paged(c.r, s.opts.NextLinkBase, repos, 10, 100, m.repository)
}

func (s *Server) getRepository(c *call) (int, any) {
	r := s.repository(c)
	if r == nil {
		return notFound("Repository")
	}
	return http.StatusOK, s.m(c.r).repository(r)
}

// listPullRequests serves GET /repositories/{ws}/{slug}/pullrequests: by
// default only OPEN ones, or those of every state= given; filtered by q
// and sorted by sort (newest created first by default).
func (s *Server) listPullRequests(c *call) (int, any) {
	r := s.repository(c)
	if r == nil {
		return notFound("Repository")
	}
	states := c.r.URL.Query()["state"]
	if len(states) == 0 {
		states = []string{StateOpen}
	}
	var all []*PullRequest
	for i := len(r.PullRequests) - 1; i >= 0; i-- {
		if p := r.PullRequests[i]; slices.Contains(states, p.State) {
			all = append(all, p)
		}
	}
	prs, err := filterSort(c.r, all, func(p *PullRequest) fieldValue {
		return func(f string) (any, bool) {
			switch f {
			case "id":
				return p.ID, true
			case "state":
				return p.State, true
			case "title":
				return p.Title, true
			case "created_on":
				return p.CreatedOn, true
			case "updated_on":
				return p.UpdatedOn, true
			}
			return nil, false
		}
	}, "id", "created_on", "updated_on", "title")
	if err != nil {
		return badRequest(err.Error())
	}
	m := s.m(c.r)
	return paged(c.r, s.opts.NextLinkBase, prs, 10, 50, func(p *PullRequest) pullRequestJSON { return m.pullRequest(r, p) })
}

func (s *Server) getPullRequest(c *call) (int, any) {
	r, p := s.pullRequest(c)
	if p == nil {
		return notFound("Pull request")
	}
	return http.StatusOK, s.m(c.r).pullRequest(r, p)
}

// listComments serves the comments of a pull request, oldest first by
// default, deleted ones included (with deleted set).
func (s *Server) listComments(c *call) (int, any) {
	r, p := s.pullRequest(c)
	if p == nil {
		return notFound("Pull request")
	}
	cs, err := filterSort(c.r, p.Comments, func(cm *Comment) fieldValue {
		return func(f string) (any, bool) {
			switch f {
			case "id":
				return cm.ID, true
			case "created_on":
				return cm.CreatedOn, true
			case "updated_on":
				return cm.UpdatedOn, true
			}
			return nil, false
		}
	}, "id", "created_on", "updated_on")
	if err != nil {
		return badRequest(err.Error())
	}
	m := s.m(c.r)
	return paged(c.r, s.opts.NextLinkBase, cs, 10, 100, func(cm *Comment) commentJSON { return m.comment(r, p, cm) })
}
