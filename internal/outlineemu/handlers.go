package outlineemu

import (
	"cmp"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// readable reports whether the call's user may read the collection.
func (s *Server) readable(c *call, col *Collection) bool {
	if col == nil || col.Deleted {
		return false
	}
	if col.Permission != PermissionNone && c.user.Role != RoleGuest {
		return true
	}
	return s.member(c.user, col.Members)
}

// member reports whether a membership list names the user, directly or
// through a group.
func (s *Server) member(u *User, ms []Membership) bool {
	for _, m := range ms {
		if m.UserID == u.ID {
			return true
		}
		if g := s.data.Group(m.GroupID); g != nil && slices.Contains(g.Members, u.ID) {
			return true
		}
	}
	return false
}

// readableDoc reports whether the call's user may read the document: in a
// collection they may read, or through a membership of its own.
func (s *Server) readableDoc(c *call, d *Document) bool {
	return s.readable(c, s.data.Collection(d.CollectionID)) || s.member(c.user, d.Members)
}

func (s *Server) userJSON(u *User, email bool) map[string]any {
	if u == nil {
		return nil
	}
	m := map[string]any{"id": u.ID, "name": u.Name, "avatarUrl": nil, "color": "#4E5C6E", "role": u.Role,
		"isSuspended": u.Suspended, "createdAt": "2023-01-01T00:00:00.000Z", "updatedAt": "2023-01-01T00:00:00.000Z",
		"deletedAt": nil, "lastActiveAt": nil, "timezone": "UTC"}
	if email {
		m["email"] = u.Email
	}
	return m
}

// seesEmail reports whether the call's user may read u's address: admins
// may, and everyone their own.
func (c *call) seesEmail(u *User) bool { return c.user.Role == RoleAdmin || c.user.ID == u.ID }

func (s *Server) collectionJSON(col *Collection) map[string]any {
	var perm any
	if col.Permission != PermissionNone {
		perm = col.Permission
	}
	return map[string]any{"id": col.ID, "urlId": col.URLID, "url": col.Path(), "name": col.Name,
		"description": col.Description, "sort": map[string]string{"field": "index", "direction": "asc"},
		"index": "a0", "icon": nil, "color": "#4E5C6E", "permission": perm, "sharing": true,
		"createdAt": stamp(col.CreatedAt), "updatedAt": stamp(col.UpdatedAt), "deletedAt": nil, "archivedAt": nil}
}

func (s *Server) documentJSON(d *Document) map[string]any {
	collaborators := d.Collaborators
	if collaborators == nil {
		collaborators = []string{}
	}
	var parent any
	if d.ParentID != "" {
		parent = d.ParentID
	}
	m := map[string]any{"id": d.ID, "url": d.Path(), "urlId": d.URLID, "title": d.Title, "text": d.Text,
		"icon": nil, "color": nil, "tasks": map[string]int{"completed": 0, "total": 0},
		"createdAt": stamp(d.CreatedAt), "createdBy": s.userJSON(s.data.User(d.CreatedBy), false),
		"updatedAt": stamp(d.UpdatedAt), "updatedBy": s.userJSON(s.data.User(d.UpdatedBy), false),
		"publishedAt": stamp(d.PublishedAt), "archivedAt": stamp(d.ArchivedAt), "deletedAt": stamp(d.DeletedAt),
		"collaboratorIds": collaborators, "revision": 1, "fullWidth": false, "collectionId": d.CollectionID,
		"parentDocumentId": parent, "isCollectionDeleted": false, "templateId": nil}
	if d.Broken {
		delete(m, "text")
		m["data"] = map[string]any{"type": "doc", "content": []any{}}
	}
	if d.Malformed {
		delete(m, "updatedAt")
	}
	return m
}

func groupJSON(g *Group) map[string]any {
	return map[string]any{"id": g.ID, "name": g.Name, "description": nil, "externalId": nil,
		"memberCount": len(g.Members), "createdAt": stamp(g.CreatedAt), "updatedAt": stamp(g.CreatedAt)}
}

func (s *Server) authInfo(c *call) (int, any) {
	return http.StatusOK, map[string]any{"data": map[string]any{
		"user": s.userJSON(c.user, true),
		"team": map[string]any{"id": s.data.TeamID, "name": s.data.TeamName, "url": emulator.BaseURL(c.r)},
	}}
}

func (s *Server) collectionsList(c *call) (int, any) {
	var out []any
	for _, col := range s.data.Collections {
		if s.readable(c, col) {
			out = append(out, s.collectionJSON(col))
		}
	}
	items, p := page(s, c, out)
	return http.StatusOK, map[string]any{"pagination": p, "data": nonNil(items), "policies": []any{}}
}

// collection finds the collection the body's id names and checks that the
// user may read it.
func (s *Server) collection(c *call) (*Collection, int, any) {
	id := c.str("id")
	if id == "" {
		st, v := invalid("id: Required")
		return nil, st, v
	}
	col := s.data.Collection(id)
	if col == nil || col.Deleted {
		st, v := notFound()
		return nil, st, v
	}
	if !s.readable(c, col) {
		st, v := forbidden()
		return nil, st, v
	}
	return col, 0, nil
}

func (s *Server) collectionsInfo(c *call) (int, any) {
	col, st, v := s.collection(c)
	if col == nil {
		return st, v
	}
	return http.StatusOK, map[string]any{"data": s.collectionJSON(col), "policies": []any{}}
}

// collectionsDocuments answers the collection's tree of published
// documents as navigation nodes.
func (s *Server) collectionsDocuments(c *call) (int, any) {
	col, st, v := s.collection(c)
	if col == nil {
		return st, v
	}
	var tree func(parent string) []any
	tree = func(parent string) []any {
		out := []any{}
		for _, d := range s.data.Documents {
			if d.CollectionID == col.ID && d.ParentID == parent && d.Live() {
				out = append(out, map[string]any{"id": d.ID, "title": d.Title, "url": d.Path(), "children": tree(d.ID)})
			}
		}
		return out
	}
	return http.StatusOK, map[string]any{"data": tree("")}
}

// memberships answers the users or the groups of a membership list.
func (s *Server) memberships(c *call, ms []Membership, groups bool, where map[string]any) (int, any) {
	var rows []Membership
	for _, m := range ms {
		if (m.GroupID != "") == groups {
			rows = append(rows, m)
		}
	}
	rows, p := page(s, c, rows)
	var list, people []any
	for _, m := range rows {
		row := map[string]any{"id": m.UserID + m.GroupID + "-membership", "permission": m.Permission}
		for k, v := range where {
			row[k] = v
		}
		if groups {
			row["groupId"] = m.GroupID
			if g := s.data.Group(m.GroupID); g != nil {
				people = append(people, groupJSON(g))
			}
		} else {
			row["userId"] = m.UserID
			people = append(people, s.userJSON(s.data.User(m.UserID), false))
		}
		list = append(list, row)
	}
	key, whoKey := "memberships", "users"
	if groups {
		key, whoKey = "groupMemberships", "groups"
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": map[string]any{key: nonNil(list), whoKey: nonNil(people)}}
}

func (s *Server) collectionMemberships(c *call) (int, any) {
	col, st, v := s.collection(c)
	if col == nil {
		return st, v
	}
	return s.memberships(c, col.Members, false, map[string]any{"collectionId": col.ID, "documentId": nil})
}

func (s *Server) collectionGroupMemberships(c *call) (int, any) {
	col, st, v := s.collection(c)
	if col == nil {
		return st, v
	}
	return s.memberships(c, col.Members, true, map[string]any{"collectionId": col.ID, "documentId": nil})
}

var documentSorts = []string{"updatedAt", "createdAt", "publishedAt", "title"}

func (s *Server) documentsList(c *call) (int, any) {
	sort := cmp.Or(c.str("sort"), "updatedAt")
	if !slices.Contains(documentSorts, sort) {
		return invalid("sort: Invalid input")
	}
	asc := c.str("direction") == "ASC"
	colID, parent := c.str("collectionId"), c.str("parentDocumentId")
	if colID != "" {
		col := s.data.Collection(colID)
		if col == nil || col.Deleted {
			return notFound()
		}
		if !s.readable(c, col) {
			return forbidden()
		}
	}
	var docs []*Document
	for _, d := range s.data.Documents {
		if !d.Live() || colID != "" && d.CollectionID != colID || parent != "" && d.ParentID != parent || !s.readableDoc(c, d) {
			continue
		}
		docs = append(docs, d)
	}
	key := func(d *Document) time.Time {
		switch sort {
		case "createdAt":
			return d.CreatedAt
		case "publishedAt":
			return d.PublishedAt
		}
		return d.UpdatedAt
	}
	slices.SortStableFunc(docs, func(a, b *Document) int {
		var o int
		if sort == "title" {
			o = strings.Compare(a.Title, b.Title)
		} else {
			o = key(a).Truncate(time.Millisecond).Compare(key(b).Truncate(time.Millisecond))
		}
		if !asc {
			o = -o
		}
		if o == 0 && s.opts.ShuffleTies {
			return cmp.Compare(tieKey(a.ID, s.shuffles), tieKey(b.ID, s.shuffles))
		}
		return cmp.Or(o, strings.Compare(a.ID, b.ID))
	})
	s.shuffles++
	docs, p := page(s, c, docs)
	out := make([]any, 0, len(docs))
	for _, d := range docs {
		out = append(out, s.documentJSON(d))
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": out, "policies": []any{}}
}

// document finds the document the body's id (uuid or urlId) names and
// checks that the user may read it: an archived one too, a deleted one
// only for its creator or an admin, who may restore it.
func (s *Server) document(c *call) (*Document, int, any) {
	id := c.str("id")
	if id == "" {
		st, v := invalid("id: Required")
		return nil, st, v
	}
	d := s.data.Document(id)
	if d == nil && strings.Contains(id, "-") {
		// a slug with the urlId at its end
		d = s.data.Document(id[strings.LastIndex(id, "-")+1:])
	}
	if d == nil || d.PublishedAt.IsZero() && d.CreatedBy != c.user.ID {
		st, v := notFound()
		return nil, st, v
	}
	if !d.DeletedAt.IsZero() && c.user.Role != RoleAdmin && d.CreatedBy != c.user.ID {
		st, v := notFound()
		return nil, st, v
	}
	if !s.readableDoc(c, d) {
		st, v := forbidden()
		return nil, st, v
	}
	return d, 0, nil
}

func (s *Server) documentsInfo(c *call) (int, any) {
	d, st, v := s.document(c)
	if d == nil {
		return st, v
	}
	return http.StatusOK, map[string]any{"data": s.documentJSON(d), "policies": []any{}}
}

func (s *Server) documentMemberships(c *call) (int, any) {
	d, st, v := s.document(c)
	if d == nil {
		return st, v
	}
	return s.memberships(c, d.Members, false, map[string]any{"documentId": d.ID, "collectionId": nil})
}

func (s *Server) documentGroupMemberships(c *call) (int, any) {
	d, st, v := s.document(c)
	if d == nil {
		return st, v
	}
	return s.memberships(c, d.Members, true, map[string]any{"documentId": d.ID, "collectionId": nil})
}

func (s *Server) groupsList(c *call) (int, any) {
	if c.user.Role == RoleGuest {
		return forbidden()
	}
	groups, p := page(s, c, s.data.Groups)
	list := []any{}
	for _, g := range groups {
		list = append(list, groupJSON(g))
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": map[string]any{"groups": list, "groupMemberships": []any{}}}
}

func (s *Server) groupsMemberships(c *call) (int, any) {
	if c.user.Role == RoleGuest {
		return forbidden()
	}
	g := s.data.Group(c.str("id"))
	if g == nil {
		return notFound()
	}
	ids, p := page(s, c, g.Members)
	rows, users := []any{}, []any{}
	for _, id := range ids {
		u := s.data.User(id)
		if u == nil {
			continue
		}
		rows = append(rows, map[string]any{"id": u.ID + "-" + g.ID, "userId": u.ID, "groupId": g.ID, "permission": "member",
			"user": s.userJSON(u, false)})
		users = append(users, s.userJSON(u, false))
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": map[string]any{"groupMemberships": rows, "users": users}}
}

func (s *Server) usersList(c *call) (int, any) {
	users, p := page(s, c, s.data.Users)
	out := []any{}
	for _, u := range users {
		out = append(out, s.userJSON(u, c.seesEmail(u)))
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": out, "policies": []any{}}
}

func (s *Server) usersInfo(c *call) (int, any) {
	u := c.user
	if id := c.str("id"); id != "" {
		if u = s.data.User(id); u == nil {
			return notFound()
		}
	}
	return http.StatusOK, map[string]any{"data": s.userJSON(u, c.seesEmail(u)), "policies": []any{}}
}

// eventsList answers activity events, newest first by default. Members
// must name a collection or a document they may read.
func (s *Server) eventsList(c *call) (int, any) {
	var names []string
	if raw, ok := c.body["events"]; ok {
		if err := json.Unmarshal(raw, &names); err != nil {
			return invalid("events: Expected array")
		}
	}
	colID, docID := c.str("collectionId"), c.str("documentId")
	if c.user.Role != RoleAdmin && colID == "" && docID == "" {
		return forbidden()
	}
	if colID != "" && !s.readable(c, s.data.Collection(colID)) {
		return forbidden()
	}
	var evs []*Event
	for _, e := range s.data.Events {
		if len(names) > 0 && !slices.Contains(names, e.Name) || colID != "" && e.CollectionID != colID ||
			docID != "" && e.DocumentID != docID {
			continue
		}
		if colID == "" && !s.readable(c, s.data.Collection(e.CollectionID)) {
			continue
		}
		evs = append(evs, e)
	}
	asc := c.str("direction") == "ASC"
	slices.SortStableFunc(evs, func(a, b *Event) int {
		o := a.CreatedAt.Compare(b.CreatedAt)
		if !asc {
			o = -o
		}
		return cmp.Or(o, strings.Compare(a.ID, b.ID))
	})
	evs, p := page(s, c, evs)
	out := []any{}
	for _, e := range evs {
		out = append(out, map[string]any{"id": e.ID, "name": e.Name, "modelId": e.DocumentID, "actorId": e.ActorID,
			"collectionId": e.CollectionID, "documentId": e.DocumentID, "createdAt": stamp(e.CreatedAt),
			"data": map[string]any{}, "actor": s.userJSON(s.data.User(e.ActorID), false)})
	}
	return http.StatusOK, map[string]any{"pagination": p, "data": out}
}

// tieKey orders tied documents for one listing.
func tieKey(id string, listing uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() ^ (listing * 0x9e3779b97f4a7c15)
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}
