package jira

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

const testWebhookSecret = "jira-webhook-secret-emulated"

var eventGen = jiraemu.GenerateOptions{Projects: 3, Issues: 5, Comments: 2, Seed: 5}

// receiver is a webhook endpoint that hands each delivery to the
// connector, as a host does: 401 for a delivery HandleEvent refuses, 200
// otherwise.
type receiver struct {
	c   *Connector
	srv *httptest.Server

	mu    sync.Mutex
	items []tributary.Item
	err   error
}

func newReceiver(t *testing.T, c *Connector) *receiver {
	rc := &receiver{c: c}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ev := tributary.Event{Type: tributary.EventWebhook, Header: r.Header, Body: body}
		var items []tributary.Item
		var failed error
		for it, err := range c.HandleEvent(r.Context(), ev) {
			if err != nil {
				failed = err
				break
			}
			items = append(items, it)
		}
		rc.mu.Lock()
		rc.items, rc.err = items, failed
		rc.mu.Unlock()
		switch {
		case errors.Is(failed, tributary.ErrInsufficientPermissions):
			w.WriteHeader(http.StatusUnauthorized)
		case failed != nil:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// deliver sends ev, signed with secret, from the emulated Jira to the
// receiver, and returns what HandleEvent yielded.
func (rc *receiver) deliver(t *testing.T, f *fixture, ev jiraemu.WebhookEvent, secret string) ([]tributary.Item, error) {
	t.Helper()
	ev.Site = testSite
	h, body := f.emu.Webhook(ev, secret)
	return rc.send(t, h, body)
}

func (rc *receiver) send(t *testing.T, h http.Header, body []byte) ([]tributary.Item, error) {
	t.Helper()
	_ = jiraemu.Deliver(t.Context(), rc.srv.Client(), rc.srv.URL, h, body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.items, rc.err
}

func webhookConnector(t testing.TB, f *fixture, s Settings) *Connector {
	t.Helper()
	cr := f.credentials(s.Deployment)
	cr.WebhookSecret = tributary.NewSecret(testWebhookSecret)
	c, err := newConnector(s, cr, f.env(), fastRetry)
	require.NoError(t, err)
	return c
}

// document returns the only document of items, after its project's node.
func document(t *testing.T, items []tributary.Item) *tributary.Document {
	t.Helper()
	require.Len(t, items, 2)
	require.NotNil(t, items[0].Node, "the project comes first")
	require.NotNil(t, items[1].Document)
	assert.Equal(t, items[0].Node.ID, items[1].Document.ParentID)
	return items[1].Document
}

func TestWebhookIssueAndCommentEvents(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		t.Run(deployment, func(t *testing.T) {
			f := newFixture(t, eventGen, jiraemu.Options{})
			rc := newReceiver(t, webhookConnector(t, f, f.settings(deployment, "AAA", "AAB")))
			is := f.data.Issue("AAA-1")
			items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: jiraemu.IssueCreated, Issue: is}, testWebhookSecret)
			require.NoError(t, err)
			d := document(t, items)
			assert.Equal(t, browse("AAA-1"), d.ID)
			assert.True(t, is.Updated.Equal(d.UpdatedAt))
			assert.Len(t, d.Sections, 1+len(is.Comments))

			// The payload is old; the document is read afresh.
			old, oldBody := f.emu.Webhook(jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Issue: is, Site: testSite}, testWebhookSecret)
			f.emu.Update(func(*jiraemu.Data) { is.Summary = "Renamed after the event"; is.Touch(is.Updated.Add(time.Hour)) })
			items, err = rc.send(t, old, oldBody)
			require.NoError(t, err)
			assert.Equal(t, "Renamed after the event", document(t, items).Title)

			var cm *jiraemu.Comment
			f.emu.Update(func(d *jiraemu.Data) {
				cm = &jiraemu.Comment{ID: "777", Author: d.Users[2], Body: jiraemu.Doc(jiraemu.Paragraph(jiraemu.Text("A new comment."))),
					Created: is.Updated.Add(time.Hour), Updated: is.Updated.Add(time.Hour)}
				is.Comments = append(is.Comments, cm)
			})
			for _, name := range []string{jiraemu.CommentCreated, jiraemu.CommentUpdated, jiraemu.CommentDeleted} {
				items, err = rc.deliver(t, f, jiraemu.WebhookEvent{Name: name, Issue: is, Comment: cm}, testWebhookSecret)
				require.NoError(t, err, name)
				d = document(t, items)
				assert.Equal(t, browse("AAA-1"), d.ID, name)
				assert.Len(t, d.Sections, 1+len(is.Comments), "%s refreshes the issue with its comments", name)
			}
		})
	}
}

