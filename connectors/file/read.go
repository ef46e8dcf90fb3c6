package file

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Failure kinds from reading and extracting, re-exported so that callers
// can match them with errors.Is on a *tributary.Failure.
var (
	ErrEncrypted   = extract.ErrEncrypted   // password-protected or encrypted
	ErrUndecodable = extract.ErrUndecodable // malformed, or not text in a known encoding
	ErrUnsupported = extract.ErrUnsupported // a format with no text extractor
	ErrTooLarge    = extract.ErrTooLarge    // over max_file_size or an extraction bound
)

// source is one file or archive entry on its way to becoming a document.
type source struct {
	dir     *dirState // the folder holding the file (or its archive)
	root    rootConfig
	id      string // document id (a side file may replace it)
	sem     string // semantic id: root name and path
	name    string // base name, for the format and the fallback title
	link    string
	meta    *FileMetadata
	changed time.Time // when it last changed, for windows and UpdatedAt
}

func (s *source) docID() string {
	if s.meta != nil && s.meta.ID != "" {
		return s.meta.ID
	}
	return s.id
}

func (s *source) failure(err error) *tributary.Failure {
	return tributary.DocumentFailure(s.docID(), s.link, err)
}

// file handles one admitted regular file. linkChange is the
// status-change time of the symbolic link it was reached through, or zero.
func (w *walker) file(d *dirState, name, rel string, fi fs.FileInfo, linkChange time.Time, open func() (io.ReadCloser, error)) error {
	ok, included := w.admit(rel)
	if !ok {
		return nil
	}
	r := d.root.cfg
	src := &source{dir: d, root: r, id: docID(r.name, rel), sem: r.name + "/" + rel, name: name,
		link: fileLink(r, rel), meta: d.meta.lookup(name), changed: changeTime(fi, linkChange)}
	if d.meta != nil && d.meta.changed.After(src.changed) {
		src.changed = d.meta.changed
	}
	if src.meta != nil && src.meta.Link != "" {
		src.link = src.meta.Link
	}
	if !w.inWindow(src.changed) {
		return w.done(d.root, rel)
	}
	if reason := w.skipByName(name); reason != "" && !included {
		w.skip(src, reason)
		return w.done(d.root, rel)
	}
	if err := w.readFile(src, fi, open); err != nil {
		return err
	}
	return w.done(d.root, rel)
}

// changeTime returns when a file last changed: the later of its
// modification time and its status-change time (ctime), which the system
// sets when the file is written, created, copied in, renamed or its
// permissions change, and which no tool sets back. So a file copied in
// with an old modification time (cp -p, tar x, rsync -t) changed when it
// was copied. also is another status-change time to take into account
// (the symbolic link's the file was reached through), or zero.
func changeTime(fi fs.FileInfo, also time.Time) time.Time {
	t := fi.ModTime().UTC()
	for _, c := range []time.Time{statusChange(fi), also} {
		if c.After(t) {
			t = c
		}
	}
	return t
}

func (w *walker) readFile(src *source, fi fs.FileInfo, open func() (io.ReadCloser, error)) error {
	format := extract.FormatOf(src.name)
	if w.slim && !archive.IsArchive(format) && format != extract.FormatUnknown {
		return w.emitSlim(src)
	}
	if fi.Size() > w.c.s.MaxFileSize {
		return w.fileFailure(src, fmt.Errorf("%w: %d bytes, over max_file_size %d", ErrTooLarge, fi.Size(), w.c.s.MaxFileSize))
	}
	f, err := open()
	if err != nil {
		return w.fileFailure(src, fmt.Errorf("open: %w", err))
	}
	defer f.Close()
	var head []byte
	if w.slim && format == extract.FormatUnknown {
		// Slim reads only as much as tells the format, unless it is an
		// archive, whose entries it must list.
		head, err = readAll(f, sniffLen-1, sniffLen)
		if err != nil {
			return w.fileFailure(src, fmt.Errorf("read: %w", err))
		}
		var mime string
		format, mime = extract.Sniff(head)
		switch format {
		case extract.FormatUnknown:
			w.skip(src, "binary content: "+mime)
			return nil
		case extract.FormatZip, extract.FormatTar, extract.FormatGzip:
		default:
			return w.emitSlim(src)
		}
	}
	b, err := readAll(f, fi.Size()-int64(len(head)), w.c.s.MaxFileSize+1-int64(len(head)))
	if err != nil {
		return w.fileFailure(src, fmt.Errorf("read: %w", err))
	}
	if head != nil {
		b = append(head, b...)
	}
	if int64(len(b)) > w.c.s.MaxFileSize {
		return w.fileFailure(src, fmt.Errorf("%w: grew past max_file_size %d while read", ErrTooLarge, w.c.s.MaxFileSize))
	}
	return w.content(src, b, format, 0, new(int64))
}

