package confluence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// refetchBatch is how many pages one search of Refetch asks for, the most
// Confluence returns with bodies.
const refetchBatch = 50

// Refetch fetches pages again by id, reading them as Load does (the same
// expansions, comments, attachments and restrictions, each document after
// its space's and ancestors' nodes). One CQL search, type=page AND id in
// (...), fetches up to 50 pages named by id at once; a Server address
// /display/KEY/Title is searched for by space and title. A page missing
// from the search is read by id (GET /content/ID, any status) to tell
// why: a page Confluence no longer has (404), trashed or archived, or no
// longer a page, is a deletion; a refusal (403) or a failing read is a
// Failure under the id. A page renamed or moved to another space has a
// new id: it comes back under that id (when the settings read its space)
// and the old id is a deletion. An id not of the site's pages or of a
// space the settings do not read is a Failure matching
// tributary.ErrForeignURL, with no request. Rejected credentials,
// exhausted rate limits and the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		rf := &refetcher{run: newRun(c, ctx, time.Time{}, time.Time{}, yield), spaces: map[string]*spaceRead{}, done: map[string]bool{}}
		if err := ctx.Err(); err != nil {
			rf.Fail(fmt.Errorf("confluence: refetch: %w", err))
			return
		}
		var byID, byTitle []pageRef
		asked := map[string]bool{}
		for _, id := range ids {
			if asked[id] {
				continue
			}
			asked[id] = true
			ref, err := c.pageRefOf(id)
			switch {
			case err != nil:
				if !rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err))) {
					return
				}
			case ref.page != "":
				byID = append(byID, ref)
			default:
				byTitle = append(byTitle, ref)
			}
		}
		for chunk := range slices.Chunk(byID, refetchBatch) {
			if !rf.chunk(chunk) {
				return
			}
		}
		for _, ref := range byTitle {
			if !rf.byTitle(ref) {
				return
			}
		}
	}
}

// pageRef is an asked id and what names its page: an id, or a space key
// and title (a Server /display address).
type pageRef struct {
	id, page, space, title string
}

// pageRefOf reads a document id: the site followed by a page's web
// address, /spaces/KEY/pages/ID/Title, /pages/viewpage.action?pageId=ID or
// (Server) /display/KEY/Title, in a space the settings read.
func (c *Connector) pageRefOf(id string) (pageRef, error) {
	foreign := func(why string) (pageRef, error) {
		return pageRef{}, tributary.NewError("confluence: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	rest, ok := strings.CutPrefix(id, c.client.site+"/")
	if !ok {
		return foreign("not a page of " + c.client.site)
	}
	u, err := url.Parse("/" + rest)
	if err != nil {
		return foreign("not in the form of the connector's document ids")
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	ref := pageRef{id: id}
	switch {
	case len(parts) >= 4 && parts[0] == "spaces" && parts[2] == "pages":
		ref.space, ref.page = parts[1], parts[3]
	case len(parts) == 2 && parts[0] == "pages" && parts[1] == "viewpage.action":
		ref.page = u.Query().Get("pageId")
	case len(parts) == 3 && parts[0] == "display" && c.settings.Deployment == DeploymentServer:
		t, err := url.QueryUnescape(parts[2])
		if err != nil || t == "" {
			return foreign("names no page title")
		}
		ref.space, ref.title = parts[1], t
		return ref, c.checkSpace(id, ref.space)
	default:
		return foreign("not the address of a page")
	}
	if n, err := strconv.ParseInt(ref.page, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != ref.page {
		return foreign("names no page id")
	}
	if ref.space != "" {
		return ref, c.checkSpace(id, ref.space)
	}
	return ref, nil
}

// checkSpace refuses an id of a space the settings do not read.
func (c *Connector) checkSpace(id, key string) error {
	if !spaceKey.MatchString(key) || !c.readsSpace(key) {
		return tributary.NewError("confluence: refetch", tributary.ErrForeignURL,
			fmt.Errorf("%s: space %s is not one these settings read", id, key))
	}
	return nil
}

// refetcher is one Refetch call.
type refetcher struct {
	*run
	// spaces holds the spaces whose nodes were yielded.
	spaces map[string]*spaceRead
	// done lists the ids of the documents answered.
	done map[string]bool
}

// spaceRead is a space whose node was yielded, with who may read it.
type spaceRead struct {
	sp     *apiSpace
	access *tributary.ExternalAccess
}

// errStopped says the stream ended while a node was yielded.
var errStopped = errors.New("confluence: refetch: the stream ended")

// chunk answers up to refetchBatch ids that name their pages' ids.
func (rf *refetcher) chunk(refs []pageRef) bool {
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.page
	}
	found, err := rf.search("type=page AND id in (" + strings.Join(ids, ",") + ")")
	switch {
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("confluence: refetch: search: %w", err))
	case err != nil:
		// Read each page by id instead.
		rf.c.env.Log().Warn("confluence: refetch: search failed; reading the pages one by one", "error", err)
		found = map[string]*apiContent{}
	}
	for _, ref := range refs {
		p := found[ref.page]
		if p == nil {
			var ok bool
			if p, ok = rf.read(ref); !ok {
				return false
			}
			if p == nil {
				continue // answered
			}
		}
		if !rf.answer(ref, p) {
			return false
		}
	}
	return true
}

// byTitle answers an id that names its page by space and title.
func (rf *refetcher) byTitle(ref pageRef) bool {
	found, err := rf.search("type=page AND space=" + cqlQuote(ref.space) + " AND title=" + cqlQuote(ref.title))
	switch {
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("confluence: refetch %s: %w", ref.id, err))
	case err != nil:
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.id, ref.id, fmt.Errorf("confluence: refetch: %w", err))))
	}
	for _, p := range found {
		if rf.c.client.site+p.Links.WebUI == ref.id {
			return rf.answer(ref, p)
		}
	}
	return rf.Yield(tributary.DeletionItem(ref.id))
}

