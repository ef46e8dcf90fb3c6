package confluence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

const testWebhookSecret = "confluence-webhook-secret-emulated"

var eventGen = confluenceemu.GenerateOptions{Spaces: 3, Pages: 6, Comments: 2, Seed: 4}

var flavors = map[string]confluenceemu.Flavor{"cloud": confluenceemu.Cloud, "datacenter": confluenceemu.DataCenter}

// receiver is a webhook endpoint that hands each delivery to the
// connector, as a host does: the event's name comes from the address the
// webhook was registered with (?event=), as Cloud payloads do not carry
// it; 401 for a delivery HandleEvent refuses, 200 otherwise.
type receiver struct {
	srv *httptest.Server

	mu    sync.Mutex
	items []tributary.Item
	err   error
}

func newReceiver(t *testing.T, c *Connector) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ev := tributary.Event{Type: tributary.EventWebhook, Name: r.URL.Query().Get("event"), Header: r.Header, Body: body}
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

// delivery is one signed delivery, kept to be sent again later.
type delivery struct {
	name string
	h    http.Header
	body []byte
}

func (f *fixture) webhook(ev confluenceemu.WebhookEvent, secret string) delivery {
	ev.Site = f.site()
	h, body := f.emu.Webhook(ev, secret)
	return delivery{ev.Name, h, body}
}

// send posts d from the emulated Confluence to the receiver and returns
// what HandleEvent yielded.
func (rc *receiver) send(t *testing.T, d delivery) ([]tributary.Item, error) {
	t.Helper()
	_ = confluenceemu.Deliver(t.Context(), rc.srv.Client(), rc.srv.URL+"?event="+url.QueryEscape(d.name), d.h, d.body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.items, rc.err
}

func (rc *receiver) deliver(t *testing.T, f *fixture, ev confluenceemu.WebhookEvent) ([]tributary.Item, error) {
	t.Helper()
	return rc.send(t, f.webhook(ev, testWebhookSecret))
}

func webhookConnector(t testing.TB, f *fixture, s Settings) *Connector {
	t.Helper()
	cr := f.credentials()
	cr.WebhookSecret = tributary.NewSecret(testWebhookSecret)
	c, err := newConnector(s, cr, f.env(), fastRetry)
	require.NoError(t, err)
	return c
}

// outcome sums up items: the documents, the deletions, and whether every
// document came after its space's node.
type outcome struct {
	docs, deleted []string
	byID          map[string]*tributary.Document
}

func outcomeOf(t *testing.T, items []tributary.Item) outcome {
	t.Helper()
	o := outcome{byID: map[string]*tributary.Document{}}
	nodes := map[string]bool{}
	for _, it := range items {
		switch {
		case it.Node != nil:
			nodes[it.Node.ID] = true
		case it.Document != nil:
			assert.True(t, nodes[it.Document.ParentID], "%s comes after its parent", it.Document.ID)
			o.docs = append(o.docs, it.Document.ID)
			o.byID[it.Document.ID] = it.Document
		case it.Deletion != "":
			o.deleted = append(o.deleted, it.Deletion)
		case it.Failure != nil:
			t.Errorf("failure: %v", it.Failure)
		}
	}
	return o
}

func TestWebhookPageAndCommentEvents(t *testing.T) {
	for name, flavor := range flavors {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, eventGen, confluenceemu.Options{Flavor: flavor})
			rc := newReceiver(t, webhookConnector(t, f, f.settings("S000", "S001")))
			p := f.data.Pages[3]
			id := f.pageID(p)
			stale := f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageUpdated, Page: p}, testWebhookSecret)
			f.emu.Update(func(*confluenceemu.Data) {
				p.Body = "<p>Edited after the event was sent.</p>"
				p.Version++
				p.When = p.When.Add(time.Hour)
			})
			for _, d := range []delivery{
				f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageCreated, Page: p}, testWebhookSecret), stale,
				f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageRestored, Page: p}, testWebhookSecret),
				f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageMoved, Page: p}, testWebhookSecret),
			} {
				items, err := rc.send(t, d)
				require.NoError(t, err, d.name)
				o := outcomeOf(t, items)
				require.Equal(t, []string{id}, o.docs, d.name)
				assert.Empty(t, o.deleted, d.name)
				assert.Contains(t, o.byID[id].Sections[0].Text, "Edited after the event was sent.", "%s reads the page afresh", d.name)
				assert.True(t, p.When.Equal(o.byID[id].UpdatedAt))
			}

			var cm *confluenceemu.Comment
			f.emu.Update(func(d *confluenceemu.Data) {
				cm = &confluenceemu.Comment{ID: 99001, Body: "<p>A fresh comment.</p>", Author: d.Users[2], Created: p.When}
				p.Comments = append(p.Comments, cm)
			})
			for _, ev := range []string{confluenceemu.CommentCreated, confluenceemu.CommentUpdated, confluenceemu.CommentRemoved} {
				items, err := rc.deliver(t, f, confluenceemu.WebhookEvent{Name: ev, Page: p, Comment: cm})
				require.NoError(t, err, ev)
				o := outcomeOf(t, items)
				require.Equal(t, []string{id}, o.docs, ev)
				assert.Len(t, o.byID[id].Sections, 1+len(p.Comments), "%s refreshes the page with its comments", ev)
			}
		})
	}
}

