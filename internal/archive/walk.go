package archive

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary/internal/extract"
)

// Ref names an archive, or an entry inside one, the way connectors name
// documents: the id of the object holding the archive followed by
// "!/ENTRY" for each level of nesting, with the entry names escaped as
// EscapeKey escapes them, so that "!/" only ever separates an archive from
// its entry.
type Ref struct {
	// ID is the document id: OBJECT-ID, OBJECT-ID!/ENTRY,
	// OBJECT-ID!/ENTRY!/INNER-ENTRY ...
	ID string
	// Link is where a user opens it: the object's link, and for an entry
	// the fragment #!/ENTRY (#!/ENTRY!/INNER-ENTRY when nested), which
	// opens the archive and tells the entry.
	Link string
	// Path is the readable path: the object's, then "!/" and each entry's
	// name unescaped.
	Path string
	// Name is the base name that tells the format: the object's, or the
	// entry's last path element.
	Name string
}

// Entry returns the Ref of the entry called name (cleaned, see EntryName)
// of the archive r names.
func (r Ref) Entry(name string) Ref {
	link, inner, _ := strings.Cut(r.Link, "#") // inner names the archives r is nested in
	esc := EscapeKey(name)
	return Ref{ID: r.ID + "!/" + esc, Path: r.Path + "!/" + name, Name: path.Base(name), Link: link + "#" + inner + "!/" + esc}
}

// EscapeKey percent-encodes the bytes of key that would make an id
// ambiguous or unparseable as a URL: % # ? control characters, and the
// "!" of a "!/", which separates an archive from its entry. It leaves
// every other byte as it is, so ids stay readable and stable across runs.
func EscapeKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if ch == '%' || ch == '#' || ch == '?' || ch < 0x20 || ch == 0x7f || (ch == '!' && strings.HasPrefix(key[i+1:], "/")) {
			fmt.Fprintf(&b, "%%%02X", ch)
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// UnescapeKey undoes EscapeKey (and any other percent-encoding),
// reporting false for a malformed escape.
func UnescapeKey(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}

// SplitID splits an id at its first "!/": the id of the object and the
// entry path after it (still escaped), inArchive reporting whether there
// was one. Keys are escaped so that the first "!/" is the archive's.
func SplitID(id string) (object, entry string, inArchive bool) {
	return strings.Cut(id, "!/")
}

// Walker walks the entries of an archive, archives nested in it
// included, within its Limits, and hands each file entry, failure and
// skip to its callbacks, in the archive's order. Callbacks returning
// false end the walk. A Walker is not safe for concurrent use; Walk may
// be called again once it returns.
type Walker struct {
	// Limits bound every archive walked; zero fields take their defaults.
	Limits Limits
	// Slim says only the entries' ids are wanted: an entry whose name
	// tells a format that is no archive is handed to Entry unexpanded,
	// with nil data. Archives are still expanded, to list their entries.
	Slim bool
	// Classify tells what the expanded bytes of an entry are, given the
	// format its name tells (FormatUnknown when it tells none): the format
	// to extract or open, or a reason to leave the entry out. Nil sniffs
	// unknown content and leaves out what no extractor reads.
	Classify func(format extract.Format, b []byte) (extract.Format, string)
	// Entry receives an entry to make a document of: its Ref, the format,
	// and the expanded bytes (nil in a slim walk when the name told the
	// format).
	Entry func(ref Ref, format extract.Format, data []byte) bool
	// Failure receives an archive or entry that cannot be read whole: one
	// over the limits, malformed, encrypted, unsafely named or repeated.
	// An archive refused whole is one failure under its own Ref.
	Failure func(ref Ref, err error) bool
	// Skip, when set, receives an entry left out, with the reason.
	Skip func(ref Ref, reason string)
}

// Walk walks the archive b in format f, named by ref. It reports false
// when a callback ended the walk or ctx ended; the error is ctx's then.
// Before anything is expanded, each archive's entries are checked against
// the limits (count, declared sizes, ratios, nesting); an archive over one
// is refused whole with one Failure under its Ref. Entries are then
// expanded one at a time, each bounded again by what it really expands
// to, the total counted across nested archives.
func (w *Walker) Walk(ctx context.Context, ref Ref, b []byte, f extract.Format) (bool, error) {
	var expanded int64
	ws := walk{Walker: w, ctx: ctx, lim: w.Limits.WithDefaults(), expanded: &expanded}
	ok := ws.archive(ref, b, f, 0)
	return ok, ws.err
}

// walk is one call of Walk.
type walk struct {
	*Walker
	ctx      context.Context
	lim      Limits
	expanded *int64
	err      error
}

func (w *walk) archive(ref Ref, b []byte, f extract.Format, depth int) bool {
	if depth >= w.lim.MaxDepth {
		return w.Failure(ref, fmt.Errorf("%w: archive nested %d deep, max_depth is %d", ErrBounds, depth+1, w.lim.MaxDepth))
	}
	list, err := Open(f, ref.Name, b, Budget(w.lim, int64(len(b)), *w.expanded))
	if err == nil {
		err = Check(list, w.lim)
	}
	if err != nil {
		return w.Failure(ref, err)
	}
	seen := map[string]bool{}
	for m, err := range list {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			return false
		}
		if err != nil {
			return w.Failure(ref, err)
		}
		if !m.Dir && !w.member(ref, m, seen, depth) {
			return false
		}
	}
	return true
}

func (w *walk) member(archive Ref, m Member, seen map[string]bool, depth int) bool {
	name, err := EntryName(m.Name)
	if err != nil {
		return w.Failure(archive.Entry(m.Name), err)
	}
	ref := archive.Entry(name)
	first := !seen[m.Name]
	seen[m.Name] = true
	switch {
	case !first:
		return w.Failure(ref, fmt.Errorf("%w: entry %q appears twice", extract.ErrUndecodable, m.Name))
	case m.Encrypted:
		return w.Failure(ref, fmt.Errorf("%w: archive entry is encrypted", extract.ErrEncrypted))
	}
	format := extract.FormatOf(ref.Name)
	if w.Slim && format != extract.FormatUnknown && !IsArchive(format) {
		return w.Entry(ref, format, nil)
	}
	data, err := Expand(m, w.lim, w.expanded)
	if err != nil {
		return w.Failure(ref, err)
	}
	format, skip := w.classify(format, data)
	switch {
	case skip != "":
		if w.Skip != nil {
			w.Skip(ref, skip)
		}
		return true
	case IsArchive(format):
		return w.archive(ref, data, format, depth+1)
	}
	return w.Entry(ref, format, data)
}

func (w *walk) classify(format extract.Format, b []byte) (extract.Format, string) {
	if w.Classify != nil {
		return w.Classify(format, b)
	}
	mime := ""
	if format == extract.FormatUnknown {
		format, mime = extract.Sniff(b[:min(len(b), SniffLen)])
	}
	if format == extract.FormatUnknown {
		return format, "binary content: " + mime
	}
	return format, ""
}

// SniffLen is how many leading bytes tell a format.
const SniffLen = 3072
