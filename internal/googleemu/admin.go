package googleemu

import (
	"net/http"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

const adminPrefix = "/admin/directory/v1"

func (s *Server) adminRoutes() {
	p := adminPrefix
	s.Handle("GET "+p+"/users", s.serve(s.listUsers))
	s.Handle("GET "+p+"/groups", s.serve(s.listGroups))
	s.Handle("GET "+p+"/groups/{key}/members", s.serve(s.listMembers))
}

// directoryAdmin checks the scope and that the caller administers the
// domain, as the Directory API does.
func (s *Server) directoryAdmin(c *call, scopes ...string) *Reason {
	if !c.has(scopes...) {
		r := insufficientScopes()
		return &r
	}
	if u := s.data.User(c.caller); u == nil || !u.Admin {
		r := forbidden("Not Authorized to access this resource/api")
		return &r
	}
	if cu := c.r.FormValue("customer"); cu != "" && cu != "my_customer" {
		r := Reason{Status: http.StatusBadRequest, Domain: "global", Reason: "badRequest", Message: "Bad Request"}
		return &r
	}
	return nil
}

var pageParams = emulator.CursorParams{Cursor: "pageToken", Size: "maxResults", DefaultSize: 100, MaxSize: 500}

func (s *Server) listUsers(c *call) (int, any) {
	if bad := s.directoryAdmin(c, ScopeUserReadonly); bad != nil {
		return 0, *bad
	}
	if c.r.FormValue("customer") == "" && c.r.FormValue("domain") == "" {
		return 0, Reason{Status: http.StatusBadRequest, Domain: "global", Reason: "badRequest", Message: "Bad Request"}
	}
	users := slices.Clone(s.data.Users)
	slices.SortFunc(users, func(a, b *User) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) })
	page, next, err := emulator.CursorOf(c.r, users, pageParams)
	if err != nil {
		return 0, invalid("Invalid Input")
	}
	out := make([]any, 0, len(page))
	for _, u := range page {
		out = append(out, map[string]any{"kind": "admin#directory#user", "id": idOf(u.Email), "primaryEmail": u.Email,
			"name": map[string]any{"fullName": u.Name}, "isAdmin": u.Admin, "suspended": u.Suspended})
	}
	v := map[string]any{"kind": "admin#directory#users", "users": out}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func (s *Server) listGroups(c *call) (int, any) {
	if bad := s.directoryAdmin(c, ScopeGroupReadonly); bad != nil {
		return 0, *bad
	}
	page, next, err := emulator.CursorOf(c.r, s.data.Groups, emulator.CursorParams{Cursor: "pageToken", Size: "maxResults", DefaultSize: 200, MaxSize: 200})
	if err != nil {
		return 0, invalid("Invalid Input")
	}
	out := make([]any, 0, len(page))
	for _, g := range page {
		out = append(out, map[string]any{"kind": "admin#directory#group", "id": g.ID, "email": g.Email, "name": g.Name,
			"directMembersCount": len(g.Members)})
	}
	v := map[string]any{"kind": "admin#directory#groups", "groups": out}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func (s *Server) listMembers(c *call) (int, any) {
	if bad := s.directoryAdmin(c, ScopeGroupReadonly); bad != nil {
		return 0, *bad
	}
	key := c.r.PathValue("key")
	var g *Group
	for _, gr := range s.data.Groups {
		if gr.ID == key || strings.EqualFold(gr.Email, key) {
			g = gr
		}
	}
	if g == nil {
		return 0, notFound("Resource", key)
	}
	page, next, err := emulator.CursorOf(c.r, g.Members, emulator.CursorParams{Cursor: "pageToken", Size: "maxResults", DefaultSize: 200, MaxSize: 200})
	if err != nil {
		return 0, invalid("Invalid Input")
	}
	out := make([]any, 0, len(page))
	for _, m := range page {
		typ := "USER"
		for _, gr := range s.data.Groups {
			if strings.EqualFold(gr.Email, m) {
				typ = "GROUP"
			}
		}
		out = append(out, map[string]any{"kind": "admin#directory#member", "id": idOf(m), "email": m, "role": "MEMBER",
			"type": typ, "status": "ACTIVE"})
	}
	v := map[string]any{"kind": "admin#directory#members", "members": out}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

// idOf makes a stable numeric-looking id from an address.
func idOf(s string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	const digits = "0123456789"
	b := make([]byte, 21)
	for i := range b {
		b[i] = digits[h%10]
		h = h/10 + uint64(i)*7919
	}
	b[0] = '1'
	return string(b)
}
