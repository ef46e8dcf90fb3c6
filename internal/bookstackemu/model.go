package bookstackemu

import (
	"slices"
	"time"
)

// Role permission names, as BookStack's roles list them.
const (
	PermAccessAPI       = "access-api"
	PermSettingsManage  = "settings-manage"
	PermUsersManage     = "users-manage"
	PermRestrictionsAll = "restrictions-manage-all"
	PermShelfViewAll    = "bookshelf-view-all"
	PermBookViewAll     = "book-view-all"
	PermChapterViewAll  = "chapter-view-all"
	PermPageViewAll     = "page-view-all"
	systemAdmin         = "admin"
)

// ContentViewAll are the view permissions of every content type.
var ContentViewAll = []string{PermShelfViewAll, PermBookViewAll, PermChapterViewAll, PermPageViewAll}

// Role is a BookStack role. A role whose SystemName is "admin" sees and
// may do everything.
type Role struct {
	ID          int
	DisplayName string
	SystemName  string
	Permissions []string
}

func (r *Role) has(p string) bool {
	return r.SystemName == systemAdmin || slices.Contains(r.Permissions, p)
}

// User is a BookStack user with the ids of their roles.
type User struct {
	ID    int
	Name  string
	Slug  string
	Email string
	Roles []int
}

// Permissions are an item's own content permissions: the roles given or
// refused view, and for every other role either inheritance from the
// parent (Inheriting) or FallbackView.
type Permissions struct {
	Inheriting   bool
	FallbackView bool
	Roles        map[int]bool
}

// Entity is what shelves, books, chapters and pages share.
type Entity struct {
	ID          int
	Name        string
	Slug        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CreatedBy   int
	UpdatedBy   int
	OwnedBy     int
	// Perms, when set, overrides the permissions the item inherits.
	Perms   *Permissions
	Deleted bool
}

// Shelf is a bookshelf with the ids of its books, in shelf order.
type Shelf struct {
	Entity
	Books []int
}

// Book is a book.
type Book struct{ Entity }

// Chapter is a chapter of a book.
type Chapter struct {
	Entity
	BookID   int
	Priority int
}

// Tag is a name and value tag of a page.
type Tag struct{ Name, Value string }

// Page is a page of a book, in a chapter when ChapterID is set.
type Page struct {
	Entity
	BookID        int
	ChapterID     int
	Priority      int
	HTML          string
	Markdown      string
	Draft         bool
	Template      bool
	RevisionCount int
	Tags          []Tag
	// Broken makes the page's read answer without its content and times,
	// a response the connector cannot use.
	Broken bool
}

// AuditEntry is an entry of the audit log.
type AuditEntry struct {
	ID           int
	Type         string
	Detail       string
	UserID       int
	LoggableID   int
	LoggableType string
	CreatedAt    time.Time
}

// Token is an API token of a user.
type Token struct {
	ID, Secret string
	UserID     int
	// ExpiresAt, when set, is when BookStack stops accepting it.
	ExpiresAt time.Time
}

// Data is an instance's content, users, roles and audit log.
type Data struct {
	Shelves  []*Shelf
	Books    []*Book
	Chapters []*Chapter
	Pages    []*Page
	Users    []*User
	Roles    []*Role
	Audit    []*AuditEntry
	Tokens   []*Token
}

// Shelf returns the shelf with the id, or nil.
func (d *Data) Shelf(id int) *Shelf { return find(d.Shelves, id, func(s *Shelf) int { return s.ID }) }

// Book returns the book with the id, or nil.
func (d *Data) Book(id int) *Book { return find(d.Books, id, func(b *Book) int { return b.ID }) }

// Chapter returns the chapter with the id, or nil.
func (d *Data) Chapter(id int) *Chapter {
	return find(d.Chapters, id, func(c *Chapter) int { return c.ID })
}

// Page returns the page with the id, or nil.
func (d *Data) Page(id int) *Page { return find(d.Pages, id, func(p *Page) int { return p.ID }) }

// User returns the user with the id, or nil.
func (d *Data) User(id int) *User { return find(d.Users, id, func(u *User) int { return u.ID }) }

// Role returns the role with the id, or nil.
func (d *Data) Role(id int) *Role { return find(d.Roles, id, func(r *Role) int { return r.ID }) }

// find returns the item with the id: where Generate put it (ids count
// from 1 in order), else wherever it is.
func find[T any](items []T, id int, idOf func(T) int) T {
	if id >= 1 && id <= len(items) && idOf(items[id-1]) == id {
		return items[id-1]
	}
	for _, it := range items {
		if idOf(it) == id {
			return it
		}
	}
	var zero T
	return zero
}