// A deleted issue stays deleted whatever arrives after its deletion: a
// replayed or late delivery of an older event reads Jira, which no longer
// has it.
func TestWebhookDeletionIsNeverUndone(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	rc := newReceiver(t, webhookConnector(t, f, f.settings(Cloud)))
	is := f.data.Issue("AAB-2")
	created, createdBody := f.emu.Webhook(jiraemu.WebhookEvent{Name: jiraemu.IssueCreated, Issue: is, Site: testSite}, testWebhookSecret)
	updated, updatedBody := f.emu.Webhook(jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Issue: is, Site: testSite}, testWebhookSecret)
	f.emu.Update(func(d *jiraemu.Data) { d.DeleteIssue("AAB-2") })

	f.emu.ResetLog()
	items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: jiraemu.IssueDeleted, Issue: is}, testWebhookSecret)
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, browse("AAB-2"), items[0].Deletion)
	assert.Empty(t, f.emu.Requests(), "a deletion needs no request")

	for _, late := range []struct {
		h    http.Header
		body []byte
	}{{updated, updatedBody}, {created, createdBody}, {updated, updatedBody}} {
		items, err := rc.send(t, late.h, late.body)
		require.NoError(t, err)
		require.Len(t, items, 1)
		assert.Equal(t, browse("AAB-2"), items[0].Deletion, "a late delivery does not bring the issue back")
	}
	comment, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: jiraemu.CommentCreated, Issue: is, Comment: &jiraemu.Comment{ID: "42", Author: f.data.Users[1], Created: is.Updated, Updated: is.Updated}, Retry: 2}, testWebhookSecret)
	require.NoError(t, err)
	require.Len(t, comment, 1)
	assert.Equal(t, browse("AAB-2"), comment[0].Deletion)
}

func TestWebhookMovedIssue(t *testing.T) {
	for i, c := range []struct {
		projects []string
		want     string // the document, if any
		deleted  string
	}{
		{[]string{"AAA", "AAB"}, "AAB-6", "AAA-3"},
		{[]string{"AAA"}, "", "AAA-3"},
		{[]string{"AAB"}, "AAB-6", ""},
		{nil, "AAB-6", "AAA-3"},
	} {
		deployment := []string{Cloud, Server}[i%2]
		f := newFixture(t, eventGen, jiraemu.Options{})
		rc := newReceiver(t, webhookConnector(t, f, f.settings(deployment, c.projects...)))
		var moved *jiraemu.Issue
		f.emu.Update(func(d *jiraemu.Data) { moved = d.MoveIssue("AAA-3", "AAB") })
		require.Equal(t, "AAB-6", moved.Key)
		items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Issue: moved, MovedFrom: "AAA-3"}, testWebhookSecret)
		require.NoError(t, err)
		var docs, deleted []string
		for _, it := range items {
			if it.Document != nil {
				docs = append(docs, it.Document.ID)
			}
			if it.Deletion != "" {
				deleted = append(deleted, it.Deletion)
			}
		}
		if c.want != "" {
			assert.Equal(t, []string{browse(c.want)}, docs, "%v", c.projects)
		} else {
			assert.Empty(t, docs, "%v", c.projects)
		}
		if c.deleted != "" {
			assert.Equal(t, []string{browse(c.deleted)}, deleted, "%v", c.projects)
		} else {
			assert.Empty(t, deleted, "%v", c.projects)
		}
	}
}