// A page's fate follows Confluence, not the order deliveries arrive in: a
// late trash delivery does not remove a restored page, a late update does
// not bring back a trashed one.
func TestWebhookTrashAndRestoreInAnyOrder(t *testing.T) {
	for name, flavor := range flavors {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, eventGen, confluenceemu.Options{Flavor: flavor})
			rc := newReceiver(t, webhookConnector(t, f, f.settings()))
			p := f.data.Pages[4]
			id := f.pageID(p)
			updated := f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageUpdated, Page: p}, testWebhookSecret)
			trashed := f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageTrashed, Page: p}, testWebhookSecret)
			restored := f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageRestored, Page: p}, testWebhookSecret)

			f.emu.Update(func(*confluenceemu.Data) { p.Status = "trashed" })
			for _, d := range []delivery{trashed, updated, restored} {
				items, err := rc.send(t, d)
				require.NoError(t, err, d.name)
				o := outcomeOf(t, items)
				assert.Empty(t, o.docs, "%s while the page is in the trash", d.name)
				assert.Equal(t, []string{id}, o.deleted, d.name)
			}

			f.emu.Update(func(*confluenceemu.Data) { p.Status = "" })
			for _, d := range []delivery{restored, trashed, updated} {
				items, err := rc.send(t, d)
				require.NoError(t, err, d.name)
				o := outcomeOf(t, items)
				assert.Equal(t, []string{id}, o.docs, "%s once the page is restored", d.name)
				assert.Empty(t, o.deleted, d.name)
			}

			f.emu.Update(func(d *confluenceemu.Data) {
				d.Pages = slices.DeleteFunc(d.Pages, func(x *confluenceemu.Page) bool { return x == p })
			})
			for _, d := range []delivery{f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageRemoved, Page: p}, testWebhookSecret), updated, restored} {
				items, err := rc.send(t, d)
				require.NoError(t, err, d.name)
				o := outcomeOf(t, items)
				assert.Empty(t, o.docs, "%s once the page is gone", d.name)
				assert.Equal(t, []string{id}, o.deleted, d.name)
			}
		})
	}
}

// A delivery that names a page by its old title (or space) yields the
// page under its id now and the deletion of the old id.
func TestWebhookRenamedAndMovedPages(t *testing.T) {
	for name, flavor := range flavors {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, eventGen, confluenceemu.Options{Flavor: flavor})
			rc := newReceiver(t, webhookConnector(t, f, f.settings("S000", "S001")))
			p, q := f.data.Pages[2], f.data.Pages[5]
			oldP, oldQ := f.pageID(p), f.pageID(q)
			late := []delivery{
				f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageUpdated, Page: p}, testWebhookSecret),
				f.webhook(confluenceemu.WebhookEvent{Name: confluenceemu.PageUpdated, Page: q}, testWebhookSecret),
			}
			f.emu.Update(func(d *confluenceemu.Data) {
				p.Title += " (renamed)"
				q.Space, q.Parent = d.Space("S002"), nil // a space the settings do not read
			})
			items, err := rc.send(t, late[0])
			require.NoError(t, err)
			o := outcomeOf(t, items)
			assert.Equal(t, []string{f.pageID(p)}, o.docs)
			assert.Equal(t, []string{oldP}, o.deleted)

			items, err = rc.send(t, late[1])
			require.NoError(t, err)
			o = outcomeOf(t, items)
			assert.Empty(t, o.docs)
			assert.Equal(t, []string{oldQ}, o.deleted, "a page moved out of the spaces read leaves the index")

			items, err = rc.deliver(t, f, confluenceemu.WebhookEvent{Name: confluenceemu.PageMoved, Page: p})
			require.NoError(t, err)
			o = outcomeOf(t, items)
			assert.Equal(t, []string{f.pageID(p)}, o.docs)
			assert.Empty(t, o.deleted, "a payload with the page's current title names its id")
		})
	}
}

