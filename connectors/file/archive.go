package file

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary/internal/extract"
)

// ratioFloor is the expanded size under which an entry's compression ratio
// is not checked: small runs of repeated bytes compress very well and are
// harmless.
const ratioFloor = 1 << 20

// archive yields the entries of the zip archive b as documents with ids
// ARCHIVE-ID!/ENTRY. Before anything is expanded, the archive's directory
// is checked against the ArchiveLimits (entry count, declared expanded
// sizes and ratios, nesting); an archive over a bound is refused whole with
// one Failure on its own id. Entries are then expanded one at a time, each
// bounded again by what it really expands to, since headers can lie.
// expanded counts bytes expanded across nested archives.
func (w *walker) archive(src *source, b []byte, depth int, expanded *int64) error {
	lim := w.c.s.Archive
	if depth >= lim.MaxDepth {
		return w.fileFailure(src, fmt.Errorf("%w: archive nested %d deep, max_depth is %d", ErrArchiveBounds, depth+1, lim.MaxDepth))
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return w.fileFailure(src, fmt.Errorf("%w: not a valid zip archive: %w", ErrUndecodable, err))
	}
	if err := checkArchive(z, lim); err != nil {
		return w.fileFailure(src, err)
	}
	files := slices.Clone(z.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	prev := ""
	for _, f := range files {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() {
			continue
		}
		if err := w.archiveEntry(src, f, prev, depth, expanded); err != nil {
			return err
		}
		prev = f.Name
	}
	return nil
}

// checkArchive checks an archive's directory against the limits, before
// anything is expanded.
func checkArchive(z *zip.Reader, lim ArchiveLimits) error {
	if len(z.File) > lim.MaxEntries {
		return fmt.Errorf("%w: %d entries, max_entries is %d", ErrArchiveBounds, len(z.File), lim.MaxEntries)
	}
	var total uint64
	for _, f := range z.File {
		size := f.UncompressedSize64
		total += size
		switch {
		case size > uint64(lim.MaxEntrySize):
			return fmt.Errorf("%w: entry %q expands to %d bytes, max_entry_size is %d", ErrArchiveBounds, f.Name, size, lim.MaxEntrySize)
		case total > uint64(lim.MaxExpanded):
			return fmt.Errorf("%w: expands to over %d bytes, max_expanded is %d", ErrArchiveBounds, total, lim.MaxExpanded)
		case size > ratioFloor && size/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio):
			return fmt.Errorf("%w: entry %q expands %d times, max_ratio is %d", ErrArchiveBounds, f.Name,
				size/max(f.CompressedSize64, 1), lim.MaxRatio)
		}
	}
	return nil
}

func (w *walker) archiveEntry(src *source, f *zip.File, prev string, depth int, expanded *int64) error {
	esrc := &source{dir: src.dir, root: src.root, id: entryID(src.docID(), f.Name), sem: src.sem + "!/" + f.Name,
		link: src.link, changed: src.changed}
	name, err := entryName(f.Name)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	esrc.id, esrc.sem, esrc.name = entryID(src.docID(), name), src.sem+"!/"+name, path.Base(name)
	switch {
	case f.Name == prev:
		return w.fileFailure(esrc, fmt.Errorf("%w: entry %q appears twice", ErrUndecodable, f.Name))
	case w.skipByName(name) != "":
		w.skip(esrc, w.skipByName(name))
		return nil
	case f.Flags&0x1 != 0:
		return w.fileFailure(esrc, fmt.Errorf("%w: archive entry is encrypted", ErrEncrypted))
	}
	format := extract.FormatOf(name)
	if w.slim && format != extract.FormatZip && format != extract.FormatUnknown {
		return w.emitSlim(esrc)
	}
	data, err := w.expand(f, expanded)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	return w.content(esrc, data, format, depth+1, expanded)
}

// expand reads an entry, bounded by what the limits allow whatever its
// header claims.
func (w *walker) expand(f *zip.File, expanded *int64) ([]byte, error) {
	lim := w.c.s.Archive
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: archive entry: %w", ErrUndecodable, err)
	}
	defer rc.Close()
	budget := min(lim.MaxEntrySize, lim.MaxExpanded-*expanded, int64(max(f.CompressedSize64, 1))*int64(lim.MaxRatio)+ratioFloor)
	data, err := io.ReadAll(io.LimitReader(rc, budget+1))
	*expanded += int64(len(data))
	if int64(len(data)) > budget {
		return nil, fmt.Errorf("%w: entry expands past its bounds (%d bytes read)", ErrArchiveBounds, len(data))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: archive entry: %w", ErrUndecodable, err)
	}
	return data, nil
}
