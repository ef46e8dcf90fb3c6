package blob

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// source is an object, or an entry of an archive object, on its way to
// becoming a document.
type source struct {
	key      string // the object's key
	id, sem  string // the document id and semantic id
	name     string // the base name that tells the format
	link     string
	modified time.Time
}

func (c *Connector) objectSource(key string, modified time.Time) source {
	return source{key: key, id: c.docID(key), sem: c.s.Bucket + "/" + key, name: path.Base(key), link: c.link(key), modified: modified}
}

// entry is the source of an archive entry named name (cleaned): its id is
// the archive's followed by "!/" and the name, escaped as keys are, and
// its link the archive's with the fragment #!/NAME, which opens the
// archive and tells the entry (NormalizeURL maps it back).
func (s source) entry(name string) source {
	link, inner, _ := strings.Cut(s.link, "#") // inner names the archives this one is nested in
	return source{key: s.key, id: s.id + "!/" + escapeKey(name), sem: s.sem + "!/" + name, name: path.Base(name),
		link: link + "#" + inner + "!/" + escapeKey(name), modified: s.modified}
}

// kindOf tells what the bytes b are: an archive to open, content to leave
// out (skip says why), or a format to extract. format is what the name
// said, FormatUnknown when it said nothing.
func (c *Connector) kindOf(format extract.Format, b []byte) (_ extract.Format, skip string) {
	mime := ""
	if format == extract.FormatUnknown {
		format, mime = extract.Sniff(b[:min(len(b), sniffLen)])
	}
	switch {
	case archive.IsArchive(format) && !c.s.OpenArchives:
		return format, string(format) + " archive, and open_archives is off"
	case format == extract.FormatUnknown:
		// Content sniffing found no text: an image, an executable, a
		// packed file, whatever its name says.
		return format, "binary content: " + mime
	}
	return format, ""
}

// extractItem extracts b into the document of src, or into a Failure
// under its id; the error is one that ends the run.
func (c *Connector) extractItem(ctx context.Context, src source, b []byte, format extract.Format) (tributary.Item, error) {
	lim := c.lim
	lim.KeepImage = extract.KeepImages(ctx, src.id)
	x, err := extract.Extract(format, b, "", lim)
	if err != nil && terminal(ctx, err) {
		return tributary.Item{}, err
	}
	if err != nil {
		return tributary.FailureItem(tributary.DocumentFailure(src.id, src.link, err)), nil
	}
	return tributary.DocumentItem(c.document(src, format, x)), nil
}

// slimItem is the slim listing's item for src: its id, under its folder.
func (c *Connector) slimItem(src source) tributary.Item {
	return tributary.DocumentItem(&tributary.Document{ID: src.id, Source: c.source, ParentID: c.folderID(folderOf(src.key))})
}

// contentFailure is the item for content of src that cannot be read
// whole (too large, over the archive bounds, malformed): a Failure, or in
// the slim listing the id, since Load answers it with a Failure under
// that id and pruning must keep it.
func (r *run) contentFailure(src source, err error) tributary.Item {
	if r.slim {
		return r.c.slimItem(src)
	}
	return tributary.FailureItem(tributary.DocumentFailure(src.id, src.link, err))
}

// archive yields the entries of the archive b as documents with ids
// ARCHIVE-ID!/ENTRY (in the slim listing, their ids), after the nodes of
// the object's folders. Before anything is expanded, the entries are
// checked against the archive limits (entry count, declared sizes and
// ratios, nesting); an archive over a bound is refused whole with one
// Failure under its own id. Entries are then expanded one at a time, each
// bounded again by what it really expands to. expanded counts the bytes
// expanded across nested archives.
func (r *run) archive(src source, b []byte, format extract.Format, depth int, expanded *int64) bool {
	lim := r.c.s.Archive
	if depth >= lim.MaxDepth {
		return r.emit(src.key, r.contentFailure(src, fmt.Errorf("%w: archive nested %d deep, max_depth is %d", ErrArchiveBounds, depth+1, lim.MaxDepth)))
	}
	list, err := archive.Open(format, src.name, b, archive.Budget(lim, int64(len(b)), *expanded))
	if err == nil {
		err = archive.Check(list, lim)
	}
	if err != nil {
		return r.emit(src.key, r.contentFailure(src, err))
	}
	seen := map[string]bool{}
	for m, err := range list {
		if err := r.ctx.Err(); err != nil {
			return r.Fail(err)
		}
		if err != nil {
			return r.emit(src.key, r.contentFailure(src, err))
		}
		if !m.Dir && !r.entry(src, m, seen, depth, expanded) {
			return false
		}
	}
	return true
}

func (r *run) entry(src source, m archive.Member, seen map[string]bool, depth int, expanded *int64) bool {
	name, err := archive.EntryName(m.Name)
	if err != nil {
		return r.emit(src.key, r.contentFailure(src.entry(m.Name), err))
	}
	esrc := src.entry(name)
	first := !seen[m.Name]
	seen[m.Name] = true
	switch {
	case !first:
		return r.emit(src.key, r.contentFailure(esrc, fmt.Errorf("%w: entry %q appears twice", ErrUndecodable, m.Name)))
	case m.Encrypted:
		return r.emit(src.key, r.contentFailure(esrc, fmt.Errorf("%w: archive entry is encrypted", ErrEncrypted)))
	}
	format := extract.FormatOf(esrc.name)
	if r.slim && format != extract.FormatUnknown && !archive.IsArchive(format) {
		return r.emit(src.key, r.c.slimItem(esrc))
	}
	data, err := archive.Expand(m, r.c.s.Archive, expanded)
	if err != nil {
		return r.emit(src.key, r.contentFailure(esrc, err))
	}
	format, skip := r.c.kindOf(format, data)
	switch {
	case skip != "":
		tributary.ReportSkip(r.ctx, esrc.id, skip)
		return true
	case archive.IsArchive(format):
		return r.archive(esrc, data, format, depth+1, expanded)
	case r.slim:
		return r.emit(src.key, r.c.slimItem(esrc))
	}
	it, err := r.c.extractItem(r.ctx, esrc, data, format)
	if err != nil {
		return r.Fail(err)
	}
	return r.emit(src.key, it)
}

// emit yields it after the nodes of key's folders.
func (r *run) emit(key string, it tributary.Item) bool {
	return r.sendFolders(key) && r.yield(it)
}

// ErrArchiveBounds: an archive is over one of its limits; ErrUnsafeEntry:
// an entry's name is absolute or climbs out of the archive.
var (
	ErrArchiveBounds = archive.ErrBounds
	ErrUnsafeEntry   = archive.ErrUnsafeEntry
)
