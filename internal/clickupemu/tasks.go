package clickupemu

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// tasks serves GET /list/{list}/task: the list's tasks (with
// include_timl, also those whose home is another list), without archived
// ones unless archived=true, closed ones unless include_closed=true and
// subtasks unless subtasks=true, filtered by date_updated_gt/lt and
// date_created_gt/lt (milliseconds, exclusive), ordered by order_by
// (created by default; updated, id, due_date), newest first unless
// reverse=true, in pages numbered from 0.
func (s *Server) tasks(r *http.Request, t *token) answer {
	l, found := s.data.FindList(r.PathValue("list"))
	if !found || !s.sees(t, l) {
		return notAuthorized
	}
	q := r.URL.Query()
	page, err := strconv.Atoi(cmp.Or(q.Get("page"), "0"))
	if err != nil || page < 0 {
		return fail(http.StatusBadRequest, "INPUT_005", "Page must be a non-negative integer")
	}
	var bounds [4]int64 // updated gt, lt, created gt, lt
	for i, name := range []string{"date_updated_gt", "date_updated_lt", "date_created_gt", "date_created_lt"} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fail(http.StatusBadRequest, "INPUT_003", name+" must be a number")
			}
			bounds[i] = n
		}
	}
	candidates := slices.Clone(l.List.Tasks)
	homes := map[*Task]Located{}
	if q.Get("include_timl") == "true" {
		for _, other := range l.Team.Lists() {
			for _, k := range other.List.Tasks {
				if other.List != l.List && slices.Contains(k.AlsoIn, l.List.ID) {
					candidates = append(candidates, k)
					homes[k] = other
				}
			}
		}
	}
	var picked []*Task
	for _, k := range candidates {
		up, cr := k.Updated.UnixMilli(), k.Created.UnixMilli()
		switch {
		case k.Archived != (q.Get("archived") == "true"),
			k.Closed && q.Get("include_closed") != "true",
			k.Parent != "" && q.Get("subtasks") != "true",
			bounds[0] != 0 && up <= bounds[0], bounds[1] != 0 && up >= bounds[1],
			bounds[2] != 0 && cr <= bounds[2], bounds[3] != 0 && cr >= bounds[3]:
			continue
		}
		picked = append(picked, k)
	}
	key := func(k *Task) int64 { return k.Created.UnixMilli() }
	switch q.Get("order_by") {
	case "updated":
		key = func(k *Task) int64 { return k.Updated.UnixMilli() }
	case "id":
		key = func(*Task) int64 { return 0 }
	}
	slices.SortStableFunc(picked, func(a, b *Task) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), strings.Compare(b.ID, a.ID)) // newest first
	})
	if q.Get("reverse") == "true" {
		slices.Reverse(picked)
	}
	size := s.opts.PageSize
	from := min(page*size, len(picked))
	to := min(from+size, len(picked))
	out := make([]any, 0, to-from)
	md := q.Get("include_markdown_description") == "true"
	for _, k := range picked[from:to] {
		home, ok := homes[k]
		if !ok {
			home = l
		}
		out = append(out, s.taskJSON(k, home, md))
	}
	return ok(map[string]any{"tasks": out, "last_page": to == len(picked)})
}

// taskJSON is a task as ClickUp answers it; l is its home list.
func (s *Server) taskJSON(k *Task, l Located, markdown bool) map[string]any {
	status := map[string]any{"status": k.Status, "color": "#d3d3d3", "type": "open", "orderindex": 0}
	var closed any
	if k.Closed {
		status["type"], closed = "closed", ms(k.Updated)
	}
	var creator any
	if u := s.data.User(k.Creator); u != nil {
		creator = s.userJSON(u)
	}
	tags := []any{}
	for _, tg := range k.Tags {
		tags = append(tags, map[string]any{"name": tg, "tag_fg": "#fff", "tag_bg": "#000", "creator": k.Creator})
	}
	var custom, parent any
	if k.CustomID != "" {
		custom = k.CustomID
	}
	if k.Parent != "" {
		parent = k.Parent
	}
	folder := map[string]any{"id": l.Space.ID, "name": "hidden", "hidden": true, "access": true}
	if l.Folder != nil {
		folder = map[string]any{"id": l.Folder.ID, "name": l.Folder.Name, "hidden": false, "access": true}
	}
	locations := []any{}
	for _, id := range k.AlsoIn {
		if other, ok := s.data.FindList(id); ok {
			locations = append(locations, map[string]any{"id": id, "name": other.List.Name})
		}
	}
	m := map[string]any{"id": k.ID, "custom_id": custom, "custom_item_id": 0, "name": k.Name, "text_content": k.TextContent,
		"description": k.TextContent, "status": status, "orderindex": "1.00000000000000000000000000000000",
		"date_created": ms(k.Created), "date_updated": ms(k.Updated), "date_closed": closed, "date_done": closed,
		"archived": k.Archived, "creator": creator, "assignees": s.members(k.Assignees, false), "group_assignees": []any{},
		"watchers": []any{}, "checklists": []any{}, "tags": tags, "parent": parent, "top_level_parent": parent, "priority": nil,
		"due_date": nil, "start_date": nil, "points": nil, "time_estimate": nil, "custom_fields": []any{},
		"dependencies": []any{}, "linked_tasks": []any{}, "locations": locations, "team_id": l.Team.ID,
		"url": "https://app.clickup.com/t/" + k.ID, "sharing": map[string]any{"public": false}, "permission_level": "create",
		"list":    map[string]any{"id": l.List.ID, "name": l.List.Name, "access": true},
		"project": folder, "folder": folder, "space": map[string]any{"id": l.Space.ID}}
	if markdown {
		m["markdown_description"] = k.Markdown
	}
	return m
}

