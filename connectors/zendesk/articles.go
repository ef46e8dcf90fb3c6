package zendesk

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Node kinds of the Help Center.
const (
	NodeCategory tributary.NodeKind = "category"
	NodeSection  tributary.NodeKind = "section"
)

// tree is a locale's categories and sections, read once per run: a Help
// Center holds a few hundred of them where it holds thousands of
// articles.
type tree struct {
	categories map[int64]apiCategory
	sections   map[int64]apiSection
}

func (r *run) readTree(locale string) (*tree, bool) {
	t := &tree{categories: map[int64]apiCategory{}, sections: map[int64]apiSection{}}
	base := "/help_center/" + url.PathEscape(locale)
	ok := listAll(r, "list categories", base+"/categories", nil, "categories", func(c apiCategory) bool {
		t.categories[c.ID] = c
		return true
	}) && listAll(r, "list sections", base+"/sections", nil, "sections", func(s apiSection) bool {
		t.sections[s.ID] = s
		return true
	})
	return t, ok
}

// articles yields the articles of a locale updated in the window, from
// the page after the cursor, with a checkpoint after each page. A load
// reads them oldest first, so that an article edited meanwhile moves
// behind the reader and is read again, never skipped. A poll of a window
// that ended before the run began reads them newest first and stops after
// a page that, in order, reaches back past the window's start: an edit
// made meanwhile is later than the window and belongs to the next one.
func (r *run) articles(locale, after string) bool {
	t, ok := r.readTree(locale)
	if !ok {
		return false
	}
	order := r.articleOrder()
	q := url.Values{"sort_by": {"updated_at"}, "sort_order": {order}}
	path := "/help_center/" + url.PathEscape(locale) + "/articles"
	var last time.Time // the update time of the last article read, newest first
	inOrder := true
	for {
		raws, next, ok := r.listPage("list articles", path, q, "articles", after)
		if !ok {
			return false
		}
		arts, ok := r.decodeArticles(raws)
		if !ok || !r.articlePage(locale, t, arts) {
			return false
		}
		if order == "desc" {
			for _, a := range arts {
				inOrder = inOrder && !a.UpdatedAt.IsZero() && (last.IsZero() || !a.UpdatedAt.After(last))
				last = a.UpdatedAt
			}
			if inOrder && len(arts) > 0 && last.Before(r.start) {
				return true
			}
		}
		if next == "" {
			return true
		}
		after = next
		if !r.Checkpoint(position{Phase: phaseArticles, Locale: locale, After: after}) {
			return false
		}
	}
}

// articleOrder is the order articles are read in for the window: "desc"
// for a window with a start that ended before the run began, else "asc".
// A resumed run decides alike, so its cursor reads on in the same order.
func (r *run) articleOrder() string {
	if !r.start.IsZero() && !r.end.IsZero() && !r.end.After(r.began) {
		return "desc"
	}
	return "asc"
}

// decodeArticles reads a page of articles; one without an id makes the
// listing malformed.
func (r *run) decodeArticles(raws []json.RawMessage) ([]apiArticle, bool) {
	arts := make([]apiArticle, 0, len(raws))
	for _, raw := range raws {
		var a apiArticle
		if err := json.Unmarshal(raw, &a); err != nil || a.ID == 0 {
			return nil, r.Fail(malformed("list articles", "an article without an id"))
		}
		arts = append(arts, a)
	}
	return arts, true
}

// articlePage yields the page's articles in the window.
func (r *run) articlePage(locale string, t *tree, page []apiArticle) bool {
	arts := make([]apiArticle, 0, len(page))
	var authors []int64
	for _, a := range page {
		if (!a.Draft || r.c.settings.IncludeDrafts) && (a.UpdatedAt.IsZero() || r.inWindow(a.UpdatedAt)) {
			arts = append(arts, a)
			authors = append(authors, a.AuthorID)
		}
	}
	var lookup error
	if !r.slim {
		lookup = r.people.want(r.ctx, authors...)
		if lookup != nil && terminal(lookup) {
			return r.Fail(fmt.Errorf("zendesk: %w", lookup))
		}
	}
	for i := range arts {
		if !r.article(locale, t, &arts[i], lookup) {
			return false
		}
	}
	return true
}

