package notionemu

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
)

// stamp writes a time as Notion does: rounded down to the minute, with
// milliseconds and Z.
func stamp(t time.Time) string { return minute(t).Format("2006-01-02T15:04:05.000Z") }

// PageURL is the url Notion gives a page or database: its title as a slug
// and its id without dashes.
func PageURL(title, id string) string {
	var b strings.Builder
	for _, r := range title {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if slug != "" {
		slug += "-"
	}
	return "https://www.notion.so/" + slug + key(id)
}

func userRef(id string) map[string]any {
	if id == "" {
		id = BotID
	}
	return map[string]any{"object": "user", "id": id}
}

func parentJSON(p Parent) map[string]any {
	if p.Type == ParentWorkspace || p.Type == "" {
		return map[string]any{"type": "workspace", "workspace": true}
	}
	return map[string]any{"type": p.Type, p.Type: p.ID}
}

// RichText is one plain run of rich text with an optional link.
func RichText(text, link string) map[string]any {
	var l any
	var href any
	if link != "" {
		l, href = map[string]any{"url": link}, link
	}
	return map[string]any{"type": "text", "text": map[string]any{"content": text, "link": l},
		"annotations": map[string]any{"bold": false, "italic": false, "strikethrough": false, "underline": false, "code": false, "color": "default"},
		"plain_text":  text, "href": href}
}

func richTexts(text, link string) []any {
	if text == "" {
		return []any{}
	}
	return []any{RichText(text, link)}
}

func (s *Server) pageJSON(_ *call, p *Page) map[string]any {
	titleProp := p.TitleProperty
	if titleProp == "" {
		titleProp = "title"
		if p.Parent.Type == ParentDatabase {
			titleProp = "Name"
		}
	}
	props := map[string]any{titleProp: map[string]any{"id": "title", "type": "title", "title": richTexts(p.Title, "")}}
	for name, v := range p.Properties {
		props[name] = v
	}
	return map[string]any{"object": "page", "id": p.ID, "created_time": stamp(p.Created), "last_edited_time": stamp(p.Edited),
		"created_by": userRef(p.CreatedBy), "last_edited_by": userRef(p.EditedBy), "cover": nil, "icon": nil,
		"parent": parentJSON(p.Parent), "archived": p.Archived, "in_trash": p.Archived, "properties": props,
		"url": PageURL(p.Title, p.ID), "public_url": nil}
}

func (s *Server) databaseJSON(_ *call, db *Database) map[string]any {
	props := map[string]any{"Name": map[string]any{"id": "title", "name": "Name", "type": "title", "title": map[string]any{}}}
	for name, typ := range db.Schema {
		props[name] = map[string]any{"id": key(name)[:min(4, len(key(name)))], "name": name, "type": typ, typ: map[string]any{}}
	}
	return map[string]any{"object": "database", "id": db.ID, "created_time": stamp(db.Created), "last_edited_time": stamp(db.Edited),
		"created_by": userRef(""), "last_edited_by": userRef(""), "title": richTexts(db.Title, ""), "description": []any{},
		"icon": nil, "cover": nil, "properties": props, "parent": parentJSON(db.Parent), "url": PageURL(db.Title, db.ID),
		"archived": db.Archived, "in_trash": db.Archived, "is_inline": db.Inline, "public_url": nil}
}

func (s *Server) blockJSON(b *Block, parent Parent) map[string]any {
	hasChildren := len(b.Children) > 0
	var body map[string]any
	switch b.Type {
	case "paragraph", "quote", "callout", "bulleted_list_item", "numbered_list_item", "toggle":
		body = map[string]any{"rich_text": richTexts(b.Text, b.Link), "color": "default"}
	case "heading_1", "heading_2", "heading_3":
		body = map[string]any{"rich_text": richTexts(b.Text, b.Link), "color": "default", "is_toggleable": false}
	case "to_do":
		body = map[string]any{"rich_text": richTexts(b.Text, b.Link), "checked": b.Checked, "color": "default"}
	case "code":
		body = map[string]any{"rich_text": richTexts(b.Text, ""), "language": b.Language, "caption": []any{}}
	case "child_page", "child_database":
		body, hasChildren = map[string]any{"title": b.Text}, b.Type == "child_page"
	case "synced_block":
		var from any
		if b.SyncedFrom != "" {
			from = map[string]any{"type": "block_id", "block_id": b.SyncedFrom}
			hasChildren = true
		}
		body = map[string]any{"synced_from": from}
	case "table":
		width := 0
		if len(b.Children) > 0 {
			width = len(b.Children[0].Cells)
		}
		body = map[string]any{"table_width": width, "has_column_header": true, "has_row_header": false}
	case "table_row":
		cells := make([]any, 0, len(b.Cells))
		for _, c := range b.Cells {
			cells = append(cells, richTexts(c, ""))
		}
		body = map[string]any{"cells": cells}
	case "bookmark", "embed", "link_preview":
		body = map[string]any{"url": b.Link, "caption": richTexts(b.Text, "")}
	case "image", "file", "pdf", "video":
		body = map[string]any{"type": "external", "external": map[string]any{"url": b.Link}, "caption": richTexts(b.Text, "")}
	case "equation":
		body = map[string]any{"expression": b.Text}
	default: // divider, column_list, column, unsupported ...
		body = map[string]any{}
	}
	return map[string]any{"object": "block", "id": b.ID, "parent": parentJSON(parent), "created_time": stamp(b.Created),
		"last_edited_time": stamp(b.Edited), "created_by": userRef(""), "last_edited_by": userRef(""),
		"has_children": hasChildren, "archived": false, "in_trash": false, "type": b.Type, b.Type: body}
}

func (s *Server) userJSON(u *User) map[string]any {
	if u.Bot {
		return map[string]any{"object": "user", "id": u.ID, "type": "bot", "name": u.Name, "avatar_url": nil,
			"bot": map[string]any{"owner": map[string]any{"type": "workspace", "workspace": true}, "workspace_name": s.data.Workspace}}
	}
	person := map[string]any{}
	if !s.opts.HideEmails && u.Email != "" {
		person["email"] = u.Email
	}
	return map[string]any{"object": "user", "id": u.ID, "type": "person", "name": u.Name, "avatar_url": nil, "person": person}
}

func (s *Server) bot() *User { return &User{ID: BotID, Name: "Tributary", Bot: true} }

func (s *Server) getUser(c *call) (int, any) {
	id := c.r.PathValue("id")
	if id == "me" {
		return http.StatusOK, s.userJSON(s.bot())
	}
	if s.opts.NoUserInfo {
		return restricted()
	}
	if key(id) == key(BotID) {
		return http.StatusOK, s.userJSON(s.bot())
	}
	for _, u := range s.data.Users {
		if key(u.ID) == key(id) {
			return http.StatusOK, s.userJSON(u)
		}
	}
	return notFound("user", id)
}

func restricted() (int, any) {
	return errorOf(http.StatusForbidden, "restricted_resource", "Insufficient permissions for this endpoint.")
}

func (s *Server) listUsers(c *call) (int, any) {
	if s.opts.NoUserInfo {
		return restricted()
	}
	size, err := pageSize(c.r.URL.Query().Get("page_size"))
	if err != nil {
		return invalid(err.Error())
	}
	users := append(slices.Clone(s.data.Users), s.bot())
	from := 0
	if cur := c.r.URL.Query().Get("start_cursor"); cur != "" {
		if from = slices.IndexFunc(users, func(u *User) bool { return key(u.ID) == key(cur) }); from < 0 {
			return invalid("start_cursor provided is invalid: " + cur)
		}
	}
	end := min(from+size, len(users))
	results := make([]any, 0, end-from)
	for _, u := range users[from:end] {
		results = append(results, s.userJSON(u))
	}
	out := list("user", results, end < len(users))
	if end < len(users) {
		out["next_cursor"] = users[end].ID
	}
	return http.StatusOK, out
}
