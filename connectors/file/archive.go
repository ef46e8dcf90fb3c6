package file

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
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

// member is one entry of an archive, as an entry iterator yields it.
type member struct {
	// name is the entry's name as the archive gives it.
	name string
	// size is the expanded size the archive declares, -1 when it declares
	// none; compressed is the entry's compressed size, 0 when the format
	// does not say (a tar entry is stored as it is).
	size, compressed int64
	dir, encrypted   bool
	// open reads the entry. It is valid until the iterator moves on.
	open func() (io.ReadCloser, error)
}

// members is the one shape archives are walked in, whatever their format:
// a function that reads the archive afresh each time it is called and
// yields its entries in a fixed order (by name for zip, whose directory
// can be sorted; as stored for tar). An error ends the iteration.
type members func(yield func(member, error) bool)

// archiveMembers returns the entry iterator of the archive b in format f
// (zip, tar, or a gzip stream: a tar archive inside is walked as one
// archive, anything else is one entry named after the file). budget bounds
// what a gzip stream may expand to.
func archiveMembers(f extract.Format, name string, b []byte, budget int64) (members, error) {
	switch f {
	case extract.FormatZip:
		return zipMembers(b)
	case extract.FormatTar:
		return tarMembers(func() (io.Reader, error) { return bytes.NewReader(b), nil }), nil
	}
	gunzip := func() (*gzip.Reader, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: not a valid gzip stream: %w", ErrUndecodable, err)
		}
		zr.Multistream(true)
		return zr, nil
	}
	zr, err := gunzip()
	if err != nil {
		return nil, err
	}
	head, _ := bufio.NewReaderSize(zr, 512).Peek(512)
	zr.Close()
	inner := strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".GZ")
	if isTar(head) || strings.EqualFold(path.Ext(inner), ".tar") || strings.EqualFold(path.Ext(name), ".tgz") {
		return tarMembers(func() (io.Reader, error) {
			zr, err := gunzip()
			return &limitedReader{r: zr, left: budget}, err
		}), nil
	}
	if inner == name || inner == "" {
		inner = "content"
	}
	return gzipMember(inner, gunzip, budget), nil
}

// isTar reports whether block is the header of a POSIX or GNU tar archive.
func isTar(block []byte) bool {
	return len(block) >= 512 && bytes.HasPrefix(block[257:], []byte("ustar"))
}

func zipMembers(b []byte) (members, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: not a valid zip archive: %w", ErrUndecodable, err)
	}
	files := slices.Clone(z.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	return func(yield func(member, error) bool) {
		for _, f := range files {
			m := member{name: f.Name, size: int64(min(f.UncompressedSize64, 1<<62)), compressed: int64(min(f.CompressedSize64, 1<<62)),
				dir: strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir(), encrypted: f.Flags&0x1 != 0,
				open: func() (io.ReadCloser, error) { return f.Open() }}
			if !yield(m, nil) {
				return
			}
		}
	}, nil
}

func tarMembers(open func() (io.Reader, error)) members {
	return func(yield func(member, error) bool) {
		r, err := open()
		if err != nil {
			yield(member{}, err)
			return
		}
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.Is(err, errExpandedTooFar):
				yield(member{}, err)
				return
			case err != nil:
				yield(member{}, fmt.Errorf("%w: not a valid tar archive: %w", ErrUndecodable, err))
				return
			}
			switch h.Typeflag {
			case tar.TypeReg, tar.TypeDir:
			default:
				continue // links, devices and extended headers are not documents
			}
			m := member{name: h.Name, size: h.Size, dir: h.Typeflag == tar.TypeDir,
				open: func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// gzipMember is a gzip stream holding one file: it declares no size, so
// its expanded size is measured (bounded by budget) before it is yielded.
func gzipMember(name string, gunzip func() (*gzip.Reader, error), budget int64) members {
	return func(yield func(member, error) bool) {
		zr, err := gunzip()
		if err != nil {
			yield(member{}, err)
			return
		}
		n, err := io.Copy(io.Discard, &limitedReader{r: zr, left: budget})
		zr.Close()
		if err != nil {
			if !errors.Is(err, errExpandedTooFar) {
				err = fmt.Errorf("%w: gzip stream: %w", ErrUndecodable, err)
			}
			yield(member{}, err)
			return
		}
		yield(member{name: name, size: n, open: func() (io.ReadCloser, error) { return gunzip() }}, nil)
	}
}

// errExpandedTooFar: a compressed stream expanded past its budget.
var errExpandedTooFar = fmt.Errorf("%w: compressed stream expands past its bounds", ErrArchiveBounds)

// limitedReader reads r until left bytes, then fails with
// errExpandedTooFar if there is more.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errExpandedTooFar
		}
		return 0, err
	}
	n, err := l.r.Read(p[:min(int64(len(p)), l.left)])
	l.left -= int64(n)
	return n, err
}

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
	budget := min(lim.MaxExpanded-*expanded, int64(len(b))*int64(lim.MaxRatio)+ratioFloor)
	list, err := archiveMembers(format, src.name, b, budget)
	if err != nil {
		return w.fileFailure(src, err)
	}
	if err := checkArchive(list, lim); err != nil {
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
		if m.dir {
			continue
		}
		if err := w.archiveEntry(src, m, seen, depth, expanded); err != nil {
			return err
		}
	}
	return nil
}

