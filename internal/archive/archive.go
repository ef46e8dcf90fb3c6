// Package archive walks zip and tar archives and gzip streams within
// bounds, for the connectors that index files wherever they are kept (a
// file system, a bucket): one reader of archives, one set of limits, one
// naming of entries.
//
// An archive is checked against its Limits before anything is expanded
// (entry count, declared sizes and ratios), and each entry is bounded
// again while it is expanded, since headers can lie: a zip bomb is refused
// whole and never expanded.
//
// A Walker walks an archive's entries, nested archives included, and
// names each with a Ref: the object's id followed by "!/ENTRY" per level,
// keys escaped by EscapeKey so that "!/" only ever separates an archive
// from its entry, and links ending in the fragment #!/ENTRY.
package archive

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

var (
	// ErrBounds: an archive is over one of its Limits.
	ErrBounds = errors.New("archive over its bounds")
	// ErrUnsafeEntry: an entry's name is absolute or climbs out of the
	// archive.
	ErrUnsafeEntry = errors.New("unsafe archive entry name")
)

// Defaults of the Limits fields left zero.
const (
	DefaultMaxEntries   = 10_000
	DefaultMaxExpanded  = 1 << 30
	DefaultMaxEntrySize = 64 << 20
	DefaultMaxDepth     = 2
	DefaultMaxRatio     = 100
)

// Limits bounds an archive. An archive over any bound is refused as a
// whole with one Failure, so a zip bomb is never expanded. Zero fields
// take their defaults.
type Limits struct {
	// MaxEntries bounds the entries of one archive (default 10,000).
	MaxEntries int `json:"max_entries,omitempty" jsonschema:"minimum=0" jsonschema_description:"Most entries in one archive (default 10000)"`
	// MaxExpanded bounds the total expanded size of an archive with every
	// archive nested in it, in bytes (default 1 GiB).
	MaxExpanded int64 `json:"max_expanded,omitempty" jsonschema:"minimum=0" jsonschema_description:"Most bytes one archive expands to, nested archives included (default 1 GiB)"`
	// MaxEntrySize bounds one entry's expanded size, in bytes (default 64 MiB).
	MaxEntrySize int64 `json:"max_entry_size,omitempty" jsonschema:"minimum=0" jsonschema_description:"Most bytes one entry expands to (default 64 MiB)"`
	// MaxDepth bounds archives nested in archives (default 2: an archive
	// inside an archive is opened, one more level is not).
	MaxDepth int `json:"max_depth,omitempty" jsonschema:"minimum=0" jsonschema_description:"Deepest nesting of archives in archives (default 2)"`
	// MaxRatio bounds an entry's expanded size over its compressed size
	// (default 100).
	MaxRatio int `json:"max_ratio,omitempty" jsonschema:"minimum=0" jsonschema_description:"Largest expansion ratio of an entry over 1 MiB (default 100)"`
}

// WithDefaults returns l with its zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	l.MaxEntries = cmpOr(l.MaxEntries, DefaultMaxEntries)
	l.MaxExpanded = cmpOr(l.MaxExpanded, DefaultMaxExpanded)
	l.MaxEntrySize = cmpOr(l.MaxEntrySize, DefaultMaxEntrySize)
	l.MaxDepth = cmpOr(l.MaxDepth, DefaultMaxDepth)
	l.MaxRatio = cmpOr(l.MaxRatio, DefaultMaxRatio)
	return l
}

// Negative reports whether a field is below zero.
func (l Limits) Negative() bool {
	return l.MaxEntries < 0 || l.MaxExpanded < 0 || l.MaxEntrySize < 0 || l.MaxDepth < 0 || l.MaxRatio < 0
}

