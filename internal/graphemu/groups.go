package graphemu

import (
	"net/http"
	"slices"
)

func (s *Server) groupRoutes() {
	s.Handle("GET "+GraphPrefix+"/groups", s.serve(s.listGroups))
	s.Handle("GET "+GraphPrefix+"/groups/{id}", s.serve(s.getGroup))
	s.Handle("GET "+GraphPrefix+"/groups/{id}/transitiveMembers", s.serve(s.transitiveMembers))
	s.Handle("GET "+GraphPrefix+"/groups/{id}/transitiveMembers/microsoft.graph.user", s.serve(s.transitiveMembers))
}

func (c *call) directory() bool { return c.has(GroupMemberReadAll, GroupReadAll, DirectoryReadAll) }

func groupJSON(g *Group) map[string]any {
	return map[string]any{"id": g.ID, "displayName": g.DisplayName, "mail": g.Mail, "securityEnabled": true,
		"groupTypes": []string{"Unified"}}
}

func (s *Server) listGroups(c *call) (int, any) {
	if !c.directory() {
		return 0, requestDenied()
	}
	pg, next, err := page(s, c, s.data.Groups)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, g := range pg {
		out = append(out, groupJSON(g))
	}
	return http.StatusOK, listing(out, next)
}

func (s *Server) getGroup(c *call) (int, any) {
	if !c.directory() {
		return 0, requestDenied()
	}
	g := s.data.Group(c.r.PathValue("id"))
	if g == nil {
		return 0, Code{Status: http.StatusNotFound, Code: "Request_ResourceNotFound",
			Message: "Resource '" + c.r.PathValue("id") + "' does not exist or one of its queried reference-property objects are not present."}
	}
	return http.StatusOK, groupJSON(g)
}

// transitiveMembers answers a group's members with the members of the
// groups nested in it, each once; cast to microsoft.graph.user it leaves
// the groups out.
func (s *Server) transitiveMembers(c *call) (int, any) {
	if !c.directory() {
		return 0, requestDenied()
	}
	g := s.data.Group(c.r.PathValue("id"))
	if g == nil {
		return 0, Code{Status: http.StatusNotFound, Code: "Request_ResourceNotFound", Message: "Resource '" + c.r.PathValue("id") + "' does not exist."}
	}
	usersOnly := c.r.Pattern == "GET "+GraphPrefix+"/groups/{id}/transitiveMembers/microsoft.graph.user"
	seen := map[string]bool{g.ID: true}
	var out []any
	queue := slices.Clone(g.Members)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		if u := s.data.User(id); u != nil {
			out = append(out, map[string]any{"@odata.type": "#microsoft.graph.user", "id": u.ID, "displayName": u.DisplayName,
				"mail": u.Mail, "userPrincipalName": u.UPN})
		} else if ng := s.data.Group(id); ng != nil {
			if !usersOnly {
				m := groupJSON(ng)
				m["@odata.type"] = "#microsoft.graph.group"
				out = append(out, m)
			}
			queue = append(queue, ng.Members...)
		}
	}
	pg, next, err := page(s, c, out)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	return http.StatusOK, listing(pg, next)
}
