package jiraemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebhookPayloadAndSignature(t *testing.T) {
	s, d := newTestServer(t, Options{})
	is := d.Issue("AAA-2")
	cm := is.Comments[0]
	h, body := s.Webhook(WebhookEvent{Name: CommentCreated, Site: site + "/", Issue: is, Comment: cm, Retry: 1}, "sekrit")
	assert.Equal(t, Sign("sekrit", body), h.Get("X-Hub-Signature"))
	assert.Regexp(t, `^sha256=[0-9a-f]{64}$`, h.Get("X-Hub-Signature"))
	assert.Equal(t, "1", h.Get("X-Atlassian-Webhook-Retry"))
	assert.NotEmpty(t, h.Get("X-Atlassian-Webhook-Identifier"))

	var p struct {
		Timestamp    int64  `json:"timestamp"`
		WebhookEvent string `json:"webhookEvent"`
		EventType    string `json:"issue_event_type_name"`
		User         struct {
			AccountID string `json:"accountId"`
		} `json:"user"`
		Issue struct {
			ID, Key, Self string
			Fields        struct {
				Summary string `json:"summary"`
				Project struct {
					Key string `json:"key"`
				} `json:"project"`
			} `json:"fields"`
		} `json:"issue"`
		Comment struct {
			ID   string `json:"id"`
			Self string `json:"self"`
			Body string `json:"body"`
		} `json:"comment"`
	}
	require.NoError(t, json.Unmarshal(body, &p))
	assert.Equal(t, is.Updated.UnixMilli(), p.Timestamp)
	assert.Equal(t, "comment_created", p.WebhookEvent)
	assert.Equal(t, "issue_commented", p.EventType)
	assert.Equal(t, is.Reporter.AccountID, p.User.AccountID)
	assert.Equal(t, is.Key, p.Issue.Key)
	assert.Equal(t, site+"/rest/api/2/issue/"+is.ID, p.Issue.Self)
	assert.Equal(t, "AAA", p.Issue.Fields.Project.Key)
	assert.Equal(t, cm.ID, p.Comment.ID)
	assert.Equal(t, site+"/rest/api/2/issue/"+is.ID+"/comment/"+cm.ID, p.Comment.Self)
	assert.NotEmpty(t, p.Comment.Body, "bodies are text, as API version 2 writes them")

	unsigned, _ := s.Webhook(WebhookEvent{Name: IssueDeleted, Site: site, Issue: is}, "")
	assert.Empty(t, unsigned.Get("X-Hub-Signature"))
}

func TestWebhookChangelogOfAMove(t *testing.T) {
	s, d := newTestServer(t, Options{})
	var moved *Issue
	s.Update(func(d *Data) { moved = d.MoveIssue("AAA-3", "AAB") })
	_, body := s.Webhook(WebhookEvent{Name: IssueUpdated, Site: site, Issue: moved, MovedFrom: "AAA-3"}, "x")
	var p struct {
		Changelog struct {
			Items []struct{ Field, FromString, ToString string } `json:"items"`
		} `json:"changelog"`
	}
	require.NoError(t, json.Unmarshal(body, &p))
	require.Len(t, p.Changelog.Items, 2)
	assert.Equal(t, "Key", p.Changelog.Items[0].Field)
	assert.Equal(t, "AAA-3", p.Changelog.Items[0].FromString)
	assert.Equal(t, moved.Key, p.Changelog.Items[0].ToString)
	assert.Equal(t, d.Project("AAB").Name, p.Changelog.Items[1].ToString)
}

func TestDeliver(t *testing.T) {
	var got []byte
	var sig string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		sig = r.Header.Get("X-Hub-Signature")
		if r.URL.Query().Get("refuse") != "" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer rcv.Close()
	s, d := newTestServer(t, Options{})
	h, body := s.Webhook(WebhookEvent{Name: IssueCreated, Site: site, Issue: d.Issue("AAB-1")}, "k")
	require.NoError(t, Deliver(t.Context(), rcv.Client(), rcv.URL, h, body))
	assert.Equal(t, body, got)
	assert.Equal(t, Sign("k", body), sig)
	assert.Error(t, Deliver(t.Context(), rcv.Client(), rcv.URL+"?refuse=1", h, body))
}
