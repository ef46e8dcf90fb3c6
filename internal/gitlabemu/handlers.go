package gitlabemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) m() mapper { return mapper{web: s.opts.WebURL} }

func (s *Server) getAuthUser(c *call, _ http.Header) (int, any) {
	return http.StatusOK, s.m().fullUser(c.token.User, true)
}

func (s *Server) getTokenSelf(c *call, _ http.Header) (int, any) {
	var exp *string
	if !c.token.ExpiresAt.IsZero() {
		d := c.token.ExpiresAt.Format(time.DateOnly)
		exp = &d
	}
	return http.StatusOK, map[string]any{"id": 1, "name": cmp.Or(c.token.Name, "tributary"), "revoked": false,
		"active": true, "scopes": c.token.Scopes, "user_id": c.token.User.ID, "expires_at": exp}
}

func (s *Server) getUser(c *call, _ http.Header) (int, any) {
	u := s.data.User(c.r.PathValue("id"))
	if u == nil {
		return notFound("User")
	}
	return http.StatusOK, s.m().fullUser(u, c.admin || u == c.token.User)
}

func (s *Server) visibleGroup(c *call) *Group {
	g := s.data.Group(c.r.PathValue("id"))
	if g == nil || !c.canSeeGroup(s.data, g) {
		return nil
	}
	return g
}

func (s *Server) visibleProject(c *call) *Project {
	p := s.data.Project(c.r.PathValue("id"))
	if p == nil || !c.canSeeProject(s.data, p) {
		return nil
	}
	return p
}

func (s *Server) getGroup(c *call, _ http.Header) (int, any) {
	g := s.visibleGroup(c)
	if g == nil {
		return notFound("Group")
	}
	return http.StatusOK, s.m().group(g)
}

// listDescendantGroups serves GET /groups/:id/descendant_groups, in path
// order.
func (s *Server) listDescendantGroups(c *call, h http.Header) (int, any) {
	g := s.visibleGroup(c)
	if g == nil {
		return notFound("Group")
	}
	pq, err := parsePage(c.r.URL.Query())
	if err != nil {
		return badRequest(err.Error())
	}
	var all []*Group
	for _, x := range s.data.Groups {
		if x != g && x.Within(g) && c.canSeeGroup(s.data, x) {
			all = append(all, x)
		}
	}
	slices.SortFunc(all, func(a, b *Group) int { return strings.Compare(a.FullPath(), b.FullPath()) })
	out := []groupJSON{}
	for _, x := range offsetPage(h, c.r, all, pq) {
		out = append(out, s.m().group(x))
	}
	return http.StatusOK, out
}

// listGroupProjects serves GET /groups/:id/projects: the group's projects,
// with include_subgroups its subgroups' too, and unless with_shared=false
// the projects shared with it.
func (s *Server) listGroupProjects(c *call, h http.Header) (int, any) {
	g := s.visibleGroup(c)
	if g == nil {
		return notFound("Group")
	}
	q := c.r.URL.Query()
	sub := q.Get("include_subgroups") == "true"
	shared := q.Get("with_shared") != "false"
	return s.listProjectsWhere(c, h, func(p *Project) bool {
		if p.Namespace == g || (sub && p.Namespace != nil && p.Namespace.Within(g)) {
			return true
		}
		return shared && slices.ContainsFunc(p.SharedWith, func(sh Share) bool { return sh.Group == g })
	}, s.opts.NoGroupKeyset)
}

// listProjects serves GET /projects: every project the token can see
// (with membership=true, those it is a member of).
func (s *Server) listProjects(c *call, h http.Header) (int, any) {
	member := c.r.URL.Query().Get("membership") == "true"
	return s.listProjectsWhere(c, h, func(p *Project) bool {
		return !member || projectLevel(c.token.User, p) > 0
	}, false)
}

func (s *Server) listProjectsWhere(c *call, h http.Header, keep func(*Project) bool, noKeyset bool) (int, any) {
	q := c.r.URL.Query()
	var all []*Project
	for _, p := range s.data.Projects {
		if keep(p) && c.canSeeProject(s.data, p) && (q.Get("archived") != "false" || !p.Archived) {
			all = append(all, p)
		}
	}
	var pg []*Project
	if q.Get("pagination") == "keyset" {
		if noKeyset {
			return http.StatusMethodNotAllowed, map[string]string{"error": "Keyset pagination is not yet available for this type of request"}
		}
		slices.SortFunc(all, func(a, b *Project) int { return cmp.Compare(a.ID, b.ID) })
		var err error
		if pg, err = keysetProjects(h, c.r, all); err == errNoKeyset {
			return http.StatusMethodNotAllowed, map[string]string{"error": "Keyset pagination is not yet available for this type of request"}
		} else if err != nil {
			return badRequest(err.Error())
		}
	} else {
		pq, err := parsePage(q)
		if err != nil {
			return badRequest(err.Error())
		}
		sortProjects(all, cmp.Or(q.Get("order_by"), "created_at"), q.Get("sort") == "asc")
		pg = offsetPage(h, c.r, all, pq)
	}
	out := make([]projectJSON, 0, len(pg))
	for _, p := range pg {
		out = append(out, s.m().project(p))
	}
	return http.StatusOK, out
}

