package confluenceemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type payload struct {
	Timestamp     int64          `json:"timestamp"`
	Event         string         `json:"event"`
	UserAccountID string         `json:"userAccountId"`
	UserKey       string         `json:"userKey"`
	Page          *contentFields `json:"page"`
	Blog          *contentFields `json:"blog"`
	Comment       *struct {
		ID     int64          `json:"id"`
		Parent *contentFields `json:"parent"`
	} `json:"comment"`
}

type contentFields struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	SpaceKey    string `json:"spaceKey"`
	Self        string `json:"self"`
	ContentType string `json:"contentType"`
	Version     int    `json:"version"`
}

func TestWebhookPayloads(t *testing.T) {
	d := Generate(GenerateOptions{Spaces: 1, Pages: 3, Seed: 2})
	p := d.Pages[1]
	for _, c := range []struct {
		flavor Flavor
		site   string
	}{{Cloud, "https://example.atlassian.net/wiki"}, {DataCenter, "https://confluence.example.com"}} {
		s := New(d, Options{Flavor: c.flavor})
		h, body := s.Webhook(WebhookEvent{Name: PageUpdated, Site: c.site, Page: p}, "sekrit")
		assert.Equal(t, Sign("sekrit", body), h.Get("X-Hub-Signature"))
		var got payload
		require.NoError(t, json.Unmarshal(body, &got))
		require.NotNil(t, got.Page)
		assert.Equal(t, p.When.UnixMilli(), got.Timestamp)
		assert.Equal(t, contentFields{ID: p.ID, Title: p.Title, SpaceKey: p.Space.Key, Self: c.site + PageWebUI(c.flavor, p),
			ContentType: "page", Version: p.Version}, *got.Page)
		if c.flavor == DataCenter {
			assert.Equal(t, PageUpdated, got.Event, "Data Center names the event")
			assert.Equal(t, "key-"+p.Editor.Username, got.UserKey)
		} else {
			assert.Empty(t, got.Event, "Cloud payloads do not name the event")
			assert.Equal(t, p.Editor.AccountID, got.UserAccountID)
		}

		_, body = s.Webhook(WebhookEvent{Name: CommentCreated, Site: c.site, Page: p, Comment: &Comment{ID: 42, Created: p.When}}, "")
		got = payload{}
		require.NoError(t, json.Unmarshal(body, &got))
		require.NotNil(t, got.Comment)
		assert.Nil(t, got.Page)
		assert.Equal(t, int64(42), got.Comment.ID)
		assert.Equal(t, p.ID, got.Comment.Parent.ID)

		_, body = s.Webhook(WebhookEvent{Name: BlogCreated, Site: c.site, Page: p}, "")
		got = payload{}
		require.NoError(t, json.Unmarshal(body, &got))
		require.NotNil(t, got.Blog)
		assert.Equal(t, "blogpost", got.Blog.ContentType)
		s.Close()
	}
}

func TestDeliver(t *testing.T) {
	var got []byte
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		if r.Header.Get("X-Hub-Signature") == "" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer rcv.Close()
	d := Generate(GenerateOptions{Spaces: 1, Pages: 1, Seed: 2})
	s := New(d, Options{})
	defer s.Close()
	h, body := s.Webhook(WebhookEvent{Name: PageCreated, Site: "https://example.atlassian.net/wiki", Page: d.Pages[0]}, "k")
	require.NoError(t, Deliver(t.Context(), rcv.Client(), rcv.URL, h, body))
	assert.Equal(t, body, got)
	h.Del("X-Hub-Signature")
	assert.Error(t, Deliver(t.Context(), rcv.Client(), rcv.URL, h, body))
}