// checkArchive checks an archive's entries against the limits, before
// anything is expanded (but a compressed tar's headers, which the stream
// must be read to find, bounded by the stream's budget).
func checkArchive(list members, lim ArchiveLimits) error {
	var total, count int64
	for m, err := range list {
		if err != nil {
			return err
		}
		count++
		size := max(m.size, 0)
		total += size
		switch {
		case count > int64(lim.MaxEntries):
			return fmt.Errorf("%w: over %d entries, max_entries is %d", ErrArchiveBounds, count-1, lim.MaxEntries)
		case size > lim.MaxEntrySize:
			return fmt.Errorf("%w: entry %q expands to %d bytes, max_entry_size is %d", ErrArchiveBounds, m.name, size, lim.MaxEntrySize)
		case total > lim.MaxExpanded:
			return fmt.Errorf("%w: expands to over %d bytes, max_expanded is %d", ErrArchiveBounds, total, lim.MaxExpanded)
		case m.compressed > 0 && size > ratioFloor && size/m.compressed > int64(lim.MaxRatio):
			return fmt.Errorf("%w: entry %q expands %d times, max_ratio is %d", ErrArchiveBounds, m.name,
				size/m.compressed, lim.MaxRatio)
		}
	}
	return nil
}

func (w *walker) archiveEntry(src *source, m member, seen map[string]bool, depth int, expanded *int64) error {
	esrc := &source{dir: src.dir, root: src.root, id: entryID(src.docID(), m.name), sem: src.sem + "!/" + m.name,
		link: src.link, changed: src.changed}
	name, err := entryName(m.name)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	esrc.id, esrc.sem, esrc.name = entryID(src.docID(), name), src.sem+"!/"+name, path.Base(name)
	first := !seen[m.name]
	seen[m.name] = true
	switch {
	case !first:
		return w.fileFailure(esrc, fmt.Errorf("%w: entry %q appears twice", ErrUndecodable, m.name))
	case w.skipByName(name) != "":
		w.skip(esrc, w.skipByName(name))
		return nil
	case m.encrypted:
		return w.fileFailure(esrc, fmt.Errorf("%w: archive entry is encrypted", ErrEncrypted))
	}
	format := extract.FormatOf(name)
	if w.slim && !isArchive(format) && format != extract.FormatUnknown {
		return w.emitSlim(esrc)
	}
	data, err := w.expand(m, expanded)
	if err != nil {
		return w.fileFailure(esrc, err)
	}
	return w.content(esrc, data, format, depth+1, expanded)
}

// isArchive reports whether f is a format whose entries are walked.
func isArchive(f extract.Format) bool {
	return f == extract.FormatZip || f == extract.FormatTar || f == extract.FormatGzip
}

// expand reads an entry, bounded by what the limits allow whatever its
// header claims.
func (w *walker) expand(m member, expanded *int64) ([]byte, error) {
	lim := w.c.s.Archive
	rc, err := m.open()
	if err != nil {
		return nil, fmt.Errorf("%w: archive entry: %w", ErrUndecodable, err)
	}
	defer rc.Close()
	budget := min(lim.MaxEntrySize, lim.MaxExpanded-*expanded)
	if m.compressed > 0 {
		budget = min(budget, m.compressed*int64(lim.MaxRatio)+ratioFloor)
	}
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