func TestWebhookFilterAndScope(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	s := f.settings(Cloud, "AAA", "AAB")
	s.JQL = `status != "Done"`
	rc := newReceiver(t, webhookConnector(t, f, s))
	for _, is := range f.data.Project("AAA").Issues {
		items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Issue: is}, testWebhookSecret)
		require.NoError(t, err)
		if is.Status == "Done" {
			require.Len(t, items, 1, is.Key)
			assert.Equal(t, browse(is.Key), items[0].Deletion, "an issue the filter no longer admits leaves the index")
		} else {
			assert.Equal(t, browse(is.Key), document(t, items).ID)
		}
	}
	f.emu.ResetLog()
	for _, name := range []string{jiraemu.IssueCreated, jiraemu.IssueDeleted, jiraemu.CommentCreated} {
		items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: name, Issue: f.data.Issue("AAC-1")}, testWebhookSecret)
		require.NoError(t, err)
		assert.Empty(t, items, "AAC is not read")
	}
	assert.Empty(t, f.emu.Requests(), "events of projects not read cost no request")
}

func TestWebhookOtherEventsAreIgnored(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cr := f.credentials(Cloud)
	cr.WebhookSecret = tributary.NewSecret(testWebhookSecret)
	c, err := newConnector(f.settings(Cloud), cr, env, fastRetry)
	require.NoError(t, err)
	rc := newReceiver(t, c)
	for _, name := range []string{"worklog_created", "issuelink_created", "jira:version_released", "sprint_started", ""} {
		items, err := rc.deliver(t, f, jiraemu.WebhookEvent{Name: name, Issue: f.data.Issue("AAA-1")}, testWebhookSecret)
		require.NoError(t, err, name)
		assert.Empty(t, items, name)
	}
	assert.Empty(t, f.emu.Requests())
	assert.Contains(t, logs.String(), "worklog_created")
}

func TestWebhookSignatures(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	rc := newReceiver(t, webhookConnector(t, f, f.settings(Cloud)))
	ev := jiraemu.WebhookEvent{Name: jiraemu.IssueUpdated, Issue: f.data.Issue("AAA-2"), Site: testSite}
	f.emu.ResetLog()

	items, err := rc.deliver(t, f, ev, "another-secret")
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Empty(t, items)

	h, body := f.emu.Webhook(ev, testWebhookSecret)
	tampered := bytes.Replace(body, []byte("AAA-2"), []byte("AAA-3"), 1)
	items, err = rc.send(t, h, tampered)
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "a changed body fails the signature")
	assert.Empty(t, items)

	for _, sig := range []string{"", "sha256=", "sha256=zz", "sha1=" + jiraemu.Sign(testWebhookSecret, body)[7:], jiraemu.Sign(testWebhookSecret, body)[7:]} {
		h := h.Clone()
		h.Set("X-Hub-Signature", sig)
		_, err = rc.send(t, h, body)
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "signature %q", sig)
	}
	items, err = rc.deliver(t, f, ev, "")
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "an unsigned delivery")
	assert.Empty(t, items)
	assert.Empty(t, f.emu.Requests(), "nothing is read for a refused delivery")

	noSecret := newReceiver(t, f.connector(t, f.settings(Cloud)))
	_, err = noSecret.deliver(t, f, ev, testWebhookSecret)
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), testWebhookSecret)

	_, err = rc.send(t, h, body)
	assert.NoError(t, err, "the genuine delivery still passes")
}

