package bookstack

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// Kinds of the hierarchy nodes.
const (
	NodeShelf   tributary.NodeKind = "shelf"
	NodeBook    tributary.NodeKind = "book"
	NodeChapter tributary.NodeKind = "chapter"
)

// Node ids of shelves, books and chapters.
func shelfNodeID(id int) string   { return "shelf:" + strconv.Itoa(id) }
func bookNodeID(id int) string    { return "book:" + strconv.Itoa(id) }
func chapterNodeID(id int) string { return "chapter:" + strconv.Itoa(id) }

// info is what a node is made of. hidden marks an item the token cannot
// read (or one deleted meanwhile).
type info struct {
	name, slug string
	book       int // a chapter's book
	hidden     bool
}

// tree knows, for one run, the shelf each book is placed on and the books
// and chapters read, and which nodes were yielded lately. Shelves are read
// once, on the first page: their number, not the pages', sets its size;
// the caches are bounded.
type tree struct {
	c        *Connector
	loaded   bool
	shelfOf  map[int]int  // book id -> the shelf it is placed on
	shelves  map[int]info // shelf id -> name and slug
	books    *cache[info]
	chapters *cache[info]
	nodes    *cache[struct{}]
}

func newTree(c *Connector) *tree {
	return &tree{c: c, books: newCache[info](4096), chapters: newCache[info](4096), nodes: newCache[struct{}](4096)}
}

// loadShelves reads every shelf with its books. A book on several shelves
// is placed on the one with the lowest id.
func (t *tree) loadShelves(r *run) error {
	if t.loaded {
		return nil
	}
	t.shelfOf, t.shelves = map[int]int{}, map[int]info{}
	var ids []int
	err := all(r.ctx, t.c.client, "shelves", url.Values{"sort": {"+id"}}, t.c.settings.PageSize, func(s *apiShelf) error {
		if s.ID <= 0 {
			return malformed("shelves", "shelf without an id")
		}
		ids = append(ids, s.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list shelves: %w", err)
	}
	for _, id := range ids {
		var s apiShelf
		err := t.c.client.get(r.ctx, "shelves/"+strconv.Itoa(id), nil, &s)
		if errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions) {
			continue // deleted or hidden meanwhile
		}
		if err != nil {
			return fmt.Errorf("read shelf %d: %w", id, err)
		}
		if s.ID != id {
			return malformed("shelves/"+strconv.Itoa(id), "the shelf answered is %d", s.ID)
		}
		t.shelves[id] = info{name: s.Name, slug: s.Slug}
		for _, b := range s.Books {
			if old, ok := t.shelfOf[b.ID]; b.ID > 0 && (!ok || id < old) {
				t.shelfOf[b.ID] = id
			}
		}
	}
	t.loaded = true
	return nil
}

// parentOf returns the id of a page's node, its chapter's or else its
// book's, after yielding the nodes above it that were not yielded lately
// (none in a slim run). A chapter the token cannot read places the page
// under the book; a book it cannot read fails the page. ok is false when
// the stream ended.
func (t *tree) parentOf(r *run, p *apiPageItem) (string, bool) {
	if p.ChapterID > 0 {
		ch, err := t.chapter(r, p.ChapterID)
		if err != nil {
			return "", r.docFailed(t.c.docID(p.ID), "read chapter", err)
		}
		if !ch.hidden && ch.book == p.BookID {
			if _, ok := t.bookNode(r, p.BookID, p.ID); !ok {
				return "", false
			}
			id := chapterNodeID(p.ChapterID)
			if r.slim || t.nodes.has(id) {
				return id, true
			}
			b, _ := t.books.get(p.BookID)
			n := &tributary.HierarchyNode{ID: id, ParentID: bookNodeID(p.BookID), Name: ch.name,
				Link: t.c.settings.web() + "/books/" + b.slug + "/chapter/" + ch.slug, Kind: NodeChapter}
			if !r.Yield(tributary.NodeItem(n)) {
				return "", false
			}
			t.nodes.add(id)
			return id, true
		}
	}
	return t.bookNode(r, p.BookID, p.ID)
}

// bookNode yields a book's node, after its shelf's, unless yielded
// lately, and returns its id.
func (t *tree) bookNode(r *run, bookID, pageID int) (string, bool) {
	id := bookNodeID(bookID)
	if t.nodes.has(id) {
		return id, true
	}
	b, err := t.book(r, bookID)
	if err == nil && b.hidden {
		err = tributary.NewError("bookstack: read book", tributary.ErrNotFound, fmt.Errorf("book %d cannot be read", bookID))
	}
	if err != nil {
		return "", r.docFailed(t.c.docID(pageID), "read book", err)
	}
	if r.slim {
		return id, true
	}
	if err := t.loadShelves(r); err != nil {
		return "", r.Fail(fmt.Errorf("bookstack: %w", err))
	}
	parent := ""
	if sid, ok := t.shelfOf[bookID]; ok {
		parent = shelfNodeID(sid)
		if !t.nodes.has(parent) {
			s := t.shelves[sid]
			n := &tributary.HierarchyNode{ID: parent, Name: s.name, Link: t.c.settings.web() + "/shelves/" + s.slug, Kind: NodeShelf}
			if !r.Yield(tributary.NodeItem(n)) {
				return "", false
			}
			t.nodes.add(parent)
		}
	}
	n := &tributary.HierarchyNode{ID: id, ParentID: parent, Name: b.name, Link: t.c.settings.web() + "/books/" + b.slug, Kind: NodeBook}
	if !r.Yield(tributary.NodeItem(n)) {
		return "", false
	}
	t.nodes.add(id)
	return id, true
}

// book returns what the run knows of a book, reading it when it knows
// nothing.
func (t *tree) book(r *run, id int) (info, error) {
	if b, ok := t.books.get(id); ok {
		return b, nil
	}
	var b apiBook
	err := t.c.client.get(r.ctx, "books/"+strconv.Itoa(id), nil, &b)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions):
		t.books.put(id, info{hidden: true})
		return info{hidden: true}, nil
	case err != nil:
		return info{}, err
	case b.ID != id || b.Slug == "":
		return info{}, malformed("books/"+strconv.Itoa(id), "the book answered lacks its id or slug")
	}
	in := info{name: b.Name, slug: b.Slug}
	t.books.put(id, in)
	return in, nil
}

