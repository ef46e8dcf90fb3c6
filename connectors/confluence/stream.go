package confluence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "confluence"
	checkpointVersion = 1
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	// Space is the key of the space in progress.
	Space string `json:"space,omitempty"`
	// Next is the search page to read next in that space: a _links.next
	// URL, or a new search from After. Empty means the space's first page.
	Next string `json:"next,omitempty"`
	// After and LastID are the update time and id of the last page read in
	// a sorted listing: a page updated before After, or the page LastID
	// itself, was read already.
	After  time.Time `json:"after,omitzero"`
	LastID string    `json:"last_id,omitempty"`
	// Unsorted says the server was found not to sort by update time: the
	// space is being read again from its start through _links.next alone.
	Unsorted bool `json:"unsorted,omitempty"`
	// Done says the space is finished.
	Done bool `json:"done,omitempty"`
}

func (c *Connector) decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := func(format string, args ...any) (position, error) {
		return position{}, tributary.NewError("confluence: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	switch {
	case !spaceKey.MatchString(pos.Space):
		return bad("bad space key %q", pos.Space)
	case pos.Next != "" && !strings.HasPrefix(pos.Next, c.client.api+"/content/search?"):
		return bad("next page outside the API root %s", c.client.api)
	case pos.Next != "" && pos.Done:
		return bad("a finished space with a next page")
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	// nodes remembers the page nodes yielded lately, so that siblings do
	// not repeat their ancestors; it is bounded, and a node yielded again
	// after it was forgotten is harmless.
	nodes *recent
	// restrictions caches ancestors' read restrictions, bounded likewise.
	restrictions map[string]*levelAccess
	// zone is how this run writes CQL dates.
	zone cqlZone
}

func newRun(c *Connector, ctx context.Context, start, end time.Time, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start, end: end, nodes: newRecent(512),
		Yielder:      tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		restrictions: map[string]*levelAccess{}}
}

// all runs the stream from pos: the spaces in key order.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	keys, err := r.c.spaceKeys(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	r.zone = r.c.cqlZone(r.ctx)
	for _, key := range keys {
		from := position{Space: key}
		switch {
		case pos.Space != "" && key < pos.Space:
			continue
		case key == pos.Space:
			from = pos
		}
		if from.Done {
			continue
		}
		if !r.space(key, from) {
			return
		}
	}
}

// spaceKeys returns the configured space keys, or else the key of every
// space the account can see, sorted. Only keys are held, never pages.
func (c *Connector) spaceKeys(ctx context.Context) ([]string, error) {
	if len(c.spaces) > 0 {
		return c.spaces, nil
	}
	var keys []string
	for sp, err := range each[apiSpace](ctx, c.client, c.client.url("/space", url.Values{"limit": {"100"}})) {
		if err != nil {
			return nil, fmt.Errorf("confluence: list spaces: %w", err)
		}
		if !spaceKey.MatchString(sp.Key) {
			return nil, tributary.NewError("confluence: list spaces", tributary.ErrMalformedResponse,
				fmt.Errorf("space without a valid key: %q", sp.Key))
		}
		keys = append(keys, sp.Key)
	}
	return sortedKeys(keys), nil
}

// space reads one space from from.Next (or its first page). A space that
// no longer exists or can no longer be seen is a failure, not the end of
// the run.
func (r *run) space(key string, from position) bool {
	q := url.Values{}
	if r.c.env.WantPermissions {
		q.Set("expand", "permissions")
	}
	var sp apiSpace
	err := r.c.client.get(r.ctx, r.c.client.url("/space/"+url.PathEscape(key), q), &sp)
	switch {
	case errors.Is(err, tributary.ErrNotFound), errors.Is(err, tributary.ErrInsufficientPermissions):
		f := tributary.EntityFailure(spaceNodeID(key), r.c.client.site+"/spaces/"+key, fmt.Errorf("confluence: space %s: %w", key, err))
		f.MissedStart, f.MissedEnd = r.start, r.end
		return r.Yield(tributary.FailureItem(f)) && r.Checkpoint(position{Space: key, Done: true})
	case err != nil:
		return r.Fail(fmt.Errorf("confluence: space %s: %w", key, err))
	case sp.Key == "":
		return r.Fail(tributary.NewError("confluence: space "+key, tributary.ErrMalformedResponse, errors.New("answer lacks the space key")))
	}
	sp.Key = key
	var access *tributary.ExternalAccess
	if r.c.env.WantPermissions {
		access = spaceAccess(&sp)
	}
	if !r.Yield(tributary.NodeItem(r.spaceNode(&sp, access))) {
		return false
	}
	return r.listing(&sp, access, from)
}

