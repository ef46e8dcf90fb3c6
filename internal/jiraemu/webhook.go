package jiraemu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// The webhook events Jira sends for issues and their comments.
const (
	IssueCreated   = "jira:issue_created"
	IssueUpdated   = "jira:issue_updated"
	IssueDeleted   = "jira:issue_deleted"
	CommentCreated = "comment_created"
	CommentUpdated = "comment_updated"
	CommentDeleted = "comment_deleted"
)

// WebhookEvent is what one webhook delivery reports.
type WebhookEvent struct {
	// Name is the payload's webhookEvent, such as IssueUpdated; any other
	// name (worklog_created, issuelink_created ...) is sent as given.
	Name string
	// Site is the address the payload's self links start with, such as
	// https://your-domain.atlassian.net.
	Site string
	// Issue is the issue the event is about. For a deletion, keep the
	// issue from before DeleteIssue.
	Issue *Issue
	// Comment is the comment of a comment event.
	Comment *Comment
	// User is who acted; the issue's reporter when nil.
	User *User
	// MovedFrom is the key the issue had before the move an IssueUpdated
	// event reports; its changelog then names the old and new key.
	MovedFrom string
	// Time is when it happened; the issue's update time when zero.
	Time time.Time
	// Retry, when positive, marks a redelivery: Jira sets
	// X-Atlassian-Webhook-Retry to the attempt number.
	Retry int
}

// Webhook returns the headers and body Jira Cloud sends to an admin
// webhook for ev: a JSON payload with timestamp (milliseconds),
// webhookEvent, issue_event_type_name, user, the issue (id, self, key and
// its fields as API version 2 writes them), the comment of a comment event
// and the changelog of an update. With a secret, the body is signed as
// Jira signs deliveries of a webhook that has one: X-Hub-Signature is
// "sha256=" and the hex HMAC-SHA256 of the body under the secret. Without
// one, the delivery is unsigned.
func (s *Server) Webhook(ev WebhookEvent, secret string) (http.Header, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{base: strings.TrimRight(ev.Site, "/"), v3: true}
	at := ev.Time
	if at.IsZero() && ev.Issue != nil {
		at = ev.Issue.Updated
	}
	payload := map[string]any{"timestamp": at.UnixMilli(), "webhookEvent": ev.Name,
		"matchedWebhookIds": []int{1}}
	if t := eventTypeName(ev.Name); t != "" {
		payload["issue_event_type_name"] = t
	}
	if is := ev.Issue; is != nil {
		who := ev.User
		if who == nil {
			who = is.Reporter
		}
		payload["user"] = c.userJSON(who, false)
		payload["issue"] = s.webhookIssue(c, is)
		if ev.Comment != nil {
			cm := c.commentJSON(is, ev.Comment)
			cm["body"] = (&call{}).body(ev.Comment.Body)
			cm["self"] = c.base + "/rest/api/2/issue/" + is.ID + "/comment/" + ev.Comment.ID
			payload["comment"] = cm
		}
		if ev.Name == IssueUpdated {
			payload["changelog"] = changelog(s.data, ev)
		}
	}
	body, _ := json.Marshal(payload)
	sum := sha256.Sum256(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("User-Agent", "Atlassian Webhook HTTP Client")
	h.Set("X-Atlassian-Webhook-Identifier", hex.EncodeToString(sum[:8]))
	if ev.Retry > 0 {
		h.Set("X-Atlassian-Webhook-Retry", fmt.Sprint(ev.Retry))
	}
	if secret != "" {
		h.Set("X-Hub-Signature", Sign(secret, body))
	}
	return h, body
}

// eventTypeName is the issue_event_type_name Jira sends with an event.
func eventTypeName(name string) string {
	switch name {
	case IssueCreated:
		return "issue_created"
	case IssueUpdated:
		return "issue_generic"
	case CommentCreated:
		return "issue_commented"
	case CommentUpdated:
		return "issue_comment_edited"
	case CommentDeleted:
		return "issue_comment_deleted"
	}
	return ""
}

// webhookIssue writes the issue as a payload carries it.
func (s *Server) webhookIssue(c *call, is *Issue) map[string]any {
	project := s.data.Project(projectOf(is.Key))
	if project == nil {
		project = &Project{Key: projectOf(is.Key), Name: projectOf(is.Key)}
	}
	fields := map[string]any{"summary": is.Summary, "created": jiraTime(is.Created), "updated": jiraTime(is.Updated),
		"status": named(is.Status), "priority": named(is.Priority), "issuetype": named(is.IssueType),
		"labels": append([]string{}, is.Labels...), "reporter": c.userJSON(is.Reporter, false),
		"assignee": c.userJSON(is.Assignee, false), "project": map[string]any{"id": project.ID, "key": project.Key,
			"name": project.Name, "self": c.base + "/rest/api/2/project/" + project.ID},
		"description": (&call{}).body(is.Description)}
	return map[string]any{"id": is.ID, "key": is.Key, "self": c.base + "/rest/api/2/issue/" + is.ID, "fields": fields}
}

// changelog is an update's changelog: the key and project of a move, or
// the update time otherwise.
func changelog(d *Data, ev WebhookEvent) map[string]any {
	items := []any{}
	if ev.MovedFrom != "" {
		from, to := d.Project(projectOf(ev.MovedFrom)), d.Project(projectOf(ev.Issue.Key))
		items = append(items, map[string]any{"field": "Key", "fieldtype": "jira", "fieldId": "issuekey",
			"from": nil, "fromString": ev.MovedFrom, "to": nil, "toString": ev.Issue.Key})
		if from != nil && to != nil && from != to {
			items = append(items, map[string]any{"field": "project", "fieldtype": "jira", "fieldId": "project",
				"from": from.ID, "fromString": from.Name, "to": to.ID, "toString": to.Name})
		}
	}
	return map[string]any{"id": ev.Issue.ID + "0" + fmt.Sprint(ev.Issue.Updated.UnixMilli()%100000), "items": items}
}

// projectOf is the project key of an issue key.
func projectOf(key string) string {
	p, _ := splitKey(key)
	return p
}

// Sign returns the X-Hub-Signature Jira gives a body under a webhook's
// secret: "sha256=" and the hex HMAC-SHA256 of the body.
func Sign(secret string, body []byte) string { return emulator.HubSignature(secret, body) }

// Deliver POSTs a delivery to url as Jira does, and fails unless the
// receiver answers with a 2xx status.
func Deliver(ctx context.Context, client *http.Client, url string, h http.Header, body []byte) error {
	return emulator.Deliver(ctx, client, url, h, body)
}
