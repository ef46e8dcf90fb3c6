package bookstack

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Metadata keys of a page.
const (
	MetaBook      = "book"
	MetaBookID    = "book_id"
	MetaChapter   = "chapter"
	MetaRevisions = "revision_count"
	// MetaTagPrefix prefixes a page's tags: "tag:NAME" holds the values.
	MetaTagPrefix = "tag:"
)

// docID is the id of a page: the instance's address, /link/ and the
// page's id, a short link BookStack resolves to the page whatever its
// name and book. The page's own URL (/books/BOOK_SLUG/page/PAGE_SLUG)
// changes when the page or its book is renamed, or the page moved.
func (c *Connector) docID(id int) string { return c.settings.web() + "/link/" + strconv.Itoa(id) }

// pageLink is a page's readable URL.
func (c *Connector) pageLink(bookSlug, pageSlug string) string {
	return c.settings.web() + "/books/" + bookSlug + "/page/" + pageSlug
}

// toDocument maps a page read.
func (r *run) toDocument(p *apiPage, parent string, access *tributary.ExternalAccess) (*tributary.Document, error) {
	b, err := r.tree.book(r, p.BookID)
	if err != nil {
		return nil, err
	}
	link := r.c.docID(p.ID)
	if !b.hidden && p.Slug != "" {
		link = r.c.pageLink(b.slug, p.Slug)
	}
	title := cmp.Or(strings.TrimSpace(p.Name), "Untitled")
	doc := &tributary.Document{
		ID:             r.c.docID(p.ID),
		Source:         Source,
		SemanticID:     title,
		Title:          title,
		UpdatedAt:      p.UpdatedAt.UTC(),
		CreatedAt:      p.CreatedAt.UTC(),
		ParentID:       parent,
		ExternalAccess: access,
		Metadata:       tributary.Metadata{},
		Sections:       sections(link, title, p),
	}
	doc.Metadata.Add(MetaBook, b.name)
	doc.Metadata.Add(MetaBookID, strconv.Itoa(p.BookID))
	if p.ChapterID > 0 {
		if ch, ok := r.tree.chapters.get(p.ChapterID); ok && !ch.hidden {
			doc.Metadata.Add(MetaChapter, ch.name)
		}
	}
	if p.RevisionCount > 0 {
		doc.Metadata.Add(MetaRevisions, strconv.Itoa(p.RevisionCount))
	}
	for _, t := range p.Tags {
		if name := strings.TrimSpace(t.Name); name != "" {
			doc.Metadata.Add(MetaTagPrefix+name, cmp.Or(t.Value, name))
		}
	}
	if u := p.CreatedBy; u != nil && u.Name != "" {
		doc.PrimaryOwners = []tributary.Person{{DisplayName: u.Name}}
	}
	if u := p.UpdatedBy; u != nil && u.Name != "" && (p.CreatedBy == nil || u.ID != p.CreatedBy.ID) {
		doc.SecondaryOwners = []tributary.Person{{DisplayName: u.Name}}
	}
	return doc, nil
}

// sections reads a page's HTML, split at its headings (BookStack gives
// each heading a bkmrk- id, so each section links to its anchor), or its
// markdown when it has no HTML.
func sections(link, title string, p *apiPage) []tributary.Section {
	if p.HTML != nil && strings.TrimSpace(*p.HTML) != "" {
		h, err := extract.HTML([]byte("<main>"+*p.HTML+"</main>"), "text/html; charset=utf-8",
			extract.HTMLOptions{Sections: true, MaxText: 16 << 20})
		if err == nil && len(h.Sections) > 0 {
			secs := h.Sections
			for i := range secs {
				if strings.HasPrefix(secs[i].Link, "#") {
					secs[i].Link = link + secs[i].Link
				} else {
					secs[i].Link = link
				}
			}
			return secs
		}
	}
	if p.Markdown != nil && strings.TrimSpace(*p.Markdown) != "" {
		return []tributary.Section{tributary.TextSection(link, strings.TrimSpace(*p.Markdown))}
	}
	return []tributary.Section{tributary.TextSection(link, title)}
}