func TestWebhookScopeAndIgnoredEvents(t *testing.T) {
	f := newFixture(t, eventGen, confluenceemu.Options{})
	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cr := f.credentials()
	cr.WebhookSecret = tributary.NewSecret(testWebhookSecret)
	c, err := newConnector(f.settings("S000"), cr, env, fastRetry)
	require.NoError(t, err)
	rc := newReceiver(t, c)
	other := f.data.Pages[len(f.data.Pages)-1] // in S002
	mine := f.data.Pages[0]
	for _, ev := range []confluenceemu.WebhookEvent{
		{Name: confluenceemu.PageUpdated, Page: other},
		{Name: confluenceemu.PageTrashed, Page: other},
		{Name: confluenceemu.CommentCreated, Page: other, Comment: &confluenceemu.Comment{ID: 5, Created: other.When}},
		{Name: confluenceemu.BlogCreated, Page: mine},
		{Name: "blog_updated", Page: mine},
		{Name: "attachment_created", Page: mine},
		{Name: "space_updated", Page: mine},
		{Name: "", Page: mine},
	} {
		items, err := rc.deliver(t, f, ev)
		require.NoError(t, err, ev.Name)
		assert.Empty(t, items, ev.Name)
	}
	assert.Empty(t, f.emu.Requests(), "ignored events cost no request")
	assert.Contains(t, logs.String(), "attachment_created")
	assert.Contains(t, logs.String(), "S002")

	blogComment := `{"timestamp": 1, "comment": {"id": 7, "parent": {"id": 8, "contentType": "blogpost", "spaceKey": "S000"}}}`
	items, err := eventItems(t, c, "comment_created", blogComment)
	require.NoError(t, err)
	assert.Empty(t, items, "a comment on a blog post")
}

func TestWebhookSignatures(t *testing.T) {
	f := newFixture(t, eventGen, confluenceemu.Options{Flavor: confluenceemu.DataCenter})
	rc := newReceiver(t, webhookConnector(t, f, f.settings()))
	ev := confluenceemu.WebhookEvent{Name: confluenceemu.PageUpdated, Page: f.data.Pages[1]}
	f.emu.ResetLog()

	items, err := rc.send(t, f.webhook(ev, "another-secret"))
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Empty(t, items)

	good := f.webhook(ev, testWebhookSecret)
	tampered := good
	tampered.body = bytes.Replace(good.body, []byte(`"page_updated"`), []byte(`"page_removed"`), 1)
	require.NotEqual(t, good.body, tampered.body)
	items, err = rc.send(t, tampered)
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "a changed body fails the signature")
	assert.Empty(t, items)

	sign := confluenceemu.Sign(testWebhookSecret, good.body)
	for _, sig := range []string{"", "sha256=", "sha256=xyz", sign[len("sha256="):], "sha1=" + sign[len("sha256="):]} {
		d := good
		d.h = good.h.Clone()
		d.h.Set("X-Hub-Signature", sig)
		_, err = rc.send(t, d)
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "signature %q", sig)
	}
	_, err = rc.send(t, f.webhook(ev, ""))
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "an unsigned delivery")
	assert.Empty(t, f.emu.Requests(), "nothing is read for a refused delivery")

	noSecret := newReceiver(t, f.connector(t, f.settings()))
	_, err = noSecret.send(t, good)
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), testWebhookSecret)

	items, err = rc.send(t, good)
	require.NoError(t, err, "the genuine delivery still passes")
	assert.NotEmpty(t, items)
}

