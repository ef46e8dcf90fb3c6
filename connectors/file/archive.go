package file

import (
	"fmt"
	"path"

	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// archive yields the entries of the archive b (zip, tar, gzip) as
// documents with ids ARCHIVE-ID!/ENTRY. Before anything is expanded, the
// archive's entries are checked against the ArchiveLimits (entry count,
// declared expanded sizes and ratios, nesting); an archive over a bound
// is refused whole with one Failure on its own id. Entries are then
// expanded one at a time, each bounded again by what it really expands
// to, since headers can lie. expanded counts bytes expanded across nested
// archives.
func (w *walker) archive(src *source, b []byte, format extract.Format, depth int, expanded *int64) error {
	lim := w.c.s.Archive
	if depth >= lim.MaxDepth {
		return w.fileFailure(src, fmt.Errorf("%w: archive nested %d deep, max_depth is %d", ErrArchiveBounds, depth+1, lim.MaxDepth))
	}
	list, err := archive.Open(format, src.name, b, archive.Budget(lim, int64(len(b)), *expanded))
	if err != nil {
		return w.fileFailure(src, err)
	}
	if err := archive.Check(list, lim); err != nil {
		return w.fileFailure(src, err)
	}
	seen := map[string]bool{}
	for m, err := range list {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if err != nil {
			return w.fileFailure(src, err)
		}
		if m.Dir {
			continue
		}
		if err := w.archiveEntry(src, m, seen, depth, expanded); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) archiveEntry(src *source, m archive.Member, seen map[string]bool, depth int, expanded *int64) error {
	esrc := &source{dir: src.dir, root: src.root, id: entryID(src.docID(), m.Name), sem: src.sem + "!/" + m.Name,
		link: src.link, changed: src.changed}
	name, err := archive.EntryName(m.Name)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	esrc.id, esrc.sem, esrc.name = entryID(src.docID(), name), src.sem+"!/"+name, path.Base(name)
	first := !seen[m.Name]
	seen[m.Name] = true
	switch {
	case !first:
		return w.fileFailure(esrc, fmt.Errorf("%w: entry %q appears twice", ErrUndecodable, m.Name))
	case w.skipByName(name) != "":
		w.skip(esrc, w.skipByName(name))
		return nil
	case m.Encrypted:
		return w.fileFailure(esrc, fmt.Errorf("%w: archive entry is encrypted", ErrEncrypted))
	}
	format := extract.FormatOf(name)
	if w.slim && !archive.IsArchive(format) && format != extract.FormatUnknown {
		return w.emitSlim(esrc)
	}
	data, err := archive.Expand(m, w.c.s.Archive, expanded)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	return w.content(esrc, data, format, depth+1, expanded)
}