func cmpOr[T int | int64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// IsArchive reports whether f is a format whose entries are walked.
func IsArchive(f extract.Format) bool {
	return f == extract.FormatZip || f == extract.FormatTar || f == extract.FormatGzip
}

// ratioFloor is the expanded size under which an entry's compression ratio
// is not checked: small runs of repeated bytes compress very well and are
// harmless.
const ratioFloor = 1 << 20

// Member is one entry of an archive, as an entry iterator yields it.
type Member struct {
	// Name is the entry's name as the archive gives it.
	Name string
	// Size is the expanded size the archive declares, -1 when it declares
	// none; Compressed is the entry's compressed size, 0 when the format
	// does not say (a tar entry is stored as it is).
	Size, Compressed int64
	Dir, Encrypted   bool
	// Open reads the entry. It is valid until the iterator moves on.
	Open func() (io.ReadCloser, error)
}

// Members is the one shape archives are walked in, whatever their format:
// a function that reads the archive afresh each time it is called and
// yields its entries in a fixed order (by name for zip, whose directory
// can be sorted; as stored for tar). An error ends the iteration.
type Members func(yield func(Member, error) bool)

// Budget is what an archive of size bytes may expand to when expanded
// bytes were already spent on the archives it is nested in.
func Budget(l Limits, size, expanded int64) int64 {
	return min(l.MaxExpanded-expanded, size*int64(l.MaxRatio)+ratioFloor)
}

// Open returns the entry iterator of the archive b in format f (zip, tar,
// or a gzip stream: a tar archive inside is walked as one archive, anything
// else is one entry named after the file, name without its .gz). budget
// bounds what a gzip stream may expand to (see Budget).
func Open(f extract.Format, name string, b []byte, budget int64) (Members, error) {
	switch f {
	case extract.FormatZip:
		return zipMembers(b)
	case extract.FormatTar:
		return tarMembers(func() (io.Reader, error) { return bytes.NewReader(b), nil }), nil
	}
	gunzip := func() (*gzip.Reader, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: not a valid gzip stream: %w", extract.ErrUndecodable, err)
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

func zipMembers(b []byte) (Members, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: not a valid zip archive: %w", extract.ErrUndecodable, err)
	}
	files := slices.Clone(z.File)
	slices.SortStableFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	return func(yield func(Member, error) bool) {
		for _, f := range files {
			m := Member{Name: f.Name, Size: int64(min(f.UncompressedSize64, 1<<62)), Compressed: int64(min(f.CompressedSize64, 1<<62)),
				Dir: strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir(), Encrypted: f.Flags&0x1 != 0,
				Open: func() (io.ReadCloser, error) { return f.Open() }}
			if !yield(m, nil) {
				return
			}
		}
	}, nil
}

func tarMembers(open func() (io.Reader, error)) Members {
	return func(yield func(Member, error) bool) {
		r, err := open()
		if err != nil {
			yield(Member{}, err)
			return
		}
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.Is(err, errExpandedTooFar):
				yield(Member{}, err)
				return
			case err != nil:
				yield(Member{}, fmt.Errorf("%w: not a valid tar archive: %w", extract.ErrUndecodable, err))
				return
			}
			switch h.Typeflag {
			case tar.TypeReg, tar.TypeDir:
			default:
				continue // links, devices and extended headers are not documents
			}
			m := Member{Name: h.Name, Size: h.Size, Dir: h.Typeflag == tar.TypeDir,
				Open: func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// gzipMember is a gzip stream holding one file: it declares no size, so
// its expanded size is measured (bounded by budget) before it is yielded.
func gzipMember(name string, gunzip func() (*gzip.Reader, error), budget int64) Members {
	return func(yield func(Member, error) bool) {
		zr, err := gunzip()
		if err != nil {
			yield(Member{}, err)
			return
		}
		n, err := io.Copy(io.Discard, &limitedReader{r: zr, left: budget})
		zr.Close()
		if err != nil {
			if !errors.Is(err, errExpandedTooFar) {
				err = fmt.Errorf("%w: gzip stream: %w", extract.ErrUndecodable, err)
			}
			yield(Member{}, err)
			return
		}
		yield(Member{Name: name, Size: n, Open: func() (io.ReadCloser, error) { return gunzip() }}, nil)
	}
}

// errExpandedTooFar: a compressed stream expanded past its budget.
var errExpandedTooFar = fmt.Errorf("%w: compressed stream expands past its bounds", ErrBounds)

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

// Check checks an archive's entries against the limits, before anything
// is expanded (but a compressed tar's headers, which the stream must be
// read to find, bounded by the stream's budget).
func Check(list Members, l Limits) error {
	var total, count int64
	for m, err := range list {
		if err != nil {
			return err
		}
		count++
		size := max(m.Size, 0)
		total += size
		switch {
		case count > int64(l.MaxEntries):
			return fmt.Errorf("%w: over %d entries, max_entries is %d", ErrBounds, count-1, l.MaxEntries)
		case size > l.MaxEntrySize:
			return fmt.Errorf("%w: entry %q expands to %d bytes, max_entry_size is %d", ErrBounds, m.Name, size, l.MaxEntrySize)
		case total > l.MaxExpanded:
			return fmt.Errorf("%w: expands to over %d bytes, max_expanded is %d", ErrBounds, total, l.MaxExpanded)
		case m.Compressed > 0 && size > ratioFloor && size/m.Compressed > int64(l.MaxRatio):
			return fmt.Errorf("%w: entry %q expands %d times, max_ratio is %d", ErrBounds, m.Name,
				size/m.Compressed, l.MaxRatio)
		}
	}
	return nil
}

// Expand reads an entry, bounded by what the limits allow whatever its
// header claims; expanded counts the bytes expanded so far across nested
// archives and grows by what is read.
func Expand(m Member, l Limits, expanded *int64) ([]byte, error) {
	rc, err := m.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: archive entry: %w", extract.ErrUndecodable, err)
	}
	defer rc.Close()
	budget := min(l.MaxEntrySize, l.MaxExpanded-*expanded)
	if m.Compressed > 0 {
		budget = min(budget, m.Compressed*int64(l.MaxRatio)+ratioFloor)
	}
	data, err := io.ReadAll(io.LimitReader(rc, budget+1))
	*expanded += int64(len(data))
	if int64(len(data)) > budget {
		return nil, fmt.Errorf("%w: entry expands past its bounds (%d bytes read)", ErrBounds, len(data))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: archive entry: %w", extract.ErrUndecodable, err)
	}
	return data, nil
}

// EntryName checks an entry's name and returns it cleaned: slash
// separated, relative, with no "." or ".." segments.
func EntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("%w: %q is absolute", ErrUnsafeEntry, name)
	}
	for _, seg := range strings.Split(n, "/") {
		if seg == ".." {
			return "", fmt.Errorf("%w: %q climbs out of the archive", ErrUnsafeEntry, name)
		}
	}
	clean := path.Clean(n)
	if clean == "." || clean == "" {
		return "", fmt.Errorf("%w: %q is empty", ErrUnsafeEntry, name)
	}
	return clean, nil
}
