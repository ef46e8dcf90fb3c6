package blob

import (
	"context"
	"path"
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

// ref is src as internal/archive names it; from is the source of what
// ref names within src's object.
func (s source) ref() archive.Ref {
	return archive.Ref{ID: s.id, Link: s.link, Path: s.sem, Name: s.name}
}

func (s source) from(ref archive.Ref) source {
	return source{key: s.key, id: ref.ID, sem: ref.Path, name: ref.Name, link: ref.Link, modified: s.modified}
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
// the object's folders, walking it with internal/archive: an archive over
// a bound is refused whole with one Failure under its own id, and entries
// are expanded one at a time, each bounded by what it really expands to.
func (r *run) archive(src source, b []byte, format extract.Format) bool {
	w := archive.Walker{Limits: r.c.s.Archive, Slim: r.slim, Classify: r.c.kindOf,
		Entry: func(ref archive.Ref, format extract.Format, data []byte) bool {
			esrc := src.from(ref)
			if r.slim {
				return r.emit(src.key, r.c.slimItem(esrc))
			}
			it, err := r.c.extractItem(r.ctx, esrc, data, format)
			if err != nil {
				return r.Fail(err)
			}
			return r.emit(src.key, it)
		},
		Failure: func(ref archive.Ref, err error) bool { return r.emit(src.key, r.contentFailure(src.from(ref), err)) },
		Skip:    func(ref archive.Ref, reason string) { tributary.ReportSkip(r.ctx, ref.ID, reason) },
	}
	ok, err := w.Walk(r.ctx, src.ref(), b, format)
	if err != nil {
		return r.Fail(err)
	}
	return ok
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
