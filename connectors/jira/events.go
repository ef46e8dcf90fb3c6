package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// The webhook events HandleEvent acts on.
const (
	eventIssueCreated   = "jira:issue_created"
	eventIssueUpdated   = "jira:issue_updated"
	eventIssueDeleted   = "jira:issue_deleted"
	eventCommentCreated = "comment_created"
	eventCommentUpdated = "comment_updated"
	eventCommentDeleted = "comment_deleted"
)

// webhookPayload is the part of a delivery the connector reads. The
// issue's fields are left unread: a payload carries only some of them,
// so the issue is read afresh through the API.
type webhookPayload struct {
	WebhookEvent string `json:"webhookEvent"`
	Issue        *struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	} `json:"issue"`
	Comment *struct {
		Self string `json:"self"`
	} `json:"comment"`
	Changelog *struct {
		Items []struct {
			Field      string `json:"field"`
			FieldID    string `json:"fieldId"`
			FromString string `json:"fromString"`
		} `json:"items"`
	} `json:"changelog"`
}

// HandleEvent turns a webhook delivery into items. It verifies the
// delivery's X-Hub-Signature (sha256=, the HMAC-SHA256 of the body) with
// Credentials.WebhookSecret and refuses unsigned and forged deliveries
// with ErrInsufficientPermissions, before reading anything else; with no
// secret configured it refuses every delivery with ErrInvalidConfig.
//
// An issue created or updated, or a comment created, updated or deleted,
// yields what Refetch yields for the issue, read afresh through the API
// (a payload is partial): its project's node and its document, or its
// deletion when Jira no longer has it or the JQL filter no longer admits
// it. An issue moved from another project (its changelog names the old
// key) also yields the deletion of the old id. An issue deleted yields its
// deletion, with no request. Events of projects the settings do not read
// and other events (worklogs, links, sprints ...) yield nothing, with a
// debug log. A delivery that is not JSON or names no issue fails with
// ErrMalformedResponse.
//
// Replayed, retried and reordered deliveries are safe: every document an
// event yields is read when the event is handled, never taken from the
// payload, so an old delivery cannot bring back content that changed, and
// an issue deleted before it is handled yields its deletion. Jira never
// gives a deleted issue's key to another issue, so a deletion is final.
// Items of two deliveries handled at once may still reach the index in
// either order: handle one site's deliveries one at a time.
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.Item{}, fmt.Errorf("jira: webhook: %w", err))
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
		name := cmpOr(p.WebhookEvent, ev.Name)
		switch name {
		case eventIssueCreated, eventIssueUpdated, eventIssueDeleted,
			eventCommentCreated, eventCommentUpdated, eventCommentDeleted:
		default:
			c.env.Log().Debug("jira: webhook event ignored", "event", name)
			return
		}
		key, err := c.eventKey(ctx, &p)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		var ids []string
		for _, k := range []string{key, p.movedFrom()} {
			if project, _ := splitKey(k); k != "" && c.inScope(project) {
				ids = append(ids, c.issueID(k))
			}
		}
		switch {
		case len(ids) == 0:
			c.env.Log().Debug("jira: webhook event of an issue not read", "event", name, "issue", key)
		case name == eventIssueDeleted:
			yield(tributary.DeletionItem(ids[0]), nil)
		default:
			for it, err := range c.Refetch(ctx, ids) {
				if !yield(it, err) {
					return
				}
			}
		}
	}
}

// verify checks the delivery's signature.
func (c *Connector) verify(ev tributary.Event) error {
	return tributary.VerifySignature("jira: webhook", ev, "X-Hub-Signature", c.webhookSecret)
}

// commentOfIssue finds the issue id in a comment's self link,
// .../rest/api/N/issue/ID/comment/CID.
var commentOfIssue = regexp.MustCompile(`/rest/api/[23]/issue/([0-9]+)/comment/[0-9]+$`)

// eventKey returns the current key of the issue the delivery is about: the
// payload's issue key, or, for a comment event without the issue, the key
// of the issue its comment's link names, asked of Jira.
func (c *Connector) eventKey(ctx context.Context, p *webhookPayload) (string, error) {
	if p.Issue != nil && p.Issue.Key != "" {
		if !issueKey.MatchString(p.Issue.Key) {
			return "", malformedEvent(fmt.Errorf("issue key %q is not a Jira key", p.Issue.Key))
		}
		return strings.ToUpper(p.Issue.Key), nil
	}
	id := ""
	if p.Issue != nil {
		id = p.Issue.ID
	}
	if m := commentOfIssue.FindStringSubmatch(comment(p)); m != nil && id == "" {
		id = m[1]
	}
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return "", malformedEvent(errors.New("delivery names no issue"))
	}
	var ref issueRef
	err := c.client.get(ctx, c.client.url("/issue/"+url.PathEscape(id), url.Values{"fields": {"updated"}}), &ref)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return "", nil // gone, or never visible: nothing to refresh
	case err != nil:
		return "", fmt.Errorf("jira: webhook: read issue %s: %w", id, err)
	case !issueKey.MatchString(ref.Key):
		return "", tributary.NewError("jira: webhook", tributary.ErrMalformedResponse,
			fmt.Errorf("issue %s answered without a key", id))
	}
	return strings.ToUpper(ref.Key), nil
}

func comment(p *webhookPayload) string {
	if p.Comment == nil {
		return ""
	}
	return p.Comment.Self
}

// movedFrom returns the key an issue had before the move the changelog
// reports, or "".
func (p *webhookPayload) movedFrom() string {
	if p.Changelog == nil {
		return ""
	}
	for _, it := range p.Changelog.Items {
		if (it.FieldID == "issuekey" || strings.EqualFold(it.Field, "key")) && issueKey.MatchString(it.FromString) {
			return strings.ToUpper(it.FromString)
		}
	}
	return ""
}

func malformedEvent(err error) error {
	return tributary.NewError("jira: webhook", tributary.ErrMalformedResponse, err)
}
