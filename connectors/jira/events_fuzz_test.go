package jira

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// FuzzHandleEvent hands the connector arbitrary bodies, signed with the
// webhook's secret: it never panics, refuses what it cannot read with a
// classified error, and yields only documents, nodes and deletions of the
// site's issues.
func FuzzHandleEvent(f *testing.F) {
	fx := newFixture(f, jiraemu.GenerateOptions{Projects: 2, Issues: 3, Comments: 1, Seed: 1}, jiraemu.Options{})
	for _, name := range []string{jiraemu.IssueUpdated, jiraemu.CommentDeleted, jiraemu.IssueDeleted, "worklog_created"} {
		_, body := fx.emu.Webhook(jiraemu.WebhookEvent{Name: name, Site: testSite, Issue: fx.data.Issue("AAA-1")}, "")
		f.Add(body)
	}
	var moved *jiraemu.Issue
	fx.emu.Update(func(d *jiraemu.Data) { moved = d.MoveIssue("AAA-2", "AAB") })
	_, body := fx.emu.Webhook(jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Site: testSite, Issue: moved, MovedFrom: "AAA-2"}, "")
	f.Add(body)
	f.Add([]byte(`{"webhookEvent":"comment_created","comment":{"self":"x/rest/api/2/issue/10001/comment/1"}}`))
	f.Add([]byte(`{"webhookEvent":"jira:issue_updated","issue":{"key":"aaa-1"},"changelog":{"items":[{"field":"Key","fromString":"ZZZ-9"}]}}`))
	f.Add([]byte(`{"webhookEvent":null,"issue":[]}`))
	c := webhookConnector(f, fx, fx.settings(Cloud, "AAA", "AAB"))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev := tributary.Event{Type: tributary.EventWebhook, Body: body,
			Header: http.Header{"X-Hub-Signature": {jiraemu.Sign(testWebhookSecret, body)}}}
		for it, err := range c.HandleEvent(t.Context(), ev) {
			if err != nil {
				if tributary.Kind(err) == nil {
					t.Fatalf("unclassified error: %v", err)
				}
				if errors.Is(err, tributary.ErrInsufficientPermissions) {
					t.Fatalf("a signed delivery was refused: %v", err)
				}
				return
			}
			for _, id := range []string{it.Deletion, docID(it), nodeID(it)} {
				if id != "" && !strings.HasPrefix(id, testSite+"/browse/") {
					t.Fatalf("item %q is not of the site", id)
				}
			}
		}
	})
}

func docID(it tributary.Item) string {
	if it.Document != nil {
		return it.Document.ID
	}
	return ""
}

func nodeID(it tributary.Item) string {
	if it.Node != nil {
		return it.Node.ID
	}
	return ""
}
