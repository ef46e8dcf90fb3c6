package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/tributary-dev/tributary"
)

// WebhookPayload is the body of a webhook delivery from the mock source:
// a document changed or was removed.
type WebhookPayload struct {
	Type tributary.EventType `json:"type"` // changed, created or removed
	ID   string              `json:"id"`
}

// HandleEvent turns an event into items. A created or changed event for a
// document the source has yields the document's folders (parents first)
// and then the document (or its failure, for a FailIDs document); for a
// document the source no longer has it yields a deletion. A removed event
// yields a deletion. A webhook event carries a WebhookPayload in its body;
// a body that is not one yields a *tributary.Failure.
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.Item{}, fmt.Errorf("mock: handle event: %w", err))
			return
		}
		if ev.Type == tributary.EventWebhook {
			var p WebhookPayload
			if err := json.Unmarshal(ev.Body, &p); err != nil {
				yield(tributary.FailureItem(tributary.EntityFailure("webhook "+ev.Name, "", fmt.Errorf("mock: webhook body: %w", err))), nil)
				return
			}
			ev = tributary.Event{Type: p.Type, Name: ev.Name, Key: p.ID, Time: ev.Time}
		}
		c.handle(ctx, ev, yield)
	}
}

func (c *Connector) handle(ctx context.Context, ev tributary.Event, yield func(tributary.Item, error) bool) {
	const op = "mock: handle event"
	if ev.Key == "" {
		yield(tributary.Item{}, tributary.NewError(op, tributary.ErrInvalidConfig, fmt.Errorf("%s event names no document", ev.Type)))
		return
	}
	switch ev.Type {
	case tributary.EventRemoved:
		yield(tributary.DeletionItem(ev.Key), nil)
		return
	case tributary.EventCreated, tributary.EventChanged:
	default:
		yield(tributary.Item{}, tributary.NewError(op, tributary.ErrNotSupported, fmt.Errorf("event type %q", ev.Type)))
		return
	}
	if err := c.request(ctx, op); err != nil {
		yield(tributary.Item{}, err)
		return
	}
	d, ancestors := c.lookup(ev.Key)
	if d == nil {
		yield(tributary.DeletionItem(ev.Key), nil)
		return
	}
	items := make([]tributary.Item, 0, len(ancestors)+1)
	for _, n := range ancestors {
		items = append(items, tributary.NodeItem(n))
	}
	it, err := c.item(ctx, d)
	if err != nil {
		yield(tributary.Item{}, err)
		return
	}
	items = append(items, it)
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
			return
		}
		if !yield(it, nil) {
			return
		}
	}
}

// lookup returns the stored document with the id and copies of its
// ancestors, root first.
func (c *Connector) lookup(id string) (*tributary.Document, []*tributary.HierarchyNode) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d := c.docs[id]
	if d == nil {
		return nil, nil
	}
	byID := map[string]*tributary.HierarchyNode{}
	for _, n := range c.nodes {
		byID[n.ID] = n
	}
	var chain []*tributary.HierarchyNode
	for at := d.ParentID; at != ""; {
		n := byID[at]
		if n == nil {
			break
		}
		chain = append([]*tributary.HierarchyNode{cloneNode(n)}, chain...)
		at = n.ParentID
	}
	return d, chain
}
