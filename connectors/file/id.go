package file

import (
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Document ids have the form
//
//	file://NAME/REL              a file
//	file://NAME/REL!/ENTRY       an entry of a zip archive at REL
//	file://NAME/REL!/A.zip!/E    an entry of an archive inside an archive
//
// where NAME is the root's name (its configured Name, or the base name of
// its folder) and REL the file's slash-separated path below the root, as
// Unicode NFC (so a tree copied between macOS and Linux keeps its ids).
// The characters % ! # ?, control characters and bytes that are not UTF-8
// are percent-encoded in REL and ENTRY, so "!/" only ever separates an
// archive from its entry; everything else, spaces and non-ASCII letters
// included, is kept as written so ids stay readable. Ids do not depend on
// where the root is mounted: move the folder, keep its name, keep the ids.

func docID(root, rel string) string {
	return "file://" + root + "/" + escapePath(rel)
}

func entryID(parent, entry string) string {
	return parent + "!/" + escapePath(entry)
}

func folderID(root, rel string) string {
	if rel == "" {
		return "file://" + root + "/"
	}
	return docID(root, rel) + "/"
}

// escapePath normalises p to NFC and percent-encodes what would make an id
// ambiguous or unprintable.
func escapePath(p string) string {
	clean := true
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= utf8.RuneSelf || needsEscape(c) {
			clean = false
			break
		}
	}
	if clean {
		return p
	}
	if utf8.ValidString(p) {
		p = norm.NFC.String(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			writeEscape(&b, p[i])
		case n == 1 && needsEscape(p[i]):
			writeEscape(&b, p[i])
		default:
			b.WriteString(p[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(c byte) bool {
	return c < 0x20 || c == 0x7f || c == '%' || c == '!' || c == '#' || c == '?'
}

func writeEscape(b *strings.Builder, c byte) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&15])
}

// fileLink returns where a person opens the file: under the root's
// LinkBase when set, or else its file:// URL on this machine.
func fileLink(r rootConfig, rel string) string {
	if r.linkBase != "" {
		var b strings.Builder
		b.WriteString(r.linkBase)
		if !strings.HasSuffix(r.linkBase, "/") {
			b.WriteByte('/')
		}
		for i, seg := range strings.Split(rel, "/") {
			if i > 0 {
				b.WriteByte('/')
			}
			b.WriteString(url.PathEscape(seg))
		}
		return b.String()
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(r.path, filepath.FromSlash(rel)))}
	return u.String()
}
