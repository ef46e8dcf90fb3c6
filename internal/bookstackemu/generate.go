package bookstackemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Fixed ids of the generated instance.
const (
	// AdminRole, EditorRole and ViewerRole are the generated roles.
	AdminRole  = 1
	EditorRole = 2
	ViewerRole = 3
	// SecretRole views only the pages it is given explicitly.
	SecretRole = 4
	// AdminUser has the admin role; Reader has the viewer role and API
	// access but may neither manage users nor read permissions.
	AdminUser  = 1
	ReaderUser = 3
	// AdminTokenID and AdminTokenSecret authenticate as AdminUser;
	// ReaderTokenID and ReaderTokenSecret as ReaderUser.
	AdminTokenID      = "adminTokenId0123456789abcdef0000"
	AdminTokenSecret  = "adminSecret0123456789abcdef00000"
	ReaderTokenID     = "readerTokenId0123456789abcdef000"
	ReaderTokenSecret = "readerSecret0123456789abcdef0000"
)

// Epoch is the creation time of the generated content.
var Epoch = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// GenerateOptions size a generated instance.
type GenerateOptions struct {
	Shelves, Books, ChaptersPerBook, PagesPerBook int
	// Tied is how many pages share one update time at the start of the
	// listing (a bulk import): BookStack's times have second precision.
	Tied int
	// Restricted is how many pages carry permissions of their own.
	Restricted int
	// Seed varies names and times.
	Seed uint64
}

// Generate builds an instance: roles (admin, editor, viewer and one with
// no default view), users with API tokens, shelves holding the books (the
// first book on two shelves, the last on none), chapters and pages with
// HTML and markdown, some pages updated at the same second.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	d := &Data{}
	d.Roles = []*Role{
		{ID: AdminRole, DisplayName: "Admin", SystemName: systemAdmin},
		{ID: EditorRole, DisplayName: "Editor", Permissions: append([]string{PermAccessAPI}, ContentViewAll...)},
		{ID: ViewerRole, DisplayName: "Viewer", Permissions: append([]string{PermAccessAPI}, ContentViewAll...)},
		{ID: SecretRole, DisplayName: "Auditors", Permissions: []string{PermAccessAPI}},
	}
	d.Users = []*User{
		{ID: AdminUser, Name: "Admin", Slug: "admin", Email: "admin@example.com", Roles: []int{AdminRole}},
		{ID: 2, Name: "Edith Editor", Slug: "edith-editor", Email: "Edith@Example.com", Roles: []int{EditorRole, SecretRole}},
		{ID: ReaderUser, Name: "Rita Reader", Slug: "rita-reader", Email: "rita@example.com", Roles: []int{ViewerRole}},
		{ID: 4, Name: "Guest", Slug: "guest", Email: "guest@example.com", Roles: nil},
	}
	d.Tokens = []*Token{
		{ID: AdminTokenID, Secret: AdminTokenSecret, UserID: AdminUser},
		{ID: ReaderTokenID, Secret: ReaderTokenSecret, UserID: ReaderUser},
	}
	at := Epoch
	tick := func() time.Time { at = at.Add(time.Duration(1+rng.IntN(90)) * time.Second); return at }
	entity := func(id int, name string) Entity {
		t := tick()
		return Entity{ID: id, Name: name, Slug: Slug(name), CreatedAt: t, UpdatedAt: t, CreatedBy: AdminUser,
			UpdatedBy: 2, OwnedBy: AdminUser}
	}
	pageID, chapterID := 1, 1
	for b := 1; b <= o.Books; b++ {
		d.Books = append(d.Books, &Book{Entity: entity(b, fmt.Sprintf("Book %d %s", b, words[rng.IntN(len(words))]))})
		var chapters []int
		for c := 0; c < o.ChaptersPerBook; c++ {
			ch := &Chapter{Entity: entity(chapterID, fmt.Sprintf("Chapter %d.%d", b, c+1)), BookID: b, Priority: c}
			d.Chapters = append(d.Chapters, ch)
			chapters = append(chapters, chapterID)
			chapterID++
		}
		for p := 0; p < o.PagesPerBook; p++ {
			name := fmt.Sprintf("Page %d %s %s", pageID, words[rng.IntN(len(words))], words[rng.IntN(len(words))])
			pg := &Page{Entity: entity(pageID, name), BookID: b, Priority: p, RevisionCount: 1 + rng.IntN(4)}
			if len(chapters) > 0 && p%3 != 0 {
				pg.ChapterID = chapters[p%len(chapters)]
			}
			pg.HTML, pg.Markdown = content(pageID, name)
			pg.Tags = []Tag{{Name: "topic", Value: words[pageID%len(words)]}}
			d.Pages = append(d.Pages, pg)
			pageID++
		}
	}
	// A bulk import: the first pages end up updated at one second.
	bulk := Epoch.Add(-time.Hour)
	for i := 0; i < o.Tied && i < len(d.Pages); i++ {
		d.Pages[i].UpdatedAt = bulk
		d.Pages[i].CreatedAt = bulk
	}
	for i := 0; i < o.Restricted && i < len(d.Pages); i++ {
		p := d.Pages[len(d.Pages)-1-2*i]
		p.Perms = &Permissions{Inheriting: false, FallbackView: false, Roles: map[int]bool{SecretRole: true, EditorRole: true}}
	}
	for s := 1; s <= o.Shelves; s++ {
		sh := &Shelf{Entity: entity(s, fmt.Sprintf("Shelf %d", s))}
		for b := 1; b < o.Books; b++ { // the last book is on no shelf
			if b%o.Shelves == s%o.Shelves || b == 1 && s <= 2 {
				sh.Books = append(sh.Books, b)
			}
		}
		d.Shelves = append(d.Shelves, sh)
	}
	return d
}

var words = []string{"install", "backup", "network", "billing", "onboarding", "release", "security", "support",
	"roadmap", "glossary"}

// content returns a page's HTML, as BookStack stores it (headings and
// paragraphs with bkmrk- ids), and its markdown.
func content(id int, name string) (string, string) {
	var h, m strings.Builder
	fmt.Fprintf(&h, "<p id=\"bkmrk-intro-%d\">%s introduces topic %d.</p>\n", id, name, id)
	fmt.Fprintf(&m, "%s introduces topic %d.\n\n", name, id)
	for i, w := range []string{"Setup", "Usage"} {
		fmt.Fprintf(&h, "<h2 id=\"bkmrk-%s\">%s</h2>\n<p id=\"bkmrk-p%d-%d\">%s notes for page %d.</p>\n",
			strings.ToLower(w), w, id, i, w, id)
		fmt.Fprintf(&m, "## %s\n\n%s notes for page %d.\n\n", w, w, id)
	}
	return h.String(), m.String()
}

// Slug is a name as BookStack makes it part of a URL: lower case, letters
// and digits, other runs of characters one hyphen.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
