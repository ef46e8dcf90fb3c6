package jiraemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Group is a site's user group and its members.
type Group struct {
	Name  string
	Users []*User
}

// AppRole is an application role (a product, such as jira-software): the
// groups whose members may use it.
type AppRole struct {
	Key    string
	Name   string
	Groups []string
}

// Group returns the group with the name, or nil.
func (d *Data) Group(name string) *Group {
	for _, g := range d.Groups {
		if strings.EqualFold(g.Name, name) {
			return g
		}
	}
	return nil
}

// browseUsers reports whether the caller may list groups and their
// members: the Browse users and groups global permission, which
// administrators have.
func (c *call) browseUsers() bool { return c.me != nil && (c.me.Admin || c.me.BrowseUsers) }

func groupID(name string) string { return "gid-" + strings.ToLower(name) }

// offsetPage reads startAt and maxResults (at most 50, as Jira caps them
// for these methods).
func offsetPage(c *call, n int) (from, to int) {
	q := c.r.URL.Query()
	from, _ = strconv.Atoi(q.Get("startAt"))
	size, err := strconv.Atoi(q.Get("maxResults"))
	if err != nil || size <= 0 || size > 50 {
		size = 50
	}
	from = min(max(from, 0), n)
	return from, min(from+size, n)
}

// listGroupsBulk answers Cloud's GET /rest/api/3/group/bulk.
func (s *Server) listGroupsBulk(c *call) (int, any) {
	if !c.browseUsers() {
		return forbidden("You do not have the permission to browse users and groups.")
	}
	from, to := offsetPage(c, len(s.data.Groups))
	values := []any{}
	for _, g := range s.data.Groups[from:to] {
		values = append(values, map[string]any{"name": g.Name, "groupId": groupID(g.Name)})
	}
	return http.StatusOK, map[string]any{"startAt": from, "maxResults": to - from, "total": len(s.data.Groups),
		"isLast": to >= len(s.data.Groups), "values": values}
}

// pickGroups answers Server's GET /rest/api/2/groups/picker: the first
// maxResults groups (default 20) and the total.
func (s *Server) pickGroups(c *call) (int, any) {
	if !c.browseUsers() {
		return forbidden("You do not have the permission to browse users and groups.")
	}
	n, err := strconv.Atoi(c.r.URL.Query().Get("maxResults"))
	if err != nil || n <= 0 {
		n = 20
	}
	groups := []any{}
	for _, g := range s.data.Groups[:min(n, len(s.data.Groups))] {
		groups = append(groups, map[string]any{"name": g.Name, "html": g.Name, "groupId": groupID(g.Name)})
	}
	return http.StatusOK, map[string]any{"header": "Showing " + strconv.Itoa(len(groups)) + " of " +
		strconv.Itoa(len(s.data.Groups)) + " matching groups", "total": len(s.data.Groups), "groups": groups}
}

// groupMembers answers GET /group/member?groupname=NAME, a page of the
// group's members.
func (s *Server) groupMembers(c *call) (int, any) {
	if !c.browseUsers() {
		return forbidden("You do not have the permission to browse users and groups.")
	}
	g := s.data.Group(c.r.URL.Query().Get("groupname"))
	if g == nil {
		return notFound("Specified group does not exist.")
	}
	from, to := offsetPage(c, len(g.Users))
	values := []any{}
	for _, u := range g.Users[from:to] {
		values = append(values, c.userJSON(u, false))
	}
	return http.StatusOK, map[string]any{"startAt": from, "maxResults": to - from, "total": len(g.Users),
		"isLast": to >= len(g.Users), "values": values}
}

// listAppRoles answers GET /applicationrole, which needs Administer Jira.
func (s *Server) listAppRoles(c *call) (int, any) {
	if !c.admin() {
		return forbidden("You do not have permission to view application roles.")
	}
	out := []any{}
	for _, r := range s.data.AppRoles {
		out = append(out, map[string]any{"key": r.Key, "name": r.Name, "groups": slices.Clone(r.Groups),
			"defaultGroups": slices.Clone(r.Groups[:min(1, len(r.Groups))]), "platform": false})
	}
	return http.StatusOK, out
}