// listingFailed reports a search that could not be read. A space deleted
// or hidden meanwhile is a failure of that space and the stream goes on;
// anything else ends the stream, to resume from the last checkpoint.
func (r *run) listingFailed(key string, err error) bool {
	err = fmt.Errorf("confluence: search pages of space %s: %w", key, err)
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(spaceNodeID(key), "", err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// expand lists the search's expansions: what a document needs.
func (r *run) expand() string {
	e := []string{"version", "history", "space", "ancestors"}
	if !r.slim {
		e = append(e, "body.storage", "metadata.labels")
	}
	if r.c.env.WantPermissions {
		e = append(e, "restrictions.read.restrictions.user", "restrictions.read.restrictions.group")
	}
	return strings.Join(e, ",")
}

// searchURL returns the first search page of a space's pages updated at or
// after from less widen (or the window's start, if later), ordered by
// update time, oldest first, bounded by the window as CQL can express it.
// CQL reads dates to the minute in the account's time zone, so the bounds
// are rounded outwards (and widened when the zone is unknown, see cqlZone);
// the exact window is applied to each page's version time.
func (r *run) searchURL(key string, from time.Time, widen time.Duration) string {
	cql := "type=page AND space=" + cqlQuote(key)
	switch {
	case !from.IsZero() && from.After(r.start):
		cql += ` AND lastmodified >= "` + r.zone.exact(from.Add(-widen)) + `"`
	case !r.start.IsZero():
		cql += ` AND lastmodified >= "` + r.zone.format(r.start, false) + `"`
	}
	if !r.end.IsZero() {
		cql += ` AND lastmodified < "` + r.zone.format(r.end, true) + `"`
	}
	cql += " order by lastmodified asc"
	q := url.Values{"cql": {cql}, "limit": {fmt.Sprint(r.c.settings.PageSize)}, "expand": {r.expand()}}
	return r.c.client.url("/content/search", q)
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// pageDoc yields a page's ancestors' nodes and its document, with the
// sections of its comments and attachments read beforehand (see parts).
func (r *run) pageDoc(sp *apiSpace, p *apiContent, spaceAccess *tributary.ExternalAccess, extra pageParts) bool {
	id := r.c.client.site + p.Links.WebUI
	if !r.ancestorNodes(sp.Key, p) {
		return false
	}
	var access *tributary.ExternalAccess
	if r.c.env.WantPermissions {
		var err error
		if access, err = r.pageAccess(p, spaceAccess); err != nil {
			return r.pageFailed(id, "read restrictions", err)
		}
	}
	if extra.err != nil {
		return r.pageFailed(id, extra.what, extra.err)
	}
	d := r.c.toDocument(sp.Key, p, access)
	d.Sections = append(d.Sections, extra.sections...)
	return r.Yield(tributary.DocumentItem(d))
}

// pageParts are a page's comment and attachment sections, or the error
// that kept them from being read.
type pageParts struct {
	sections []tributary.Section
	what     string
	err      error
}

// partsConcurrency bounds the pages whose comments and attachments are
// read at once. The HTTP stack's limiter and Retry-After handling pace them
// all alike.
const partsConcurrency = 4

// parts reads the comments and attachments of the pages, up to
// partsConcurrency pages at once; every goroutine ends before it returns.
func (r *run) parts(pages []*apiContent) []pageParts {
	out := make([]pageParts, len(pages))
	if r.slim || (!r.c.settings.IncludeComments && !r.c.settings.IncludeAttachments) {
		return out
	}
	sem := make(chan struct{}, partsConcurrency)
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = r.readParts(p)
		})
	}
	wg.Wait()
	return out
}

