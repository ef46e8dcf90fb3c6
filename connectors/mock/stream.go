package mock

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// checkpointVersion is the version of position in checkpoints.
const checkpointVersion = 1

// position is the state a checkpoint holds: the window it belongs to and
// the last document key yielded, never a set of ids.
type position struct {
	Start     time.Time `json:"start,omitzero"`
	End       time.Time `json:"end,omitzero"`
	NodesDone bool      `json:"nodes_done,omitempty"`
	After     *cursor   `json:"after,omitempty"`
	Done      bool      `json:"done,omitempty"`
}

// cursor is a key in checkpoint form.
type cursor struct {
	Updated time.Time `json:"updated,omitzero"`
	ID      string    `json:"id"`
}

// Load yields every document, page by page.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents whose update time is in [start, end); a
// document without one counts as older than any start.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.items(ctx, position{Start: start, End: end, NodesDone: true}) {
			var ok bool
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			default:
				continue // checkpoints
			}
			if !ok {
				return
			}
		}
	}
}

// LoadFromCheckpoint yields the nodes (parents first) and then the
// documents of [start, end), with a checkpoint after the nodes and after
// each page. A checkpoint made for another window, by another connector or
// by another version fails with tributary.ErrInvalidCheckpoint.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := resume(cp, start, end)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		for it, err := range c.items(ctx, pos) {
			if !yield(it, err) {
				return
			}
		}
	}
}

func resume(cp tributary.Checkpoint, start, end time.Time) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, string(Source), checkpointVersion)
	if err != nil {
		return pos, fmt.Errorf("mock: resume: %w", err)
	}
	if !ok {
		return position{Start: start, End: end}, nil
	}
	if !pos.Start.Equal(start) || !pos.End.Equal(end) {
		return pos, tributary.NewError("mock: resume", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("checkpoint belongs to window [%v, %v), not [%v, %v)", pos.Start, pos.End, start, end))
	}
	return pos, nil
}

// items yields the stream from pos: nodes unless done, then pages.
func (c *Connector) items(ctx context.Context, pos position) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if !pos.NodesDone {
			if !c.yieldNodes(ctx, yield) {
				return
			}
			pos.NodesDone = true
			if !yieldCheckpoint(pos, yield) {
				return
			}
		}
		for pages := 0; !pos.Done; pages++ {
			docs, more, err := c.fetch(ctx, "mock: list documents", pos, pages)
			if err != nil {
				yield(tributary.Item{}, err)
				return
			}
			for _, d := range docs {
				if err := ctx.Err(); err != nil {
					yield(tributary.Item{}, fmt.Errorf("mock: list documents: %w", err))
					return
				}
				it, err := c.item(ctx, d)
				if !yield(it, err) || err != nil {
					return
				}
			}
			if len(docs) > 0 {
				last := docs[len(docs)-1]
				pos.After = &cursor{Updated: last.UpdatedAt, ID: last.ID}
			}
			pos.Done = !more
			if !yieldCheckpoint(pos, yield) {
				return
			}
		}
	}
}

func (c *Connector) yieldNodes(ctx context.Context, yield func(tributary.Item, error) bool) bool {
	if err := c.request(ctx, "mock: list nodes"); err != nil {
		yield(tributary.Item{}, err)
		return false
	}
	c.mu.RLock()
	nodes := slices.Clone(c.nodes)
	c.mu.RUnlock()
	for _, n := range nodes {
		if !yield(tributary.NodeItem(cloneNode(n)), nil) {
			return false
		}
	}
	return true
}

func yieldCheckpoint(pos position, yield func(tributary.Item, error) bool) bool {
	cp, err := tributary.EncodeCheckpoint(string(Source), checkpointVersion, pos)
	if err != nil {
		yield(tributary.Item{}, fmt.Errorf("mock: checkpoint: %w", err))
		return false
	}
	return yield(tributary.CheckpointItem(cp), nil)
}