// findTask reads the task a request names: by id, or with
// custom_task_ids=true and team_id by custom id.
func (s *Server) findTask(r *http.Request, t *token) (*Task, Located, answer) {
	q := r.URL.Query()
	custom := q.Get("custom_task_ids") == "true"
	if custom && q.Get("team_id") == "" {
		return nil, Located{}, fail(http.StatusBadRequest, "OAUTH_056", "Team id required when using custom task ids")
	}
	k, l, found := s.data.FindTask(r.PathValue("task"), custom, q.Get("team_id"))
	if !found {
		return nil, l, taskNotFound
	}
	if !s.sees(t, l) && !slices.Contains(k.Members, t.user) {
		return nil, l, notAuthorized
	}
	return k, l, answer{}
}

func (s *Server) task(r *http.Request, t *token) answer {
	k, l, a := s.findTask(r, t)
	if k == nil {
		return a
	}
	return ok(s.taskJSON(k, l, r.URL.Query().Get("include_markdown_description") == "true"))
}

func (s *Server) taskMembers(r *http.Request, t *token) answer {
	k, l, a := s.findTask(r, t)
	if k == nil {
		return a
	}
	ids := slices.Clone(l.Members())
	for _, m := range k.Members {
		if !slices.Contains(ids, m) {
			ids = append(ids, m)
		}
	}
	return ok(map[string]any{"members": s.members(ids, false)})
}

// comments serves GET /task/{task}/comment: the newest CommentPage
// comments, newest first; with start (milliseconds) and start_id, the
// ones before the comment they name.
func (s *Server) comments(r *http.Request, t *token) answer {
	k, _, a := s.findTask(r, t)
	if k == nil {
		return a
	}
	if k.Broken {
		return taskNotFound
	}
	q := r.URL.Query()
	var start int64
	if v := q.Get("start"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fail(http.StatusBadRequest, "INPUT_003", "start must be a number")
		}
		start = n
	}
	id := q.Get("start_id")
	sorted := slices.Clone(k.Comments)
	slices.SortFunc(sorted, func(a, b *Comment) int {
		return cmp.Or(b.Date.Compare(a.Date), compareIDs(b.ID, a.ID))
	})
	out := []any{}
	for _, c := range sorted {
		if len(out) == s.opts.CommentPage {
			break
		}
		at := c.Date.UnixMilli()
		if start != 0 && (at > start || at == start && compareIDs(c.ID, id) >= 0) {
			continue
		}
		var user any
		if u := s.data.User(c.User); u != nil {
			user = s.userJSON(u)
		}
		out = append(out, map[string]any{"id": c.ID, "comment": []any{map[string]any{"text": c.Text}}, "comment_text": c.Text,
			"user": user, "resolved": false, "assignee": nil, "assigned_by": nil, "reactions": []any{}, "date": ms(c.Date),
			"reply_count": "0"})
	}
	return ok(map[string]any{"comments": out})
}

// compareIDs orders numeric ids by number.
func compareIDs(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) }

// TaskURL is the web address of a task.
func TaskURL(id string) string { return "https://app.clickup.com/t/" + url.PathEscape(id) }

// Stamp is a time as ClickUp writes it: milliseconds since the epoch.
func Stamp(t time.Time) string { return ms(t) }
