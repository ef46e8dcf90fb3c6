package confluence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// webhookContent is a page, blog post or comment as a delivery names it.
type webhookContent struct {
	ID          contentID       `json:"id"`
	Title       string          `json:"title"`
	SpaceKey    string          `json:"spaceKey"`
	ContentType string          `json:"contentType"`
	Parent      *webhookContent `json:"parent"`
}

// webhookPayload is the part of a delivery the connector reads. Only what
// names the page is read: the page itself is read afresh through the API.
type webhookPayload struct {
	Event   string          `json:"event"` // Server and Data Center only
	Page    *webhookContent `json:"page"`
	Comment *webhookContent `json:"comment"`
}

// contentID is a content id, which payloads write as a number (or, in
// some versions, a string).
type contentID string

func (id *contentID) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		*id = ""
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != s {
		return fmt.Errorf("content id %.40q is not a positive integer", s)
	}
	*id = contentID(s)
	return nil
}

// The events that change a page's document.
var pageEvents = map[string]bool{
	"page_created": true, "page_updated": true, "page_moved": true, "page_restored": true,
	"page_trashed": true, "page_removed": true, "page_archived": true, "page_unarchived": true,
}

// The events about a comment, which change the document of the comment's page.
var commentEvents = map[string]bool{"comment_created": true, "comment_updated": true, "comment_removed": true}

// HandleEvent turns a webhook delivery into items. It verifies the
// delivery's X-Hub-Signature (sha256=, the HMAC-SHA256 of the body) with
// Credentials.WebhookSecret and refuses unsigned and forged deliveries
// with ErrInsufficientPermissions before reading anything else; with no
// secret configured it refuses every delivery with ErrInvalidConfig.
//
// The event is the payload's "event" (Server and Data Center), else
// ev.Name (Cloud payloads do not name it). A page created, updated,
// moved, restored, trashed, removed, archived or unarchived, or a comment
// created, updated or removed on a page, makes the connector read the page
// by id (GET /content/ID, any status): a current page of a space the
// settings read yields its space's and ancestors' nodes and its document,
// as Load reads it, then the deletion of the id the payload implies when
// the page's id is another now (it holds the title and the space); a page
// trashed, archived or gone (404) yields the deletion of its id. So a
// deletion is never taken from the payload alone, and a restored page
// comes back whatever order the deliveries arrive in. Events of spaces the
// settings do not read, blog posts (which the connector does not index)
// and other events (attachments, labels, spaces, users ...) yield nothing,
// with a debug log. A delivery that is not JSON or names no page fails
// with ErrMalformedResponse.
//
// Replayed, retried and reordered deliveries are safe: the items reflect
// the page when the event is handled, never the payload. Items of two
// deliveries handled at once may still reach the index in either order:
// handle one site's deliveries one at a time. A page renamed or moved
// between two events leaves its older id, which no payload names, to the
// next pruning (LoadSlim).
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.Item{}, fmt.Errorf("confluence: webhook: %w", err))
			return
		}
		if err := c.verify(ev); err != nil {
			yield(tributary.Item{}, err)
			return
		}
		var p webhookPayload
		if err := json.Unmarshal(ev.Body, &p); err != nil {
			yield(tributary.Item{}, malformedEvent(fmt.Errorf("delivery is not a webhook payload: %w", err)))
			return
		}
		name := cmpOr(p.Event, ev.Name)
		page, err := p.page(name)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		switch {
		case page == nil:
			c.env.Log().Debug("confluence: webhook event ignored", "event", name)
		case page.SpaceKey != "" && (!spaceKey.MatchString(page.SpaceKey) || !c.readsSpace(page.SpaceKey)):
			c.env.Log().Debug("confluence: webhook event of a space not read", "event", name, "space", page.SpaceKey)
		default:
			rf := &refetcher{run: newRun(c, ctx, time.Time{}, time.Time{}, yield), spaces: map[string]*spaceRead{}, done: map[string]bool{}}
			rf.event(string(page.ID), c.payloadID(page))
		}
	}
}

// page returns the page whose document the event changes, nil for an
// event that changes none.
func (p *webhookPayload) page(name string) (*webhookContent, error) {
	var page *webhookContent
	switch {
	case pageEvents[name]:
		page = p.Page
	case commentEvents[name] && p.Comment != nil:
		page = p.Comment.Parent
		if page != nil && page.ContentType != "" && page.ContentType != "page" {
			return nil, nil // a comment on a blog post
		}
	default:
		return nil, nil
	}
	if page == nil || page.ID == "" {
		return nil, malformedEvent(fmt.Errorf("%s delivery names no page", name))
	}
	return page, nil
}

// payloadID is the document id of the page as the payload names it
// (/spaces/KEY/pages/ID/Title on Cloud, /display/KEY/Title on Server), or
// "" when it lacks the space or the title.
func (c *Connector) payloadID(p *webhookContent) string {
	if p.SpaceKey == "" || p.Title == "" {
		return ""
	}
	title := strings.ReplaceAll(url.QueryEscape(p.Title), "%20", "+")
	if c.settings.Deployment == DeploymentServer {
		return c.client.site + "/display/" + p.SpaceKey + "/" + title
	}
	return c.client.site + "/spaces/" + p.SpaceKey + "/pages/" + string(p.ID) + "/" + title
}

// event reads the page by id and yields its document, or its deletion,
// and the deletion of known, the id the payload implies, when that is
// not the page's id now.
func (rf *refetcher) event(page, known string) {
	q := url.Values{"expand": {rf.expand()}, "status": {"any"}}
	var p apiContent
	err := rf.c.client.get(rf.ctx, rf.c.client.url("/content/"+url.PathEscape(page), q), &p)
	if err == nil && checkContent(&p) != nil {
		err = tributary.NewError("confluence: webhook", tributary.ErrMalformedResponse,
			fmt.Errorf("page %s: %w", page, checkContent(&p)))
	}
	switch {
	case err != nil && terminal(err):
		rf.Fail(fmt.Errorf("confluence: webhook: read page %s: %w", page, err))
		return
	case errors.Is(err, tributary.ErrNotFound):
		if known != "" {
			rf.Yield(tributary.DeletionItem(known))
		}
		return
	case err != nil:
		err = fmt.Errorf("confluence: webhook: read page %s: %w", page, err)
		if known == "" {
			rf.Yield(tributary.FailureItem(tributary.EntityFailure("content:"+page, "", err)))
		} else {
			rf.Yield(tributary.FailureItem(tributary.DocumentFailure(known, known, err)))
		}
		return
	case p.Type != "page":
		return // not a page after all: nothing the connector indexes
	}
	id := rf.c.client.site + p.Links.WebUI
	key := ""
	if p.Space != nil {
		key = p.Space.Key
	}
	switch {
	case p.Status != "" && p.Status != "current":
		if !rf.Yield(tributary.DeletionItem(id)) {
			return
		}
	case spaceKey.MatchString(key) && rf.c.readsSpace(key):
		if !rf.document(key, id, &p) {
			return
		}
	}
	if known != "" && known != id {
		rf.Yield(tributary.DeletionItem(known))
	}
}

// verify checks the delivery's signature.
func (c *Connector) verify(ev tributary.Event) error {
	return tributary.VerifySignature("confluence: webhook", ev, "X-Hub-Signature", c.webhookSecret)
}

func malformedEvent(err error) error {
	return tributary.NewError("confluence: webhook", tributary.ErrMalformedResponse, err)
}