// sniffLen is how many bytes tell a format.
const sniffLen = 3072

// readAll reads f to its end, or to limit bytes, into a buffer sized from
// the size the walk saw (files may grow or shrink in between).
func readAll(f io.Reader, size, limit int64) ([]byte, error) {
	b := make([]byte, 0, max(min(size+1, limit), 1))
	for {
		if len(b) == cap(b) {
			if int64(len(b)) >= limit {
				return b, nil
			}
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):min(cap(b), int(limit))])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// content turns the bytes of a file or archive entry into documents:
// archives (zip, tar, gzip) into their entries, everything else into one
// document.
func (w *walker) content(src *source, b []byte, format extract.Format, depth int, expanded *int64) error {
	mime := ""
	if format == extract.FormatUnknown {
		format, mime = extract.Sniff(b[:min(len(b), sniffLen)])
	}
	switch {
	case archive.IsArchive(format) && !w.c.s.OpenArchives:
		w.skip(src, string(format)+" archive, and open_archives is off")
		return nil
	case archive.IsArchive(format):
		return w.archive(src, b, format, depth, expanded)
	case format == extract.FormatUnknown:
		// Content sniffing found no text: an executable, an image, a
		// compiled or packed file whatever its name says.
		w.skip(src, "binary content: "+mime)
		return nil
	case w.slim:
		return w.emitSlim(src)
	}
	lim := w.c.lim
	lim.KeepImage = extract.KeepImages(w.ctx, src.docID())
	x, err := extract.Extract(format, b, "", lim)
	if errors.Is(err, extract.ErrKeep) {
		return err // the run's blob storage failed, not the file
	}
	if err != nil {
		return w.fileFailure(src, err)
	}
	d := w.document(src, x, format)
	orig, err := w.original(src, b, format)
	if err != nil {
		return err
	}
	if orig != nil {
		d.Sections = append(d.Sections, *orig)
	}
	if err := w.sendNode(src.dir); err != nil {
		return err
	}
	return w.put(tributary.DocumentItem(d))
}

// skip tells the run that src was passed over on purpose, and why.
func (w *walker) skip(src *source, reason string) {
	tributary.ReportSkip(w.ctx, src.docID(), reason)
}

func (w *walker) fileFailure(src *source, err error) error {
	return w.failure(src.failure(err))
}

func (w *walker) emitSlim(src *source) error {
	if err := w.sendNode(src.dir); err != nil {
		return err
	}
	return w.put(tributary.DocumentItem(&tributary.Document{ID: src.docID(), Source: Source, ParentID: src.dir.id()}))
}

// document builds the document of src from what was extracted, with the
// side file's settings winning over what the file says of itself.
func (w *walker) document(src *source, x *extract.Doc, format extract.Format) *tributary.Document {
	d := &tributary.Document{
		ID: src.docID(), Source: Source, SemanticID: src.sem,
		Title: x.Title, Sections: x.Sections, Metadata: x.Metadata,
		UpdatedAt: src.changed, CreatedAt: x.Created, ParentID: src.dir.id(),
		PrimaryOwners: x.Authors, SecondaryOwners: x.Recipients,
	}
	if d.Title == "" {
		d.Title = src.name
	}
	if d.Metadata == nil {
		d.Metadata = tributary.Metadata{}
	}
	d.Metadata.Add("file_type", string(format))
	for i := range d.Sections {
		s := &d.Sections[i]
		if strings.HasPrefix(s.Link, "#") && !strings.Contains(src.link, "#") {
			s.Link = src.link + s.Link
		} else {
			s.Link = src.link
		}
	}
	if m := src.meta; m != nil {
		applyMetadata(d, m)
	}
	return d
}

func applyMetadata(d *tributary.Document, m *FileMetadata) {
	if m.Title != "" {
		d.Title = m.Title
	}
	if len(m.Owners) > 0 {
		d.PrimaryOwners = append([]tributary.Person(nil), m.Owners...)
	}
	if !m.UpdatedAt.IsZero() {
		d.UpdatedAt = m.UpdatedAt.UTC()
	}
	for k, vs := range m.Tags {
		d.Metadata.Add(k, vs...)
	}
}
