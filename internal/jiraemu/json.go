package jiraemu

import (
	"slices"
	"strings"
	"time"
)

// timeLayout is how Jira writes times: milliseconds and a numeric offset
// without a colon.
const timeLayout = "2006-01-02T15:04:05.000-0700"

func jiraTime(t time.Time) string { return t.Format(timeLayout) }

// userJSON writes an account as Cloud (accountId) or Server (name, key)
// does; the e-mail address is left out when the user hides it from others.
func (c *call) userJSON(u *User, self bool) map[string]any {
	if u == nil {
		return nil
	}
	m := map[string]any{"displayName": u.DisplayName, "active": true, "timeZone": u.TimeZone}
	if c.v3 {
		m["accountId"] = u.AccountID
		m["accountType"] = "atlassian"
		m["self"] = c.base + "/rest/api/3/user?accountId=" + u.AccountID
	} else {
		m["name"], m["key"] = u.Name, u.Name
		m["self"] = c.base + "/rest/api/2/user?username=" + u.Name
	}
	if u.Email != "" && (self || !u.HideEmail) {
		m["emailAddress"] = u.Email
	}
	return m
}

func (c *call) projectJSON(p *Project) map[string]any {
	return map[string]any{"id": p.ID, "key": p.Key, "name": p.Name,
		"self": c.base + "/rest/api/" + c.version() + "/project/" + p.ID, "projectTypeKey": "software"}
}

func (c *call) version() string {
	if c.v3 {
		return "3"
	}
	return "2"
}

func named(name string) any {
	if name == "" {
		return nil
	}
	return map[string]any{"name": name}
}

// issuesJSON writes issues with the fields asked for: none but id and key
// when fields is empty (Cloud's enhanced search), every field for "*all" or
// "*navigable".
func (s *Server) issuesJSON(c *call, hits []hit, fields []string) []any {
	out := make([]any, 0, len(hits))
	all := slices.Contains(fields, "*all") || slices.Contains(fields, "*navigable")
	want := func(f string) bool { return all || slices.Contains(fields, f) }
	for _, h := range hits {
		is := h.is
		m := map[string]any{"id": is.ID, "key": is.Key, "self": c.base + "/rest/api/" + c.version() + "/issue/" + is.ID}
		f := map[string]any{}
		add := func(name string, v func() any) {
			if want(name) {
				f[name] = v()
			}
		}
		add("summary", func() any { return is.Summary })
		add("description", func() any { return c.body(is.Description) })
		add("created", func() any { return jiraTime(is.Created) })
		add("updated", func() any { return jiraTime(is.Updated) })
		add("reporter", func() any { return c.userJSON(is.Reporter, false) })
		add("creator", func() any { return c.userJSON(is.Creator, false) })
		add("assignee", func() any { return c.userJSON(is.Assignee, false) })
		add("labels", func() any { return append([]string{}, is.Labels...) })
		add("status", func() any { return named(is.Status) })
		add("priority", func() any { return named(is.Priority) })
		add("issuetype", func() any { return named(is.IssueType) })
		add("resolution", func() any { return named(is.Resolution) })
		add("project", func() any { return c.projectJSON(h.p) })
		add("security", func() any {
			if is.SecurityLevel == "" {
				return nil
			}
			return map[string]any{"id": "1" + is.ID, "name": is.SecurityLevel}
		})
		add("comment", func() any {
			n := min(len(is.Comments), s.opts.EmbeddedComments)
			cs := make([]any, 0, n)
			for _, cm := range is.Comments[:n] {
				cs = append(cs, c.commentJSON(is, cm))
			}
			return map[string]any{"comments": cs, "maxResults": n, "total": len(is.Comments), "startAt": 0}
		})
		if len(f) > 0 {
			m["fields"] = f
		}
		out = append(out, m)
	}
	return out
}

func (c *call) commentJSON(is *Issue, cm *Comment) map[string]any {
	return map[string]any{"id": cm.ID, "self": c.base + "/rest/api/" + c.version() + "/issue/" + is.ID + "/comment/" + cm.ID,
		"author": c.userJSON(cm.Author, false), "updateAuthor": c.userJSON(cm.Author, false),
		"body": c.body(cm.Body), "created": jiraTime(cm.Created), "updated": jiraTime(cm.Updated)}
}

// body is an ADF document on Cloud and its plain text on Server.
func (c *call) body(doc map[string]any) any {
	if doc == nil {
		return nil
	}
	if c.v3 {
		return doc
	}
	var b strings.Builder
	plain(&b, doc)
	return strings.TrimSpace(b.String())
}

// plain writes the text of an ADF node, one line per block.
func plain(b *strings.Builder, n map[string]any) {
	if t, ok := n["text"].(string); ok {
		b.WriteString(t)
	}
	if n["type"] == "mention" {
		if attrs, ok := n["attrs"].(map[string]any); ok {
			if t, ok := attrs["text"].(string); ok {
				b.WriteString(t)
			}
		}
	}
	content, _ := n["content"].([]any)
	for _, ch := range content {
		if m, ok := ch.(map[string]any); ok {
			plain(b, m)
		}
	}
	switch n["type"] {
	case "paragraph", "heading", "codeBlock", "listItem", "tableRow":
		b.WriteString("\n")
	}
}
