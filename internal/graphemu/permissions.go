package graphemu

import (
	"net/http"
	"net/url"
)

// permissions answers /drives/{d}/items/{i}/permissions: the item's own
// permissions and, marked inheritedFrom, those of the folders above it.
func (s *Server) permissions(c *call) (int, any) {
	d, it, e := s.item(c)
	if e != nil {
		return 0, e
	}
	var out []any
	for at, n := it, 0; at != nil && n < 64; at, n = d.Item(at.ParentID), n+1 {
		for _, p := range at.Permissions {
			out = append(out, s.permissionJSON(d, it, at, p))
		}
		if at.ParentID == "" {
			break
		}
	}
	pg, next, err := page(s, c, out)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	return http.StatusOK, listing(pg, next)
}

func (s *Server) userIdentity(id string) map[string]any {
	u := s.data.User(id)
	if u == nil {
		return map[string]any{"user": map[string]any{"id": id, "displayName": id}}
	}
	return map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName, "email": u.Mail}}
}

func (s *Server) permissionJSON(d *Drive, it, from *Item, p Permission) map[string]any {
	m := map[string]any{"id": p.ID, "roles": p.Roles}
	if from != it {
		m["inheritedFrom"] = map[string]string{"driveId": d.ID, "id": from.ID}
	}
	switch {
	case p.LinkScope != "":
		m["link"] = map[string]any{"scope": p.LinkScope, "type": p.LinkType,
			"webUrl": "https://" + s.data.Host + "/:w:/s/" + url.PathEscape(p.ID)}
		m["hasPassword"] = false
		var ids []any
		for _, u := range p.LinkUsers {
			ids = append(ids, s.userIdentity(u))
		}
		if len(ids) > 0 {
			m["grantedToIdentitiesV2"] = ids
		}
	case p.Group != "":
		g := s.data.Group(p.Group)
		gi := map[string]any{"id": p.Group}
		if g != nil {
			gi["displayName"], gi["email"] = g.DisplayName, g.Mail
		}
		m["grantedToV2"] = map[string]any{"group": gi}
	case p.User != "":
		m["grantedToV2"] = s.userIdentity(p.User)
		m["grantedTo"] = s.userIdentity(p.User)
	}
	return m
}
