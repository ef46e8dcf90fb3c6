package sharepoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "sharepoint"
	checkpointVersion = 1
	// maxLink bounds a link kept in a checkpoint or in Values.
	maxLink = 8192
)

// graphID matches the ids of sites (host,guid,guid), drives and items as
// Graph gives them: nothing that would end or split a URL path.
var graphID = regexp.MustCompile(`^[A-Za-z0-9!,._~-]{1,400}$`)

// position is the checkpoint state: where the stream is, never what it
// has seen. Sites are read in id order, each site's pages first, then its
// drives in id order, each drive through one delta query.
type position struct {
	// Site is the site in progress.
	Site string `json:"site,omitempty"`
	// Drive is the drive in progress; empty while the site's pages are
	// read.
	Drive string `json:"drive,omitempty"`
	// Done says the pages (Drive empty) or the drive are finished.
	Done bool `json:"done,omitempty"`
	// Link is the next page of the listing in progress: a delta query's
	// @odata.nextLink, or the pages'.
	Link string `json:"link,omitempty"`
	// Root is the id of the drive's root folder.
	Root string `json:"root,omitempty"`
	// Inc says Link continues a delta from a stored delta link, so that
	// items changed before the window (moved, renamed, shared) are read
	// and deleted items are deletions.
	Inc bool `json:"inc,omitempty"`
	// Later says an item changed at or after the window's end was passed
	// over, so the drive's delta link must not be stored.
	Later bool `json:"later,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := len(pos.Link) > maxLink || pos.Site == "" && (pos.Drive != "" || pos.Link != "" || pos.Done)
	for _, id := range []string{pos.Site, pos.Drive, pos.Root} {
		bad = bad || id != "" && !graphID.MatchString(id)
	}
	if bad {
		return position{}, tributary.NewError("sharepoint: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (site %q)", pos.Site))
	}
	return pos, nil
}

// run is one range over a stream for the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	values tributary.Values

	// pageAccess is the access of the current site's pages.
	pageSite   string
	pageAccess *tributary.ExternalAccess
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), values: tributary.ValuesFrom(ctx)}
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	sites, err := r.c.sites(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	for _, s := range sites {
		if pos.Site != "" && s.ID < pos.Site {
			continue
		}
		from := position{Site: s.ID}
		if s.ID == pos.Site {
			from = pos
		}
		if !r.site(s, from) {
			return
		}
	}
}

func (r *run) siteNode(s apiSite) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: r.c.siteNodeID(s.ID), Name: cmpOr(s.DisplayName, s.Name, s.ID), Link: s.WebURL,
		Kind: tributary.NodeSite}
}

// site reads one site from pos: its node, its pages, its drives.
func (r *run) site(s apiSite, pos position) bool {
	if !r.Yield(tributary.NodeItem(r.siteNode(s))) {
		return false
	}
	if r.c.settings.IncludePages && pos.Drive == "" && !pos.Done {
		if !r.pages(s, pos) {
			return false
		}
	}
	if !r.c.settings.IncludeFiles {
		return true
	}
	drives, err := r.c.drives(r.ctx, s.ID)
	if err != nil {
		return r.entityFailed(r.c.siteNodeID(s.ID), s.WebURL, fmt.Errorf("sharepoint: list the libraries of site %s: %w", s.ID, err))
	}
	for _, d := range drives {
		if pos.Drive != "" && (d.ID < pos.Drive || d.ID == pos.Drive && pos.Done) {
			continue
		}
		from := position{Site: s.ID, Drive: d.ID}
		if d.ID == pos.Drive {
			from = pos
		}
		if !r.drive(s, d, from) {
			return false
		}
	}
	return true
}

// entityFailed reports a listing that failed: a failure for the entity
// when the run can go on, the end of the run when it cannot.
func (r *run) entityFailed(id, link string, err error) bool {
	if terminal(err) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(id, cmpOr(link, id), err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// deltaKey is the Values key of a drive's delta link.
func deltaKey(drive string) string { return "delta:" + drive }

// storedDelta returns the delta link the last run stored for the drive,
// when the stream reads a poll window under a host that keeps Values.
func (r *run) storedDelta(drive string) (string, error) {
	if r.values == nil || r.slim || r.start.IsZero() {
		return "", nil
	}
	key := deltaKey(drive)
	got, err := r.values.Get(r.ctx, []string{key})
	if err != nil {
		return "", fmt.Errorf("sharepoint: read the delta link: %w", err)
	}
	link := string(got[key])
	if len(link) > maxLink || !r.c.client.within(link) {
		return "", nil
	}
	return link, nil
}

// drive reads one drive from pos through its delta query.
func (r *run) drive(s apiSite, d apiDrive, pos position) bool {
	node := &tributary.HierarchyNode{ID: r.c.driveNodeID(d.ID), ParentID: r.c.siteNodeID(s.ID), Name: cmpOr(d.Name, d.ID),
		Link: d.WebURL, Kind: tributary.NodeFolder}
	if !r.Yield(tributary.NodeItem(node)) {
		return false
	}
	if pos.Root == "" {
		var root apiItem
		err := r.c.client.get(r.ctx, r.c.client.graph+"/drives/"+d.ID+"/root?$select=id", PermSites, &root)
		if err == nil && !graphID.MatchString(root.ID) {
			err = tributary.NewError("sharepoint: root folder", tributary.ErrMalformedResponse, errors.New("answer without an id"))
		}
		if err != nil {
			return r.entityFailed(node.ID, d.WebURL, fmt.Errorf("sharepoint: root folder of library %s: %w", d.ID, err))
		}
		pos.Root = root.ID
	}
	fresh := r.c.client.graph + "/drives/" + d.ID + "/root/delta?$top=" + strconv.Itoa(r.c.settings.PageSize)
	if pos.Link == "" {
		stored, err := r.storedDelta(d.ID)
		if err != nil {
			return r.Fail(err)
		}
		pos.Link, pos.Inc = cmpOr(stored, fresh), stored != ""
	}
	restarted := false
	for {
		var pg listing
		err := r.c.client.get(r.ctx, pos.Link, PermSites, &pg)
		if gone(err) && !restarted {
			// The delta token is too old (410 resyncRequired): enumerate
			// the drive again. Deletions in between are missed; a prune
			// finds them.
			r.c.env.Log().Warn("sharepoint: delta token expired; reading the library again", "drive", d.ID)
			pos.Link, pos.Inc, pos.Later, restarted = fresh, false, false, true
			continue
		}
		if err != nil {
			return r.entityFailed(node.ID, d.WebURL, fmt.Errorf("sharepoint: changes of library %s: %w", d.ID, err))
		}
		if !r.entries(d, &pos, pg.Value) {
			return false
		}
		switch {
		case pg.NextLink != "":
			if pg.NextLink == pos.Link || len(pg.NextLink) > maxLink || !r.c.client.within(pg.NextLink) {
				return r.entityFailed(node.ID, d.WebURL, tributary.NewError("sharepoint: changes of library "+d.ID,
					tributary.ErrMalformedResponse, errors.New("a next link that repeats itself or leaves the Graph API")))
			}
			pos.Link = pg.NextLink
			if !r.Checkpoint(pos) {
				return false
			}
		case pg.DeltaLink != "":
			if r.values != nil && !r.slim && !pos.Later && len(pg.DeltaLink) <= maxLink && r.c.client.within(pg.DeltaLink) {
				r.values.Put(deltaKey(d.ID), []byte(pg.DeltaLink))
			}
			return r.Checkpoint(position{Site: s.ID, Drive: d.ID, Done: true})
		default:
			return r.entityFailed(node.ID, d.WebURL, tributary.NewError("sharepoint: changes of library "+d.ID,
				tributary.ErrMalformedResponse, errors.New("a page with neither @odata.nextLink nor @odata.deltaLink")))
		}
	}
}

// fileWork is a file of a delta page to read, with the id of its parent
// node.
type fileWork struct {
	it     apiItem
	parent string
	// access, when set, was read with the page's other files in a $batch.
	access *tributary.ExternalAccess
}

// entries handles the items of a delta page: nodes, deletions and
// failures are yielded as they come (never after a child of theirs), the
// files in the window are read up to Concurrency at a time and yielded in
// the page's order.
func (r *run) entries(d apiDrive, pos *position, raws []json.RawMessage) bool {
	var works []fileWork
	for _, raw := range raws {
		w, ok := r.entry(d, pos, raw)
		if !ok {
			return false
		}
		if w != nil {
			works = append(works, *w)
		}
	}
	if r.c.env.WantPermissions && len(works) > 1 {
		var ids []string
		for _, w := range works {
			if r.c.skipReason(&w.it) == "" {
				ids = append(ids, w.it.ID)
			}
		}
		got := r.c.batchAccess(r.ctx, d.ID, ids)
		for i := range works {
			works[i].access = got[works[i].it.ID]
		}
	}
	return r.files(d.ID, works)
}

// entry handles one item of a delta page, returning the file to read when
// it is one.
func (r *run) entry(d apiDrive, pos *position, raw json.RawMessage) (*fileWork, bool) {
	var it apiItem
	if err := json.Unmarshal(raw, &it); err != nil || !graphID.MatchString(it.ID) {
		if err == nil {
			err = errors.New("item without a valid id")
		}
		err = tributary.NewError("sharepoint: malformed item", tributary.ErrMalformedResponse, err)
		var ref struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &ref) == nil && graphID.MatchString(ref.ID) {
			id := r.c.itemID(d.ID, ref.ID)
			return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
		}
		return nil, r.entityFailed(r.c.driveNodeID(d.ID), d.WebURL, err)
	}
	id := r.c.itemID(d.ID, it.ID)
	switch {
	case it.Deleted != nil:
		if it.Folder != nil || r.slim {
			return nil, true
		}
		return nil, r.Yield(tributary.DeletionItem(id))
	case it.Root != nil || it.ID == pos.Root:
		return nil, true
	}
	parent := r.c.driveNodeID(d.ID)
	if it.Parent != nil && it.Parent.ID != "" && it.Parent.ID != pos.Root && graphID.MatchString(it.Parent.ID) {
		parent = r.c.itemID(d.ID, it.Parent.ID)
	}
	if it.Folder != nil {
		return nil, r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: id, ParentID: parent, Name: cmpOr(it.Name, it.ID),
			Link: it.WebURL, Kind: tributary.NodeFolder}))
	}
	if it.File == nil {
		tributary.ReportSkip(r.ctx, id, "not a file (a package such as a OneNote notebook)")
		return nil, true
	}
	if it.Modified.IsZero() || it.Size == nil {
		return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, cmpOr(it.WebURL, id),
			tributary.NewError("sharepoint: malformed item", tributary.ErrMalformedResponse, errors.New("file without lastModifiedDateTime or size")))))
	}
	switch {
	case !r.end.IsZero() && !it.Modified.Before(r.end):
		pos.Later = true
		return nil, true
	case it.Modified.Before(r.start) && !pos.Inc:
		return nil, true
	}
	return &fileWork{it: it, parent: parent}, true
}

// outcome is what reading one file came to.
type outcome struct {
	doc  *tributary.Document
	err  error  // the document failed
	skip string // the file is passed over on purpose, and why
	id   string
}

// prepareFile reads a file: its access when asked, its content unless the
// stream is slim. It yields nothing, so workers may run it.
func (r *run) prepareFile(ctx context.Context, drive string, w *fileWork) outcome {
	it := &w.it
	if reason := r.c.skipReason(it); reason != "" {
		return outcome{skip: reason, id: r.c.itemID(drive, it.ID)}
	}
	doc := r.c.toDocument(drive, it, w.parent)
	if r.c.env.WantPermissions {
		acc := w.access
		if acc == nil {
			var err error
			if acc, err = r.c.itemAccess(ctx, drive, it.ID); err != nil {
				return outcome{doc: doc, err: fmt.Errorf("sharepoint: permissions: %w", err)}
			}
		}
		doc.ExternalAccess = acc
	}
	if !r.slim {
		secs, err := r.c.content(ctx, drive, it, doc.ID, doc.Sections[0].Link)
		if err != nil {
			return outcome{doc: doc, err: fmt.Errorf("sharepoint: content: %w", err)}
		}
		if len(secs) > 0 {
			doc.Sections = secs
		}
	}
	return outcome{doc: doc}
}

// emitFile yields what reading a file came to; a file passed over on
// purpose goes to skip.
func (r *run) emitFile(o outcome, skip func(id, reason string) bool) bool {
	switch {
	case o.skip != "":
		return skip(o.id, o.skip)
	case o.err != nil:
		return r.docFailed(o.doc, o.err)
	}
	return r.Yield(tributary.DocumentItem(o.doc))
}

func (r *run) reportSkip(id, reason string) bool {
	tributary.ReportSkip(r.ctx, id, reason)
	return true
}

// files reads the files of a page, up to Concurrency at a time and at most
// twice that many ahead of the one being yielded, and yields them in
// order. No worker outlives the call.
func (r *run) files(drive string, works []fileWork) bool {
	n := min(r.c.settings.Concurrency, len(works))
	if n <= 1 {
		for i := range works {
			if !r.emitFile(r.prepareFile(r.ctx, drive, &works[i]), r.reportSkip) {
				return false
			}
		}
		return true
	}
	ctx, cancel := context.WithCancel(r.ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel, which is deferred last and so runs first
	defer cancel()
	outs := make([]outcome, len(works))
	done := make([]chan struct{}, len(works))
	for i := range done {
		done[i] = make(chan struct{})
	}
	ahead := make(chan struct{}, 2*n) // a slot per file read but not yet yielded
	var next atomic.Int64
	for range n {
		wg.Go(func() {
			for {
				select {
				case ahead <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(works) {
					return
				}
				outs[i] = r.prepareFile(ctx, drive, &works[i])
				close(done[i])
			}
		})
	}
	for i := range works {
		select {
		case <-done[i]:
		case <-r.ctx.Done():
			return r.Fail(r.ctx.Err())
		}
		if !r.emitFile(outs[i], r.reportSkip) {
			return false
		}
		outs[i] = outcome{} // the document is the consumer's now
		<-ahead
	}
	return true
}

// docFailed reports a document that could not be read.
func (r *run) docFailed(doc *tributary.Document, err error) bool {
	if terminal(err) {
		return r.Fail(err)
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(doc.ID, doc.Sections[0].Link, err)))
}

// sites returns the sites to read, sorted by id: the configured ones
// (resolved by host and path), or every site of the tenant.
func (c *Connector) sites(ctx context.Context) ([]apiSite, error) {
	var out []apiSite
	if len(c.settings.Sites) > 0 {
		for _, raw := range c.settings.Sites {
			s, err := c.site(ctx, raw)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	} else {
		err := c.list(ctx, c.client.graph+"/sites/getAllSites?$select=id,name,displayName,webUrl,createdDateTime,lastModifiedDateTime&$top="+
			strconv.Itoa(c.settings.PageSize), PermSites, func(raw json.RawMessage) error {
			var s apiSite
			if err := json.Unmarshal(raw, &s); err != nil || !graphID.MatchString(s.ID) {
				return tributary.NewError("sharepoint: list sites", tributary.ErrMalformedResponse, errors.New("a site without a valid id"))
			}
			if !personal(s) {
				out = append(out, s)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sharepoint: list sites: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b apiSite) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b apiSite) bool { return a.ID == b.ID }), nil
}

// personal reports a user's OneDrive (a personal site on the
// TENANT-my.sharepoint.com host), which getAllSites lists too; it is read
// only when listed in the settings.
func personal(s apiSite) bool {
	u, err := url.Parse(s.WebURL)
	return err == nil && strings.Contains(strings.ToLower(u.Hostname()), "-my.sharepoint.")
}

// site resolves a site URL through /sites/{host}:/{path}.
func (c *Connector) site(ctx context.Context, raw string) (apiSite, error) {
	host, path, err := sitePath(raw)
	if err != nil {
		return apiSite{}, tributary.NewError("sharepoint: site "+raw, tributary.ErrInvalidConfig, err)
	}
	var s apiSite
	u := c.client.graph + "/sites/" + host + ":" + (&url.URL{Path: path}).EscapedPath()
	if err := c.client.get(ctx, u, PermSites, &s); err != nil {
		return apiSite{}, fmt.Errorf("sharepoint: site %s: %w", raw, err)
	}
	if !graphID.MatchString(s.ID) {
		return apiSite{}, tributary.NewError("sharepoint: site "+raw, tributary.ErrMalformedResponse, errors.New("answer without a valid id"))
	}
	return s, nil
}

// drives returns a site's document libraries, sorted by id.
func (c *Connector) drives(ctx context.Context, site string) ([]apiDrive, error) {
	var out []apiDrive
	err := c.list(ctx, c.client.graph+"/sites/"+site+"/drives?$select=id,name,driveType,webUrl&$top="+strconv.Itoa(c.settings.PageSize),
		PermSites, func(raw json.RawMessage) error {
			var d apiDrive
			if err := json.Unmarshal(raw, &d); err != nil || !graphID.MatchString(d.ID) {
				return tributary.NewError("sharepoint: list libraries", tributary.ErrMalformedResponse, errors.New("a library without a valid id"))
			}
			if d.DriveType == "" || d.DriveType == "documentLibrary" {
				out = append(out, d)
			}
			return nil
		})
	slices.SortFunc(out, func(a, b apiDrive) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b apiDrive) bool { return a.ID == b.ID }), err
}

// list reads every page of a collection from link, following
// @odata.nextLink while it stays under the Graph API.
func (c *Connector) list(ctx context.Context, link, perm string, each func(json.RawMessage) error) error {
	return c.client.List(ctx, link, perm, each)
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