// DeletePage moves a page to the recycle bin at the time, logging
// page_delete as BookStack does.
func (d *Data) DeletePage(id, by int, at time.Time) {
	if p := d.Page(id); p != nil {
		p.Deleted = true
		d.log("page_delete", p.Name, by, id, "page", at)
	}
}

// DeleteBook moves a book and its chapters and pages to the recycle bin,
// logging only book_delete, as BookStack does.
func (d *Data) DeleteBook(id, by int, at time.Time) {
	b := d.Book(id)
	if b == nil {
		return
	}
	b.Deleted = true
	for _, c := range d.Chapters {
		if c.BookID == id {
			c.Deleted = true
		}
	}
	for _, p := range d.Pages {
		if p.BookID == id {
			p.Deleted = true
		}
	}
	d.log("book_delete", b.Name, by, id, "book", at)
}

func (d *Data) log(typ, detail string, by, id int, kind string, at time.Time) {
	next := 1
	if n := len(d.Audit); n > 0 {
		next = d.Audit[n-1].ID + 1
	}
	d.Audit = append(d.Audit, &AuditEntry{ID: next, Type: typ, Detail: detail, UserID: by, LoggableID: id,
		LoggableType: kind, CreatedAt: at.UTC().Truncate(time.Second)})
}

// Log appends an audit entry of another type (page_update, page_move ...).
func (d *Data) Log(typ string, by, id int, kind string, at time.Time) {
	d.log(typ, "", by, id, kind, at)
}

// viewer is who asks: a user's roles.
type viewer struct{ roles []*Role }

func (d *Data) viewerOf(u *User) viewer {
	var v viewer
	for _, id := range u.Roles {
		if r := d.Role(id); r != nil {
			v.roles = append(v.roles, r)
		}
	}
	return v
}

func (v viewer) has(p string) bool {
	return slices.ContainsFunc(v.roles, func(r *Role) bool { return r.has(p) })
}

// resolve returns a role's view of an item from its chain of permissions
// (the item first, then its parents), falling back to the role's
// permission to view every item of the kind.
func resolve(r *Role, chain []*Permissions, viewAll string) bool {
	if r.SystemName == systemAdmin {
		return true
	}
	for _, p := range chain {
		if p == nil {
			continue
		}
		if view, ok := p.Roles[r.ID]; ok {
			return view
		}
		if !p.Inheriting {
			return p.FallbackView
		}
	}
	return slices.Contains(r.Permissions, viewAll)
}

func (d *Data) chain(kind string, id int) ([]*Permissions, string) {
	switch kind {
	case "bookshelf":
		if s := d.Shelf(id); s != nil {
			return []*Permissions{s.Perms}, PermShelfViewAll
		}
	case "book":
		if b := d.Book(id); b != nil {
			return []*Permissions{b.Perms}, PermBookViewAll
		}
	case "chapter":
		if c := d.Chapter(id); c != nil {
			bc, _ := d.chain("book", c.BookID)
			return append([]*Permissions{c.Perms}, bc...), PermChapterViewAll
		}
	case "page":
		if p := d.Page(id); p != nil {
			parent, kind := p.BookID, "book"
			if p.ChapterID != 0 {
				parent, kind = p.ChapterID, "chapter"
			}
			pc, _ := d.chain(kind, parent)
			return append([]*Permissions{p.Perms}, pc...), PermPageViewAll
		}
	}
	return nil, ""
}

func (d *Data) visible(v viewer, kind string, id int) bool {
	chain, all := d.chain(kind, id)
	if all == "" {
		return false
	}
	return slices.ContainsFunc(v.roles, func(r *Role) bool { return resolve(r, chain, all) })
}

// PageViewRoles returns the ids of the roles that may view the page, in id
// order: what the connector's access should name.
func (d *Data) PageViewRoles(id int) []int {
	chain, all := d.chain("page", id)
	var out []int
	for _, r := range d.Roles {
		if all != "" && resolve(r, chain, all) {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

// live reports a page that listings show: not deleted, not a draft, in a
// book and chapter that are not deleted.
func (d *Data) live(p *Page) bool {
	if p.Deleted || p.Draft {
		return false
	}
	b := d.Book(p.BookID)
	if b == nil || b.Deleted {
		return false
	}
	if p.ChapterID != 0 {
		c := d.Chapter(p.ChapterID)
		return c != nil && !c.Deleted
	}
	return true
}

// LivePages returns the pages listings show to an admin.
func (d *Data) LivePages() []*Page {
	var out []*Page
	for _, p := range d.Pages {
		if d.live(p) {
			out = append(out, p)
		}
	}
	return out
}
