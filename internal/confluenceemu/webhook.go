package confluenceemu

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// The webhook events Confluence sends for pages, blog posts and comments.
const (
	PageCreated    = "page_created"
	PageUpdated    = "page_updated"
	PageMoved      = "page_moved"
	PageTrashed    = "page_trashed"
	PageRestored   = "page_restored"
	PageRemoved    = "page_removed"
	BlogCreated    = "blog_created"
	CommentCreated = "comment_created"
	CommentUpdated = "comment_updated"
	CommentRemoved = "comment_removed"
)

// WebhookEvent is what one webhook delivery reports.
type WebhookEvent struct {
	// Name is the event, such as PageUpdated; any other name is sent as
	// given.
	Name string
	// Site is the site's address as users see it, which the payload's
	// self links start with: https://NAME.atlassian.net/wiki on Cloud.
	Site string
	// Page is the page the event is about, or the page of a comment
	// event's comment. For a removal, keep the page from before it went.
	Page *Page
	// Comment is the comment of a comment event.
	Comment *Comment
	// User is who acted; the page's last editor when nil.
	User *User
	// Time is when it happened; the page's last version time when zero.
	Time time.Time
}

// Webhook returns the headers and body Confluence sends to a webhook for
// ev. The payload holds timestamp (milliseconds), who acted (userAccountId
// on Cloud; userKey on Server and Data Center, which also name the event
// in "event"), and the page (id, title, spaceKey, self, contentType,
// creation and modification dates, version) or, for a comment event, the
// comment with its parent page; a blog event names the page under "blog".
// With a secret, the body is signed as Confluence signs deliveries of a
// webhook with one: X-Hub-Signature is "sha256=" and the hex HMAC-SHA256
// of the body under the secret. Without one, the delivery is unsigned.
func (s *Server) Webhook(ev WebhookEvent, secret string) (http.Header, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	site := strings.TrimRight(ev.Site, "/")
	at := ev.Time
	who := ev.User
	if ev.Page != nil {
		at = cmpTime(at, ev.Page.When)
		if who == nil {
			who = ev.Page.Editor
		}
	}
	payload := map[string]any{"timestamp": at.UnixMilli()}
	if s.opts.Flavor == DataCenter {
		payload["event"] = ev.Name
		if who != nil {
			payload["userKey"] = "key-" + who.Username
		}
	} else if who != nil {
		payload["userAccountId"], payload["accountType"] = who.AccountID, "customer"
	}
	if p := ev.Page; p != nil {
		content := s.webhookContent(site, p)
		switch {
		case ev.Comment != nil:
			cm := ev.Comment
			id := strconv.FormatInt(cm.ID, 10)
			link := site + PageWebUI(s.opts.Flavor, p) + "?focusedCommentId=" + id + "#comment-" + id
			payload["comment"] = map[string]any{"id": cm.ID, "contentType": "comment", "spaceKey": p.Space.Key,
				"self": link, "creationDate": cm.Created.UnixMilli(), "modificationDate": cm.Created.UnixMilli(),
				"version": 1, "creatorAccountId": accountOf(cm.Author), "parent": content}
		case strings.HasPrefix(ev.Name, "blog"):
			content["contentType"] = "blogpost"
			payload["blog"] = content
		default:
			payload["page"] = content
		}
		if ev.Name == PageUpdated {
			payload["updateTrigger"] = "edit_page"
		}
	}
	body, _ := json.Marshal(payload)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Atlassian HttpClient")
	if secret != "" {
		h.Set("X-Hub-Signature", Sign(secret, body))
	}
	return h, body
}

// webhookContent writes a page as a payload names it.
func (s *Server) webhookContent(site string, p *Page) map[string]any {
	m := map[string]any{"id": p.ID, "title": p.Title, "spaceKey": p.Space.Key, "contentType": "page",
		"self": site + PageWebUI(s.opts.Flavor, p), "creationDate": p.Created.UnixMilli(),
		"modificationDate": p.When.UnixMilli(), "version": p.Version}
	if s.opts.Flavor == DataCenter {
		if p.Creator != nil {
			m["creatorKey"] = "key-" + p.Creator.Username
		}
		if p.Editor != nil {
			m["lastModifierKey"] = "key-" + p.Editor.Username
		}
	} else {
		m["creatorAccountId"], m["lastModifierAccountId"] = accountOf(p.Creator), accountOf(p.Editor)
	}
	return m
}

func accountOf(u *User) string {
	if u == nil {
		return ""
	}
	return u.AccountID
}

func cmpTime(a, b time.Time) time.Time {
	if a.IsZero() {
		return b
	}
	return a
}

// Sign returns the X-Hub-Signature Confluence gives a body under a
// webhook's secret: "sha256=" and the hex HMAC-SHA256 of the body.
func Sign(secret string, body []byte) string { return emulator.HubSignature(secret, body) }

// Deliver POSTs a delivery to url as Confluence does, and fails unless
// the receiver answers with a 2xx status.
func Deliver(ctx context.Context, client *http.Client, url string, h http.Header, body []byte) error {
	return emulator.Deliver(ctx, client, url, h, body)
}