// article yields the article's nodes and document, or a Failure under its
// id: lookup is the error of looking its author up, if any.
func (r *run) article(locale string, t *tree, a *apiArticle, lookup error) bool {
	id := articleID(r.c.client.site, locale, a.ID)
	if a.UpdatedAt.IsZero() || a.CreatedAt.IsZero() {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, a.HTMLURL, malformed("list articles", "an article without its times"))))
	}
	parent, ok := r.sectionNodes(locale, t, a.SectionID)
	if !ok {
		return false
	}
	if lookup != nil {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, a.HTMLURL, lookup)))
	}
	d, err := r.articleDoc(locale, a, id, parent, t)
	if err != nil {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, a.HTMLURL, err)))
	}
	return r.Yield(tributary.DocumentItem(d))
}

func articleID(site, locale string, id int64) string {
	return site + "/hc/" + locale + "/articles/" + strconv.FormatInt(id, 10)
}

func sectionID(site, locale string, id int64) string {
	return site + "/hc/" + locale + "/sections/" + strconv.FormatInt(id, 10)
}

func categoryID(site, locale string, id int64) string {
	return site + "/hc/" + locale + "/categories/" + strconv.FormatInt(id, 10)
}

// sectionNodes yields, top down, the nodes of the section's category and
// parent sections and of the section that this run has not yielded yet,
// and returns the section's node id ("" for a section the tree does not
// hold: created during the run, or hidden).
func (r *run) sectionNodes(locale string, t *tree, id int64) (string, bool) {
	site := r.c.client.site
	var chain []*tributary.HierarchyNode
	var category int64
	for depth := 0; id != 0 && depth < 32; depth++ {
		s, ok := t.sections[id]
		if !ok {
			break
		}
		n := &tributary.HierarchyNode{ID: sectionID(site, locale, s.ID), Name: s.Name, Link: s.HTMLURL, Kind: NodeSection}
		chain = append(chain, n)
		category, id = s.CategoryID, 0
		if s.ParentSectionID != nil {
			id = *s.ParentSectionID
		}
	}
	if len(chain) == 0 {
		return "", true
	}
	if c, ok := t.categories[category]; ok {
		chain = append(chain, &tributary.HierarchyNode{ID: categoryID(site, locale, c.ID), Name: c.Name, Link: c.HTMLURL, Kind: NodeCategory})
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if i < len(chain)-1 {
			chain[i].ParentID = chain[i+1].ID
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		n := chain[i]
		if r.nodes[n.ID] {
			continue
		}
		r.nodes[n.ID] = true
		if !r.Yield(tributary.NodeItem(n)) {
			return "", false
		}
	}
	return chain[0].ID, true
}

// articleDoc makes the document of an article: its body's text split at
// headings, with links to their anchors.
func (r *run) articleDoc(locale string, a *apiArticle, id, parent string, t *tree) (*tributary.Document, error) {
	d := &tributary.Document{ID: id, Source: Source, SemanticID: a.Title, Title: a.Title, ParentID: parent,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), ExternalAccess: r.articleAccess(a)}
	if r.slim {
		return d, nil
	}
	link := a.HTMLURL
	if link == "" {
		link = id
	}
	if a.Body != nil && strings.TrimSpace(*a.Body) != "" {
		h, err := extract.HTML([]byte(*a.Body), "text/html; charset=utf-8", extract.HTMLOptions{Sections: true})
		if err != nil {
			return nil, fmt.Errorf("zendesk: read article body: %w", err)
		}
		for _, s := range h.Sections {
			switch {
			case strings.HasPrefix(s.Link, "#"):
				s.Link = link + s.Link
			case s.Link == "":
				s.Link = link
			}
			d.Sections = append(d.Sections, s)
		}
	}
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{tributary.TextSection(link, a.Title)}
	}
	d.PrimaryOwners = r.people.owners(a.AuthorID)
	m := tributary.Metadata{}
	m.Add("type", "article")
	m.Add("locale", locale)
	m.Add("labels", a.LabelNames...)
	if s, ok := t.sections[a.SectionID]; ok {
		m.Add("section", s.Name)
		if c, ok := t.categories[s.CategoryID]; ok {
			m.Add("category", c.Name)
		}
	}
	if a.Draft {
		m.Add("draft", "true")
	}
	if a.Outdated {
		m.Add("outdated", "true")
	}
	if !a.EditedAt.IsZero() {
		m.Add("edited_at", a.EditedAt.UTC().Format("2006-01-02T15:04:05Z"))
	}
	d.Metadata = m
	return d, nil
}
