package blob

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// run is one pass over the listing.
type run struct {
	*tributary.Yielder
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	// folders are the folder prefixes whose nodes were sent, the bucket's
	// ("") first: the chain of the last document's folders.
	folders []string
	// items counts items since the last checkpoint; last is the last key
	// finished.
	items int
	last  string
}

// all walks every prefix from pos on.
func (r *run) all(pos position) {
	for _, p := range r.c.prefixes {
		resume := pos.After != "" && strings.HasPrefix(pos.After, p)
		if pos.After != "" && !resume && p < pos.After {
			continue // the whole range lies before the position
		}
		token, after := "", ""
		if resume {
			token, after = pos.Token, pos.After
		}
		if !r.prefix(p, token, after) {
			return
		}
	}
	if r.items > 0 && !r.slim {
		r.Checkpoint(position{After: r.last})
	}
}

// prefix lists the keys under p after the key after, starting from the page
// token names when it is set.
func (r *run) prefix(p, token, after string) bool {
	for {
		pg, err := r.c.client.list(r.ctx, r.c.s.Bucket, p, token, after, r.c.s.PageSize)
		if err != nil && token != "" && r.ctx.Err() == nil {
			// A token the service no longer honours (services answer
			// InvalidArgument or InvalidToken): the key says as much.
			token = ""
			pg, err = r.c.client.list(r.ctx, r.c.s.Bucket, p, "", after, r.c.s.PageSize)
		}
		if err != nil {
			return r.Fail(err)
		}
		if !r.page(pg.objects, after, token) {
			return false
		}
		if pg.next == "" {
			return true
		}
		token = pg.next
		if len(pg.objects) > 0 {
			after = max(after, aws.ToString(pg.objects[len(pg.objects)-1].Key))
		}
		if !r.slim && after != "" && !r.checkpoint(position{After: after, Token: token}) {
			return false
		}
	}
}

func (r *run) checkpoint(p position) bool {
	r.items = 0
	return r.Checkpoint(p)
}

func (r *run) yield(it tributary.Item) bool {
	r.items++
	return r.Yield(it)
}

// maxInFlight bounds the bytes of the objects being read at once; an
// object larger than it is read alone.
const maxInFlight = 64 << 20

// fetched is what reading one object came to: an item (its document or
// Failure, or its id in the slim listing), an archive to open when it is
// delivered, content left out (skip says why), nothing (gone: deleted
// since it was listed), or an error that ends the run.
type fetched struct {
	key     string
	cost    int64
	src     source
	item    tributary.Item
	archive []byte
	format  extract.Format
	skip    string
	gone    bool
	err     error
	done    chan struct{}
}

// page handles the objects of one listing page: those admitted are read up
// to Settings.Concurrency (and maxInFlight bytes) at a time, and their
// items are yielded in key order, with a checkpoint every checkpointItems
// items. Every read has ended when it returns.
func (r *run) page(objs []types.Object, after, token string) bool {
	ctx, cancel := context.WithCancel(r.ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	var queue []*fetched
	var inFlight int64
	next := func() bool {
		f := queue[0]
		queue = queue[1:]
		select {
		case <-f.done:
		case <-r.ctx.Done():
			return r.Fail(r.ctx.Err())
		}
		inFlight -= f.cost
		return r.deliver(f, token)
	}
	for i := range objs {
		o := &objs[i]
		key := aws.ToString(o.Key)
		if key <= after || !r.admits(key, o) {
			continue
		}
		cost := r.cost(key, o)
		for len(queue) > 0 && (len(queue) >= r.c.s.Concurrency || inFlight+cost > maxInFlight) {
			if !next() {
				return false
			}
		}
		f := &fetched{key: key, cost: cost, done: make(chan struct{})}
		queue = append(queue, f)
		inFlight += cost
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(f.done)
			r.fetch(ctx, f, o)
		}()
	}
	for len(queue) > 0 {
		if !next() {
			return false
		}
	}
	return true
}

