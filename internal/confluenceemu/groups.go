package confluenceemu

import (
	"net/http"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Group is a site group and its members.
type Group struct {
	Name  string
	Users []*User
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

// listGroups answers GET /rest/api/group, offset-paged.
func (s *Server) listGroups(r *http.Request, u *User) (int, any) {
	if u != nil && u.HideGroups {
		return fail(http.StatusForbidden, "User is not permitted to view groups")
	}
	page, start, size, more, err := emulator.OffsetOf(r, s.data.Groups, emulator.OffsetParams{DefaultSize: 200, MaxSize: 1000})
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	out := listJSON[groupJSON]{Start: start, Limit: size, Size: len(page), Links: linksJSON{Base: s.base(r), Context: s.context()}}
	for _, g := range page {
		out.Results = append(out.Results, groupJSON{Type: "group", Name: g.Name, ID: "gid-" + g.Name})
	}
	if more {
		out.Links.Next = s.nextOffset(r, start+len(page))
	}
	return http.StatusOK, out
}

// groupMembers answers GET /rest/api/group/member?name=NAME (Cloud) and
// GET /rest/api/group/{groupName}/member (Server), offset-paged.
func (s *Server) groupMembers(r *http.Request, u *User) (int, any) {
	if u != nil && u.HideGroups {
		return fail(http.StatusForbidden, "User is not permitted to view groups")
	}
	name := r.PathValue("groupName")
	if name == "" {
		name = r.URL.Query().Get("name")
	}
	g := s.data.Group(name)
	if g == nil {
		return fail(http.StatusNotFound, "No group found with name : "+name)
	}
	page, start, size, more, err := emulator.OffsetOf(r, g.Users, emulator.OffsetParams{DefaultSize: 200, MaxSize: 1000})
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	out := s.usersJSON(page)
	out.Start, out.Limit, out.Links = start, size, linksJSON{Base: s.base(r), Context: s.context()}
	if more {
		out.Links.Next = s.nextOffset(r, start+len(page))
	}
	return http.StatusOK, out
}