func (r *run) readParts(p *apiContent) pageParts {
	var out pageParts
	for _, part := range []struct {
		on   bool
		name string
		read func(*apiContent) ([]tributary.Section, error)
	}{{r.c.settings.IncludeComments, "comments", r.comments}, {r.c.settings.IncludeAttachments, "attachments", r.attachments}} {
		if !part.on {
			continue
		}
		sections, err := part.read(p)
		if err != nil {
			return pageParts{what: part.name, err: err}
		}
		out.sections = append(out.sections, sections...)
	}
	return out
}

// checkContent refuses a search result the connector cannot index
// faithfully: without an id, a web link or a version time.
func checkContent(p *apiContent) error {
	switch {
	case p.ID == "" || p.Links.WebUI == "":
		return errors.New("result lacks id or _links.webui")
	case p.Version == nil || p.Version.When.IsZero():
		return errors.New("result lacks version.when")
	}
	return nil
}

// pageFailed reports a page whose parts could not be read: terminal
// errors end the run, others fail the one document.
func (r *run) pageFailed(id, what string, err error) bool {
	if terminal(err) {
		return r.Fail(fmt.Errorf("confluence: %s of %s: %w", what, id, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("confluence: %s: %w", what, err))))
}

// badPage reports a search result that does not decode, named by the id
// its document would have had when that much can be read.
func (r *run) badPage(raw json.RawMessage, err error) bool {
	var ref struct {
		ID    string   `json:"id"`
		Links apiLinks `json:"_links"`
	}
	err = fmt.Errorf("confluence: malformed search result: %w", err)
	if json.Unmarshal(raw, &ref) == nil && ref.Links.WebUI != "" {
		id := r.c.client.site + ref.Links.WebUI
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	f := tributary.EntityFailure("content:"+ref.ID, "", err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// ancestorNodes yields a node for each ancestor page not yielded lately,
// from the top of the space down, so that a page's parent always comes
// before it.
func (r *run) ancestorNodes(key string, p *apiContent) bool {
	parent := spaceNodeID(key)
	for _, a := range p.Ancestors {
		id := pageNodeID(a.ID)
		if !r.nodes.seen(id) {
			n := &tributary.HierarchyNode{ID: id, ParentID: parent, Name: a.Title, Kind: tributary.NodePage}
			if a.Links.WebUI != "" {
				n.Link = r.c.client.site + a.Links.WebUI
			}
			if !r.Yield(tributary.NodeItem(n)) {
				return false
			}
		}
		parent = id
	}
	return true
}

// comments reads a page's comments, replies included, as sections.
func (r *run) comments(p *apiContent) ([]tributary.Section, error) {
	u := r.c.client.url("/content/"+url.PathEscape(p.ID)+"/child/comment",
		url.Values{"expand": {"body.storage,history,version"}, "depth": {"all"}, "limit": {"100"}})
	var out []tributary.Section
	for cm, err := range each[apiContent](r.ctx, r.c.client, u) {
		if err != nil {
			return nil, err
		}
		out = append(out, r.c.commentSection(p, cm))
	}
	return out, nil
}

// attachments lists a page's attachments as sections naming each file.
func (r *run) attachments(p *apiContent) ([]tributary.Section, error) {
	u := r.c.client.url("/content/"+url.PathEscape(p.ID)+"/child/attachment", url.Values{"limit": {"100"}})
	var out []tributary.Section
	for a, err := range each[apiContent](r.ctx, r.c.client, u) {
		if err != nil {
			return nil, err
		}
		out = append(out, r.c.attachmentSection(p, a))
	}
	return out, nil
}

// recent is a bounded set of ids: it forgets the oldest past its size.
type recent struct {
	ring []string
	set  map[string]bool
	at   int
}

func newRecent(n int) *recent { return &recent{ring: make([]string, n), set: make(map[string]bool, n)} }

// seen reports whether id was added lately, and adds it.
func (s *recent) seen(id string) bool {
	if s.set[id] {
		return true
	}
	delete(s.set, s.ring[s.at])
	s.ring[s.at] = id
	s.set[id] = true
	s.at = (s.at + 1) % len(s.ring)
	return false
}