// search returns the pages a CQL search finds, by id, with Load's
// expansions. A result that does not decode is left out: the page is then
// read by id.
func (rf *refetcher) search(cql string) (map[string]*apiContent, error) {
	q := url.Values{"cql": {cql}, "limit": {strconv.Itoa(refetchBatch)}, "expand": {rf.expand()}}
	out := map[string]*apiContent{}
	for raw, err := range each[json.RawMessage](rf.ctx, rf.c.client, rf.c.client.url("/content/search", q)) {
		if err != nil {
			return nil, err
		}
		var p apiContent
		if json.Unmarshal(*raw, &p) == nil && checkContent(&p) == nil {
			out[p.ID] = &p
		}
	}
	return out, nil
}

// read reads a page by id, with Load's expansions, in any status. It
// returns nil once the id is answered: a deletion for a page Confluence no
// longer has, trashed, archived or no page, a Failure for a refusal or a
// failing read. It reports false when the stream has ended.
func (rf *refetcher) read(ref pageRef) (*apiContent, bool) {
	q := url.Values{"expand": {rf.expand()}, "status": {"any"}}
	var p apiContent
	err := rf.c.client.get(rf.ctx, rf.c.client.url("/content/"+url.PathEscape(ref.page), q), &p)
	if err == nil {
		err = checkContent(&p)
		if err != nil {
			err = tributary.NewError("confluence: refetch", tributary.ErrTransient, fmt.Errorf("malformed page: %w", err))
		}
	}
	switch {
	case err == nil && (p.Status != "" && p.Status != "current" || p.Type != "page"):
		return nil, rf.Yield(tributary.DeletionItem(ref.id))
	case err == nil:
		return &p, true
	case terminal(err):
		return nil, rf.Fail(fmt.Errorf("confluence: refetch %s: %w", ref.id, err))
	case errors.Is(err, tributary.ErrNotFound):
		return nil, rf.Yield(tributary.DeletionItem(ref.id))
	}
	return nil, rf.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.id, ref.id, fmt.Errorf("confluence: refetch: %w", err))))
}

// answer yields the page's document under its id now: when that is the
// id asked, as the answer; when the page was renamed or moved, under its
// new id (if the settings read its space) followed by a deletion of the
// id asked.
func (rf *refetcher) answer(ref pageRef, p *apiContent) bool {
	id := rf.c.client.site + p.Links.WebUI
	key := ""
	if p.Space != nil {
		key = p.Space.Key
	}
	inScope := spaceKey.MatchString(key) && rf.c.readsSpace(key)
	if id != ref.id {
		if inScope && !rf.done[id] && !rf.document(key, id, p) {
			return false
		}
		return rf.Yield(tributary.DeletionItem(ref.id))
	}
	if !inScope {
		return rf.Yield(tributary.DeletionItem(ref.id))
	}
	return rf.document(key, id, p)
}

// document yields the space's node (once), the page's ancestors' nodes
// and its document, with comments and attachments as Load reads them.
func (rf *refetcher) document(key, id string, p *apiContent) bool {
	rf.done[id] = true
	sr, err := rf.space(key)
	switch {
	case errors.Is(err, errStopped):
		return false
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("confluence: refetch %s: %w", id, err))
	case err != nil:
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("confluence: refetch: %w", err))))
	}
	return rf.pageDoc(sr.sp, p, sr.access, rf.parts([]*apiContent{p})[0])
}

// space reads the space and yields its node, once per call.
func (rf *refetcher) space(key string) (*spaceRead, error) {
	if sr := rf.spaces[key]; sr != nil {
		return sr, nil
	}
	q := url.Values{}
	if rf.c.env.WantPermissions {
		q.Set("expand", "permissions")
	}
	var sp apiSpace
	if err := rf.c.client.get(rf.ctx, rf.c.client.url("/space/"+url.PathEscape(key), q), &sp); err != nil {
		return nil, fmt.Errorf("space %s: %w", key, err)
	}
	if sp.Key == "" {
		return nil, tributary.NewError("confluence: space "+key, tributary.ErrTransient, errors.New("answer lacks the space key"))
	}
	sp.Key = key
	sr := &spaceRead{sp: &sp}
	if rf.c.env.WantPermissions {
		sr.access = spaceAccess(&sp)
	}
	if !rf.Yield(tributary.NodeItem(rf.spaceNode(&sp, sr.access))) {
		return nil, errStopped
	}
	rf.spaces[key] = sr
	return sr, nil
}