// item returns the document as the caller's own copy, or its failure.
// When ctx carries a BlobSink, each image section's bytes (its ImageURL, as
// this source has no others) are kept as a blob the section references; a
// store that fails ends the stream.
func (c *Connector) item(ctx context.Context, d *tributary.Document) (tributary.Item, error) {
	if c.fail[d.ID] {
		return tributary.FailureItem(&tributary.Failure{DocumentID: d.ID, Link: link(d), Err: errContent}), nil
	}
	out := cloneDocument(d)
	if !c.access {
		out.ExternalAccess = nil
	}
	for i, s := range out.Sections {
		if s.Kind != tributary.SectionImage || s.ImageURL == "" {
			continue
		}
		id, err := tributary.PutBlob(ctx, tributary.Blob{DocumentID: out.ID, Name: path.Base(s.ImageURL),
			MediaType: "image/png", Data: []byte(s.ImageURL)})
		switch {
		case errors.Is(err, tributary.ErrBlobTooLarge):
			tributary.ReportSkip(ctx, out.ID+"#"+s.ImageURL, err.Error())
		case err != nil:
			return tributary.Item{}, fmt.Errorf("mock: keep image: %w", err)
		}
		out.Sections[i].BlobID = id
	}
	return tributary.DocumentItem(out), nil
}

func link(d *tributary.Document) string {
	for _, s := range d.Sections {
		if s.Link != "" {
			return s.Link
		}
	}
	return ""
}

// fetch makes one request for the page after pos. The documents returned
// are the stored ones: callers copy what they yield.
func (c *Connector) fetch(ctx context.Context, op string, pos position, pages int) ([]*tributary.Document, bool, error) {
	if err := c.request(ctx, op); err != nil {
		return nil, false, err
	}
	if n := c.settings.FailAfterPages; n > 0 && pages >= n {
		return nil, false, tributary.NewError(op, tributary.ErrTransient, errFlaky)
	}
	docs, more := c.page(pos)
	c.log.Debug("mock: page", "documents", len(docs), "more", more)
	return docs, more, nil
}

// page returns up to PageSize documents of the window after pos's cursor,
// and whether more follow.
func (c *Connector) page(pos position) ([]*tributary.Document, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, _ := slices.BinarySearchFunc(c.order, pos.Start, func(k key, t time.Time) int { return k.Updated.Compare(t) })
	if a := pos.After; a != nil {
		j, found := slices.BinarySearchFunc(c.order, key{Updated: a.Updated, ID: a.ID}, compareKeys)
		if found {
			j++
		}
		i = max(i, j)
	}
	inWindow := func(i int) bool { return i < len(c.order) && (pos.End.IsZero() || c.order[i].Updated.Before(pos.End)) }
	var docs []*tributary.Document
	for ; inWindow(i) && len(docs) < c.settings.PageSize; i++ {
		docs = append(docs, c.docs[c.order[i].ID])
	}
	return docs, inWindow(i)
}

// LoadSlim yields the ids of the documents in [start, end), with their
// parents and, when Env.WantPermissions is set, who may see them, page by
// page. Documents in FailIDs are listed too:
// they exist, only their content fails.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		pos := position{Start: start, End: end, NodesDone: true}
		for pages := 0; !pos.Done; pages++ {
			docs, more, err := c.fetch(ctx, "mock: list ids", pos, pages)
			if err != nil {
				yield(tributary.SlimDocument{}, err)
				return
			}
			for _, d := range docs {
				if err := ctx.Err(); err != nil {
					yield(tributary.SlimDocument{}, fmt.Errorf("mock: list ids: %w", err))
					return
				}
				s := tributary.SlimDocument{ID: d.ID, ParentID: d.ParentID}
				if c.access {
					s.ExternalAccess = cloneAccess(d.ExternalAccess)
				}
				if !yield(s, nil) {
					return
				}
			}
			if len(docs) > 0 {
				last := docs[len(docs)-1]
				pos.After = &cursor{Updated: last.UpdatedAt, ID: last.ID}
			}
			pos.Done = !more
		}
	}
}
