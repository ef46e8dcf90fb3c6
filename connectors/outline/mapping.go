package outline

import (
	"cmp"
	"strconv"
	"strings"
	"unicode"

	"github.com/tributary-dev/tributary"
)

// Metadata keys of a document.
const (
	MetaCollection   = "collection"
	MetaCollectionID = "collection_id"
	MetaRevision     = "revision"
)

// docID is the id of a document: the workspace address, /doc/ and the
// document's urlId, a link Outline resolves whatever the document's title.
// Outline's own links put a slug of the title before the urlId, which
// changes when the title does; the urlId never changes.
func docID(web, urlID string) string { return web + "/doc/" + urlID }

// docLink is the link Outline gives a document (/doc/SLUG-URLID), or its
// id when the answer gives none.
func docLink(web string, d *apiDocument) string {
	if strings.HasPrefix(d.URL, "/doc/") && strings.HasSuffix(d.URL, d.URLID) {
		return web + d.URL
	}
	return docID(web, d.URLID)
}

// toDocument maps a listed document.
func (r *run) toDocument(col *apiCollection, d *apiDocument, parent string, access *tributary.ExternalAccess) *tributary.Document {
	web := r.c.settings.web()
	title := cmp.Or(strings.TrimSpace(d.Title), "Untitled")
	doc := &tributary.Document{
		ID:             docID(web, d.URLID),
		Source:         Source,
		SemanticID:     title,
		Title:          title,
		UpdatedAt:      d.UpdatedAt.UTC(),
		CreatedAt:      d.CreatedAt.UTC(),
		ParentID:       parent,
		ExternalAccess: access,
		Metadata:       tributary.Metadata{},
	}
	doc.Metadata.Add(MetaCollection, col.Name)
	doc.Metadata.Add(MetaCollectionID, col.ID)
	if d.Revision > 0 {
		doc.Metadata.Add(MetaRevision, strconv.Itoa(d.Revision))
	}
	if !r.slim {
		doc.Sections = sections(docLink(web, d), title, *d.Text)
		if p := r.person(d.CreatedBy); p != nil {
			doc.PrimaryOwners = []tributary.Person{*p}
		}
		if p := r.person(d.UpdatedBy); p != nil && (d.CreatedBy == nil || d.UpdatedBy.ID != d.CreatedBy.ID) {
			doc.SecondaryOwners = []tributary.Person{*p}
		}
	}
	return doc
}

// sections splits a document's markdown at its headings (outside fenced
// code): the text before the first heading, then one section per heading
// with a link to the heading's anchor, as Outline names anchors
// ("#h-" and the heading's slug, "-1", "-2" ... for repeats).
func sections(link, title, text string) []tributary.Section {
	var out []tributary.Section
	cur := tributary.TextSection(link, "")
	var body strings.Builder
	flush := func() {
		cur.Text = strings.TrimSpace(body.String())
		if cur.Text != "" || cur.Heading != "" {
			out = append(out, cur)
		}
		body.Reset()
	}
	seen := map[string]int{}
	fence := ""
	for line := range strings.Lines(text) {
		trimmed := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			body.WriteString(line)
			continue
		}
		if f := fenceOf(trimmed); f != "" {
			fence = f
			body.WriteString(line)
			continue
		}
		if h, ok := heading(line); ok {
			flush()
			a := anchor(h)
			if n := seen[a]; n > 0 {
				seen[a] = n + 1
				a += "-" + strconv.Itoa(n)
			} else {
				seen[a] = 1
			}
			cur = tributary.Section{Kind: tributary.SectionText, Link: link + "#" + a, Heading: h}
			continue
		}
		body.WriteString(line)
	}
	flush()
	if len(out) == 0 {
		out = append(out, tributary.TextSection(link, title))
	}
	return out
}

func fenceOf(line string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(line, f) {
			return f
		}
	}
	return ""
}

// heading reads an ATX heading ("## Title"), or reports false.
func heading(line string) (string, bool) {
	line = strings.TrimRight(line, "\r\n")
	if len(line)-len(strings.TrimLeft(line, " ")) > 3 {
		return "", false
	}
	line = strings.TrimLeft(line, " ")
	level := len(line) - len(strings.TrimLeft(line, "#"))
	if level == 0 || level > 6 {
		return "", false
	}
	rest := line[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	rest = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "#"))
	return rest, rest != ""
}

// anchor is the anchor Outline gives a heading: "h-" and its text
// lower-cased, punctuation removed and spaces made hyphens.
func anchor(h string) string {
	var b strings.Builder
	b.WriteString("h-")
	dash := false
	for _, r := range strings.ToLower(h) {
		switch {
		case unicode.IsSpace(r):
			dash = true
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			if dash && b.Len() > 2 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		}
	}
	return b.String()
}