// admits reports whether the settings and the window let the object in.
func (r *run) admits(key string, o *types.Object) bool {
	if strings.HasSuffix(key, "/") || !r.c.admit(key) {
		return false // a folder marker, or left out by the globs
	}
	modified := aws.ToTime(o.LastModified)
	return (r.start.IsZero() || !modified.Before(r.start)) && (r.end.IsZero() || modified.Before(r.end))
}

// cost is how many bytes reading an object holds: none when the slim
// listing tells it by name, its first bytes when it tells it by content,
// else the whole object (objects over the limit are not read).
func (r *run) cost(key string, o *types.Object) int64 {
	size := min(aws.ToInt64(o.Size), r.c.s.MaxObjectSize+1)
	if !r.slim {
		return size
	}
	switch format := extract.FormatOf(path.Base(key)); {
	case archive.IsArchive(format):
		return size
	case format == extract.FormatUnknown:
		return min(size, sniffLen)
	}
	return 0
}

// deliver yields what reading an object came to, after the nodes of its
// folders.
func (r *run) deliver(f *fetched, token string) bool {
	switch {
	case f.err != nil:
		return r.Fail(f.err)
	case f.gone:
		// Deleted since it was listed; the next listing leaves it out.
		tributary.ReportSkip(r.ctx, r.c.docID(f.key), "deleted while read")
	case f.skip != "":
		tributary.ReportSkip(r.ctx, f.src.id, f.skip)
	case f.archive != nil:
		if !r.archive(f.src, f.archive, f.format) {
			return false
		}
	case !r.emit(f.key, f.item):
		return false
	}
	r.last = f.key
	if r.items >= checkpointItems {
		return r.checkpoint(position{After: f.key, Token: token})
	}
	return true
}

// fetch reads one object into f: its document or Failure, its format and
// bytes when it is an archive (opened when it is delivered, one entry at a
// time), or why it is left out. The slim listing reads nothing of an
// object whose name tells its format, and only the first bytes of one
// whose name does not. fetch yields nothing, so that many run at once.
func (r *run) fetch(ctx context.Context, f *fetched, o *types.Object) {
	key := f.key
	f.src = r.c.objectSource(key, aws.ToTime(o.LastModified).UTC())
	format := extract.FormatOf(f.src.name)
	if r.slim && format != extract.FormatUnknown && !archive.IsArchive(format) {
		f.item = r.c.slimItem(f.src)
		return
	}
	size := aws.ToInt64(o.Size)
	if size > r.c.s.MaxObjectSize {
		f.item = r.contentFailure(f.src, fmt.Errorf("%w: %d bytes, over max_object_size %d", ErrTooLarge, size, r.c.s.MaxObjectSize))
		return
	}
	var b []byte
	var err error
	if r.slim && format == extract.FormatUnknown {
		b, err = r.c.client.first(ctx, r.c.s.Bucket, key, sniffLen)
		if err == nil {
			if format, _ = extract.Sniff(b); !archive.IsArchive(format) {
				if _, f.skip = r.c.kindOf(format, b); f.skip == "" {
					f.item = r.c.slimItem(f.src)
				}
				return
			}
		}
	}
	if err == nil {
		b, _, err = r.c.client.get(ctx, r.c.s.Bucket, key, size, aws.ToString(o.ETag), r.c.s.MaxObjectSize)
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		f.item = r.contentFailure(f.src, err)
		return
	case errors.Is(err, tributary.ErrNotFound):
		f.gone = true
		return
	case err != nil && terminal(ctx, err):
		f.err = err
		return
	case err != nil:
		f.item = tributary.FailureItem(tributary.DocumentFailure(f.src.id, f.src.link, err))
		return
	}
	r.read(ctx, f, b, format)
}

// read tells the bytes b of f's object apart and extracts them, or keeps
// them to open as an archive.
func (r *run) read(ctx context.Context, f *fetched, b []byte, format extract.Format) {
	format, f.skip = r.c.kindOf(format, b)
	switch {
	case f.skip != "":
	case archive.IsArchive(format):
		f.archive, f.format = b, format
	case r.slim:
		f.item = r.c.slimItem(f.src)
	default:
		f.item, f.err = r.c.extractItem(ctx, f.src, b, format)
	}
}

// sniffLen is how many bytes tell a format.
const sniffLen = archive.SniffLen