func TestWebhookMalformedDeliveries(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	c := webhookConnector(t, f, f.settings(Cloud))
	for _, body := range []string{
		`not json`,
		`{"webhookEvent": "jira:issue_updated"}`,
		`{"webhookEvent": "jira:issue_updated", "issue": {"key": "not a key"}}`,
		`{"webhookEvent": "comment_created", "comment": {"self": "https://x/rest/api/2/issue/abc/comment/1"}}`,
		`{"webhookEvent": "jira:issue_deleted", "issue": {"id": "1/../2"}}`,
	} {
		ev := tributary.Event{Type: tributary.EventWebhook, Body: []byte(body),
			Header: http.Header{"X-Hub-Signature": {jiraemu.Sign(testWebhookSecret, []byte(body))}}}
		items, err := eventItems(t, c, ev)
		assert.ErrorIs(t, err, tributary.ErrMalformedResponse, body)
		assert.Empty(t, items, body)
	}
}

// A comment event that names its issue only by the comment's link finds
// the issue's key.
func TestWebhookCommentWithoutIssue(t *testing.T) {
	f := newFixture(t, eventGen, jiraemu.Options{})
	c := webhookConnector(t, f, f.settings(Cloud))
	is := f.data.Issue("AAB-4")
	for _, c2 := range []struct {
		body string
		want string
	}{
		{`{"webhookEvent": "comment_deleted", "comment": {"id": "9", "self": "` + testSite + `/rest/api/2/issue/` + is.ID + `/comment/9"}}`, browse("AAB-4")},
		{`{"webhookEvent": "comment_deleted", "comment": {"id": "9", "self": "` + testSite + `/rest/api/2/issue/99999/comment/9"}}`, ""},
	} {
		ev := tributary.Event{Type: tributary.EventWebhook, Body: []byte(c2.body),
			Header: http.Header{"X-Hub-Signature": {jiraemu.Sign(testWebhookSecret, []byte(c2.body))}}}
		items, err := eventItems(t, c, ev)
		require.NoError(t, err)
		if c2.want == "" {
			assert.Empty(t, items, "an issue Jira does not have is nothing to refresh")
			continue
		}
		assert.Equal(t, c2.want, document(t, items).ID)
	}
}

func eventItems(t *testing.T, c *Connector, ev tributary.Event) ([]tributary.Item, error) {
	var items []tributary.Item
	for it, err := range c.HandleEvent(t.Context(), ev) {
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
	return items, nil
}

// conformanceEvents are signed deliveries about issues of the conformance
// fixture: an updated and a commented issue to upsert, a deleted one
// to remove, and events the connector ignores.
func conformanceEvents(d *jiraemu.Data) []connectortest.Event {
	emu := jiraemu.New(d, jiraemu.Options{})
	defer emu.Close()
	var events []connectortest.Event
	for _, c := range []struct {
		name, key string
		upsert    bool
	}{
		{jiraemu.IssueUpdated, "AAB-2", true}, {jiraemu.CommentCreated, "AAA-4", true},
		{jiraemu.IssueDeleted, "AAA-6", false}, {"worklog_updated", "AAA-7", false},
	} {
		is := d.Issue(c.key)
		h, body := emu.Webhook(jiraemu.WebhookEvent{Name: c.name, Issue: is, Site: testSite}, testWebhookSecret)
		ev := connectortest.Event{Name: c.name + " " + c.key, Event: tributary.Event{Type: tributary.EventWebhook, Header: h, Body: body}}
		switch {
		case c.upsert:
			ev.WantIDs = []string{browse(c.key)}
		case c.name == jiraemu.IssueDeleted:
			ev.WantDeletions = []string{browse(c.key)}
		}
		events = append(events, ev)
	}
	return events
}

// The webhook secret is a secret in the registry's schema and never shows
// in the connector's printed form.
func TestWebhookSecretIsSecret(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	assert.True(t, r.Capabilities.Event)
	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["webhook_secret"]["x-secret"])
	cr := Credentials{WebhookSecret: tributary.NewSecret(testWebhookSecret)}
	out, err := json.Marshal(cr)
	require.NoError(t, err)
	assert.NotContains(t, string(out), testWebhookSecret)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", cr, cr, cr), testWebhookSecret)
}
