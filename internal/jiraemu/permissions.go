package jiraemu

import (
	"net/http"
	"strings"
)

func forbidden(msg string) (int, any) {
	return http.StatusForbidden, errorsJSON{ErrorMessages: []string{msg}, Errors: map[string]string{}}
}

// admin reports whether the caller may read schemes and roles.
func (c *call) admin() bool { return c.me != nil && c.me.Admin }

func (s *Server) projectScheme(c *call) (int, any) {
	p := s.data.Project(c.r.PathValue("key"))
	if p == nil {
		return notFound("No project could be found with key '" + c.r.PathValue("key") + "'.")
	}
	if !c.admin() {
		return forbidden("You do not have permission to view the permission scheme of this project.")
	}
	return http.StatusOK, map[string]any{"id": schemeID(p), "name": "Scheme of " + p.Key,
		"self": c.base + "/rest/api/" + c.version() + "/permissionscheme/" + schemeID(p)}
}

// schemeID gives every project a scheme of its own, numbered after it.
func schemeID(p *Project) string { return "2" + p.ID }

func (s *Server) schemeGrants(c *call) (int, any) {
	if !c.admin() {
		return forbidden("You do not have permission to view permission schemes.")
	}
	for _, p := range s.data.Projects {
		if schemeID(p) != c.r.PathValue("id") {
			continue
		}
		out := make([]any, 0, len(p.Grants)+1)
		// Every scheme grants more than browsing; clients must filter.
		out = append(out, map[string]any{"id": 1, "permission": "ADMINISTER_PROJECTS", "holder": map[string]any{"type": "projectLead"}})
		for i, g := range p.Grants {
			holder := map[string]any{"type": g.Type}
			if g.Parameter != "" {
				holder["parameter"] = g.Parameter
				if g.Type == "group" {
					holder["value"] = "gid-" + strings.ToLower(g.Parameter)
				}
			}
			out = append(out, map[string]any{"id": i + 2, "permission": g.Permission, "holder": holder})
		}
		return http.StatusOK, map[string]any{"permissions": out}
	}
	return notFound("The permission scheme does not exist.")
}

func (s *Server) projectRole(c *call) (int, any) {
	p := s.data.Project(c.r.PathValue("key"))
	if p == nil {
		return notFound("No project could be found with key '" + c.r.PathValue("key") + "'.")
	}
	if !c.admin() {
		return forbidden("You cannot view the roles of this project.")
	}
	for _, r := range p.Roles {
		if r.ID != c.r.PathValue("id") {
			continue
		}
		actors := []any{}
		for _, u := range r.Users {
			a := map[string]any{"type": "atlassian-user-role-actor", "displayName": u.DisplayName}
			if c.v3 {
				a["actorUser"] = map[string]any{"accountId": u.AccountID}
			} else {
				a["name"] = u.Name
			}
			actors = append(actors, a)
		}
		for _, g := range r.Groups {
			actors = append(actors, map[string]any{"type": "atlassian-group-role-actor", "displayName": g, "name": g,
				"actorGroup": map[string]any{"name": g, "displayName": g, "groupId": "gid-" + strings.ToLower(g)}})
		}
		return http.StatusOK, map[string]any{"id": r.ID, "name": r.Name, "actors": actors}
	}
	return notFound("The project role is not used in the project.")
}

// getUser answers /user?accountId= (Cloud) or ?username= (Server).
func (s *Server) getUser(c *call) (int, any) {
	q := c.r.URL.Query()
	for _, u := range s.data.Users {
		if c.v3 && u.AccountID == q.Get("accountId") || !c.v3 && u.Name == q.Get("username") {
			return http.StatusOK, c.userJSON(u, false)
		}
	}
	return notFound("The user does not exist.")
}