// terminal reports whether an error reading one object ends the run
// rather than failing that object alone: the run was cancelled, or the
// credentials or configuration no longer work for anything.
func terminal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInvalidConfig) ||
		errors.Is(err, extract.ErrKeep)
}

// sendFolders sends the nodes of key's folders that the last document did
// not share, parents first. Keys come in byte order and the keys under a
// prefix are contiguous in it, so a folder once left is never seen again.
func (r *run) sendFolders(key string) bool {
	chain := folderChain(key)
	n := 0
	for n < len(chain) && n < len(r.folders) && chain[n] == r.folders[n] {
		n++
	}
	for _, f := range chain[n:] {
		if !r.yield(tributary.NodeItem(r.c.node(f))) {
			return false
		}
	}
	r.folders = chain
	return true
}

// folderChain returns the folder prefixes holding key, the bucket's ("")
// first: "a/b/c.txt" gives "", "a/", "a/b/".
func folderChain(key string) []string {
	chain := []string{""}
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			chain = append(chain, key[:i+1])
		}
	}
	return chain
}

// folderOf returns the prefix of the folder holding key ("" for the
// bucket's top).
func folderOf(key string) string {
	return key[:strings.LastIndexByte(key, '/')+1]
}

func (c *Connector) node(folder string) *tributary.HierarchyNode {
	n := &tributary.HierarchyNode{ID: c.folderID(folder), Name: c.s.Bucket, Kind: tributary.NodeFolder, Link: c.link(folder)}
	if folder != "" {
		parent := folderOf(folder[:len(folder)-1])
		n.ParentID = c.folderID(parent)
		n.Name = folder[len(parent) : len(folder)-1]
	}
	return n
}

// docID is the id of the object at key: the bucket's base and the key,
// with % # ? and control characters percent-encoded, so that ids stay
// parseable as URLs and stable across runs, and "!/" as "%21/", so that
// "!/" only ever separates an archive from its entry.
func (c *Connector) docID(key string) string { return c.base + escapeKey(key) }

// folderID is the id of the folder node of a prefix ending in "/", or of
// the bucket for "".
func (c *Connector) folderID(folder string) string { return c.base + escapeKey(folder) }

func escapeKey(key string) string { return archive.EscapeKey(key) }

// link is where a user opens the object: under LinkBase when set,
// otherwise at the endpoint.
func (c *Connector) link(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	p := strings.Join(segs, "/")
	switch {
	case c.s.LinkBase != "":
		return strings.TrimRight(c.s.LinkBase, "/") + "/" + p
	case c.s.Endpoint == "":
		return "https://" + c.s.Bucket + ".s3." + c.s.Region + ".amazonaws.com/" + p
	case c.s.PathStyle:
		return c.s.Endpoint + "/" + url.PathEscape(c.s.Bucket) + "/" + p
	}
	u, err := url.Parse(c.s.Endpoint)
	if err != nil {
		return c.s.Endpoint + "/" + p
	}
	return u.Scheme + "://" + c.s.Bucket + "." + u.Host + "/" + p
}

func (c *Connector) document(src source, format extract.Format, x *extract.Doc) *tributary.Document {
	d := &tributary.Document{
		ID: src.id, Source: c.source, SemanticID: src.sem,
		Title: x.Title, Sections: x.Sections, Metadata: x.Metadata,
		UpdatedAt: src.modified, CreatedAt: x.Created, ParentID: c.folderID(folderOf(src.key)),
		PrimaryOwners: x.Authors, SecondaryOwners: x.Recipients,
	}
	if d.Title == "" {
		d.Title = src.name
	}
	if d.Metadata == nil {
		d.Metadata = tributary.Metadata{}
	}
	d.Metadata.Add("file_type", string(format))
	d.Metadata.Add("bucket", c.s.Bucket)
	for i := range d.Sections {
		s := &d.Sections[i]
		if strings.HasPrefix(s.Link, "#") && !strings.Contains(src.link, "#") {
			s.Link = src.link + s.Link
		} else {
			s.Link = src.link // an entry's link names it in its fragment
		}
	}
	return d
}