// chapter returns what the run knows of a chapter, reading it when it
// knows nothing.
func (t *tree) chapter(r *run, id int) (info, error) {
	if ch, ok := t.chapters.get(id); ok {
		return ch, nil
	}
	var ch apiChapter
	err := t.c.client.get(r.ctx, "chapters/"+strconv.Itoa(id), nil, &ch)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions):
		t.chapters.put(id, info{hidden: true})
		return info{hidden: true}, nil
	case err != nil:
		return info{}, err
	case ch.ID != id || ch.Slug == "" || ch.BookID <= 0:
		return info{}, malformed("chapters/"+strconv.Itoa(id), "the chapter answered lacks its id, book or slug")
	}
	in := info{name: ch.Name, slug: ch.Slug, book: ch.BookID}
	t.chapters.put(id, in)
	return in, nil
}

// cache is a map of bounded size: once full it is emptied, so what a run
// remembers never grows with the instance. Forgetting costs a repeated
// node or one more request.
type cache[V any] struct {
	m     map[int]V
	s     map[string]V
	limit int
}

func newCache[V any](limit int) *cache[V] {
	return &cache[V]{m: map[int]V{}, s: map[string]V{}, limit: limit}
}

func (c *cache[V]) get(k int) (V, bool) { v, ok := c.m[k]; return v, ok }

func (c *cache[V]) put(k int, v V) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.limit {
		clear(c.m)
	}
	c.m[k] = v
}

// has and add use the cache as a set of strings.
func (c *cache[V]) has(k string) bool { _, ok := c.s[k]; return ok }

func (c *cache[V]) add(k string) {
	if _, ok := c.s[k]; !ok && len(c.s) >= c.limit {
		clear(c.s)
	}
	var zero V
	c.s[k] = zero
}