func TestWebhookMalformedDeliveries(t *testing.T) {
	f := newFixture(t, eventGen, confluenceemu.Options{})
	c := webhookConnector(t, f, f.settings())
	for _, c2 := range []struct{ name, body string }{
		{"page_updated", `not json`},
		{"page_updated", `{"timestamp": 1}`},
		{"page_updated", `{"page": {"title": "No id", "spaceKey": "S000"}}`},
		{"page_updated", `{"page": {"id": "12/../13", "spaceKey": "S000"}}`},
		{"page_updated", `{"page": {"id": -4}}`},
		{"comment_created", `{"comment": {"id": 5}}`},
		{"comment_created", `{"comment": {"id": 5, "parent": {"id": 1.5}}}`},
	} {
		items, err := eventItems(t, c, c2.name, c2.body)
		assert.ErrorIs(t, err, tributary.ErrMalformedResponse, c2.body)
		assert.Empty(t, items, c2.body)
	}
}

// A payload without the space or title still finds the page by id.
func TestWebhookPayloadNamingOnlyTheID(t *testing.T) {
	f := newFixture(t, eventGen, confluenceemu.Options{})
	c := webhookConnector(t, f, f.settings())
	p := f.data.Pages[1]
	items, err := eventItems(t, c, "page_updated", `{"page": {"id": `+itoa(p.ID)+`}}`)
	require.NoError(t, err)
	assert.Equal(t, []string{f.pageID(p)}, outcomeOf(t, items).docs)

	items, err = eventItems(t, c, "page_removed", `{"page": {"id": 987654321}}`)
	require.NoError(t, err)
	assert.Empty(t, items, "a page Confluence does not have, named by id only, leaves nothing to delete")
}

func eventItems(t *testing.T, c *Connector, name, body string) ([]tributary.Item, error) {
	t.Helper()
	ev := tributary.Event{Type: tributary.EventWebhook, Name: name, Body: []byte(body),
		Header: http.Header{"X-Hub-Signature": {confluenceemu.Sign(testWebhookSecret, []byte(body))}}}
	var items []tributary.Item
	for it, err := range c.HandleEvent(t.Context(), ev) {
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
	return items, nil
}

// conformanceEvents are signed deliveries about pages of the conformance
// fixture: an updated and a commented page to upsert, a page removed
// (which Confluence no longer has) to delete, and an event the connector
// ignores.
func conformanceEvents(f *fixture) []connectortest.Event {
	emu := confluenceemu.New(f.data, confluenceemu.Options{Flavor: f.flavor})
	defer emu.Close()
	removed := &confluenceemu.Page{ID: 990001, Space: f.data.Spaces[0], Title: "Removed page", Version: 3,
		Created: f.data.Pages[0].Created, When: f.data.Pages[0].When}
	var events []connectortest.Event
	for _, c := range []struct {
		name string
		page *confluenceemu.Page
	}{
		{confluenceemu.PageUpdated, f.data.Pages[1]}, {confluenceemu.CommentCreated, f.data.Pages[len(f.data.Pages)-1]},
		{confluenceemu.PageRemoved, removed}, {"attachment_created", f.data.Pages[2]},
	} {
		ev := confluenceemu.WebhookEvent{Name: c.name, Page: c.page, Site: f.site()}
		if c.name == confluenceemu.CommentCreated {
			ev.Comment = &confluenceemu.Comment{ID: 77001, Body: "<p>new</p>", Created: c.page.When}
		}
		h, body := emu.Webhook(ev, testWebhookSecret)
		e := connectortest.Event{Name: c.name + " " + itoa(c.page.ID),
			Event: tributary.Event{Type: tributary.EventWebhook, Name: c.name, Header: h, Body: body}}
		switch c.name {
		case confluenceemu.PageRemoved:
			e.WantDeletions = []string{f.pageID(c.page)}
		case confluenceemu.PageUpdated, confluenceemu.CommentCreated:
			e.WantIDs = []string{f.pageID(c.page)}
		}
		events = append(events, e)
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