func sortProjects(all []*Project, by string, asc bool) {
	slices.SortStableFunc(all, func(a, b *Project) int {
		var x int
		switch by {
		case "id":
			x = cmp.Compare(a.ID, b.ID)
		case "path":
			x = strings.Compare(a.PathWithNamespace(), b.PathWithNamespace())
		case "name":
			x = strings.Compare(a.Name, b.Name)
		case "last_activity_at", "updated_at":
			x = a.LastActivityAt.Compare(b.LastActivityAt)
		default:
			x = a.CreatedAt.Compare(b.CreatedAt)
		}
		if x == 0 {
			x = cmp.Compare(a.ID, b.ID)
		}
		if !asc {
			x = -x
		}
		return x
	})
}

func (s *Server) getProject(c *call, _ http.Header) (int, any) {
	p := s.visibleProject(c)
	if p == nil {
		return notFound("Project")
	}
	return http.StatusOK, s.m().project(p)
}

func (s *Server) listGroupMembers(all bool) handler {
	return func(c *call, h http.Header) (int, any) {
		g := s.visibleGroup(c)
		if g == nil {
			return notFound("Group")
		}
		ms := g.Members
		if all {
			ms = allGroupMembers(g)
		}
		return s.members(c, h, ms)
	}
}

func (s *Server) listProjectMembers(all bool) handler {
	return func(c *call, h http.Header) (int, any) {
		p := s.visibleProject(c)
		if p == nil {
			return notFound("Project")
		}
		ms := p.Members
		if all {
			ms = allProjectMembers(p)
		}
		return s.members(c, h, ms)
	}
}

// members pages a member list in user id order. Members' e-mail addresses
// are shown only to administrators.
func (s *Server) members(c *call, h http.Header, ms []Member) (int, any) {
	pq, err := parsePage(c.r.URL.Query())
	if err != nil {
		return badRequest(err.Error())
	}
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b Member) int { return cmp.Compare(a.User.ID, b.User.ID) })
	out := []memberJSON{}
	for _, m := range offsetPage(h, c.r, sorted, pq) {
		out = append(out, s.m().member(m, c.admin))
	}
	return http.StatusOK, out
}

// itemQuery is a parsed issue or merge request listing.
type itemQuery struct {
	state         string
	orderBy       string
	asc           bool
	after, before time.Time
}

