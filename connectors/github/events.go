package github

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/tributary-dev/tributary"
)

// webhookPayload is the part of an "issues" or "pull_request" delivery the
// connector reads.
type webhookPayload struct {
	Action      string   `json:"action"`
	Issue       *apiItem `json:"issue"`
	PullRequest *apiItem `json:"pull_request"`
	Repository  *apiRepo `json:"repository"`
}

// HandleEvent turns a webhook delivery into items. It verifies the
// delivery's X-Hub-Signature-256 against Credentials.WebhookSecret and
// refuses unsigned or forged ones. An "issues" or "pull_request" event
// about a repository the connector reads yields the repository's node and
// the item's document (with comments when configured); a deleted or
// transferred item, or one that left the configured state, yields its
// deletion. Other events, and items of other repositories, yield nothing.
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if err := c.verify(ev); err != nil {
			yield(tributary.Item{}, err)
			return
		}
		p, pull, err := c.decodeEvent(ev)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		if p == nil {
			return
		}
		r := &run{c: c, ctx: ctx, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.event(p, pull)
	}
}

// verify checks the delivery's signature.
func (c *Connector) verify(ev tributary.Event) error {
	return tributary.VerifySignature("github: webhook", ev, "X-Hub-Signature-256", c.webhookSecret)
}

// decodeEvent reads an issues or pull_request delivery; it returns nil for
// events the connector does not index.
func (c *Connector) decodeEvent(ev tributary.Event) (*webhookPayload, bool, error) {
	name := ev.Name
	if name == "" {
		name = http.Header(ev.Header).Get("X-GitHub-Event")
	}
	if (name != "issues" || !c.settings.IncludeIssues) && (name != "pull_request" || !c.settings.IncludePullRequests) {
		return nil, false, nil
	}
	var p webhookPayload
	if err := json.Unmarshal(ev.Body, &p); err != nil {
		return nil, false, tributary.NewError("github: webhook", tributary.ErrInvalidConfig, fmt.Errorf("malformed %s delivery: %w", name, err))
	}
	pull := name == "pull_request"
	if pull {
		p.Issue = p.PullRequest
	}
	if p.Issue == nil || p.Repository == nil || p.Repository.check() != nil {
		return nil, false, tributary.NewError("github: webhook", tributary.ErrInvalidConfig,
			fmt.Errorf("%s delivery lacks the item or the repository", name))
	}
	if !c.reads(p.Repository) {
		return nil, false, nil
	}
	return &p, pull, nil
}

// reads reports whether the repository is one the connector reads.
func (c *Connector) reads(r *apiRepo) bool {
	return c.configured(r.FullName) || (c.settings.Owner != "" && strings.EqualFold(r.Owner.Login, c.settings.Owner))
}

// event yields the items a delivery implies.
func (r *run) event(p *webhookPayload, pull bool) {
	it, repo := p.Issue, p.Repository
	gone := p.Action == "deleted" || p.Action == "transferred" ||
		(r.c.settings.State != "all" && it.State != r.c.settings.State)
	if gone {
		r.Yield(tributary.DeletionItem(itemID(repo, it.HTMLURL, it.Number, pull)))
		return
	}
	access, ok := r.access(repo)
	if !ok || !r.Yield(tributary.NodeItem(repoNode(repo, cloneAccess(access)))) {
		return
	}
	kind := kindIssues
	if pull {
		kind = kindPulls
	}
	l := &lister{run: r, repo: repo, kind: kind, access: access}
	l.item(it)
}