func parseItemQuery(c *call, mr bool) (itemQuery, error) {
	q := c.r.URL.Query()
	iq := itemQuery{state: cmp.Or(q.Get("state"), "all"), orderBy: cmp.Or(q.Get("order_by"), "created_at"), asc: q.Get("sort") == "asc"}
	states := []string{"all", "opened", "closed"}
	if mr {
		states = append(states, "merged", "locked")
	}
	if !slices.Contains(states, iq.state) {
		return iq, errorf("state does not have a valid value")
	}
	if !slices.Contains([]string{"created_at", "updated_at", "title"}, iq.orderBy) {
		return iq, errorf("order_by does not have a valid value")
	}
	if s := q.Get("sort"); s != "" && s != "asc" && s != "desc" {
		return iq, errorf("sort does not have a valid value")
	}
	var err error
	if iq.after, err = parseTime(q, "updated_after"); err != nil {
		return iq, err
	}
	if iq.before, err = parseTime(q, "updated_before"); err != nil {
		return iq, err
	}
	return iq, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

func errorf(s string) error { return errorString(s) }

// listItems serves GET /projects/:id/issues and /merge_requests: filtered
// by state and by updated_after and updated_before (both inclusive), in
// the order asked (created_at descending by default), ties broken by id in
// the same direction.
func (s *Server) listItems(mr bool) handler {
	return func(c *call, h http.Header) (int, any) {
		p := s.visibleProject(c)
		if p == nil {
			return notFound("Project")
		}
		if (mr && p.MergeRequestsDisabled) || (!mr && p.IssuesDisabled) {
			return forbidden()
		}
		iq, err := parseItemQuery(c, mr)
		if err != nil {
			return badRequest(err.Error())
		}
		pq, err := parsePage(c.r.URL.Query())
		if err != nil {
			return badRequest(err.Error())
		}
		src := p.Issues
		if mr {
			src = p.MergeRequests
		}
		var all []*Item
		for _, it := range src {
			if (iq.state != "all" && it.State != iq.state) || !c.canSeeItem(p, it) ||
				(!iq.after.IsZero() && it.UpdatedAt.Before(iq.after)) || (!iq.before.IsZero() && it.UpdatedAt.After(iq.before)) {
				continue
			}
			all = append(all, it)
		}
		sortItems(all, iq)
		out := []itemJSON{}
		for _, it := range offsetPage(h, c.r, all, pq) {
			out = append(out, s.m().item(p, it))
		}
		return http.StatusOK, out
	}
}

func sortItems(all []*Item, iq itemQuery) {
	slices.SortStableFunc(all, func(a, b *Item) int {
		var x int
		switch iq.orderBy {
		case "updated_at":
			x = a.UpdatedAt.Compare(b.UpdatedAt)
		case "title":
			x = strings.Compare(a.Title, b.Title)
		default:
			x = a.CreatedAt.Compare(b.CreatedAt)
		}
		if x == 0 {
			x = cmp.Compare(a.ID, b.ID)
		}
		if !iq.asc {
			x = -x
		}
		return x
	})
}

// item returns the issue or merge request the path names, if the token
// may see it.
func (s *Server) item(c *call, mr bool) (*Project, *Item, int, any) {
	p := s.visibleProject(c)
	if p == nil {
		st, v := notFound("Project")
		return nil, nil, st, v
	}
	if (mr && p.MergeRequestsDisabled) || (!mr && p.IssuesDisabled) {
		st, v := forbidden()
		return nil, nil, st, v
	}
	src, what := p.Issues, "Issue"
	if mr {
		src, what = p.MergeRequests, "Merge Request"
	}
	n, err := strconv.Atoi(c.r.PathValue("iid"))
	if err != nil || n < 1 || n > len(src) || src[n-1] == nil || !c.canSeeItem(p, src[n-1]) {
		st, v := notFound(what)
		return nil, nil, st, v
	}
	return p, src[n-1], 0, nil
}

func (s *Server) getItem(mr bool) handler {
	return func(c *call, _ http.Header) (int, any) {
		p, it, st, v := s.item(c, mr)
		if it == nil {
			return st, v
		}
		return http.StatusOK, s.m().item(p, it)
	}
}

// listNotes serves the notes of an issue or merge request, system notes
// included, sorted by created_at (or updated_at), descending by default.
func (s *Server) listNotes(mr bool) handler {
	return func(c *call, h http.Header) (int, any) {
		p, it, st, v := s.item(c, mr)
		if it == nil {
			return st, v
		}
		q := c.r.URL.Query()
		pq, err := parsePage(q)
		if err != nil {
			return badRequest(err.Error())
		}
		notes := make([]*Note, 0, len(it.Notes))
		for i := range it.Notes {
			notes = append(notes, &it.Notes[i])
		}
		asc, byUpdate := q.Get("sort") == "asc", q.Get("order_by") == "updated_at"
		slices.SortStableFunc(notes, func(a, b *Note) int {
			x := a.CreatedAt.Compare(b.CreatedAt)
			if byUpdate {
				x = a.UpdatedAt.Compare(b.UpdatedAt)
			}
			if x == 0 {
				x = cmp.Compare(a.ID, b.ID)
			}
			if !asc {
				x = -x
			}
			return x
		})
		out := []noteJSON{}
		for _, n := range offsetPage(h, c.r, notes, pq) {
			out = append(out, s.m().note(p, it, n))
		}
		return http.StatusOK, out
	}
}

// listWiki serves GET /projects/:id/wikis: every page at once, GitLab
// does not paginate it, with content when with_content is set.
func (s *Server) listWiki(c *call, _ http.Header) (int, any) {
	p := s.visibleProject(c)
	if p == nil {
		return notFound("Project")
	}
	if p.WikiDisabled {
		return forbidden()
	}
	wc := c.r.URL.Query().Get("with_content")
	with := wc == "1" || wc == "true"
	out := []wikiJSON{}
	for _, w := range p.Wiki {
		out = append(out, wiki(w, with))
	}
	return http.StatusOK, out
}

func (s *Server) getWikiPage(c *call, _ http.Header) (int, any) {
	p := s.visibleProject(c)
	if p == nil {
		return notFound("Project")
	}
	if p.WikiDisabled {
		return forbidden()
	}
	slug := c.r.PathValue("slug")
	for _, w := range p.Wiki {
		if w.Slug == slug {
			return http.StatusOK, wiki(w, true)
		}
	}
	return notFound("Wiki Page")
}
