package confluenceemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// User is a Confluence account. An empty Email means the user's privacy
// settings hide it, as Confluence Cloud does.
type User struct {
	AccountID   string
	Username    string // Server and Data Center user name
	DisplayName string
	Email       string
	// HideGroups refuses the user the group methods with 403, as a site
	// that lets only administrators browse groups does.
	HideGroups bool
}

// Space is a Confluence space with who may read it.
type Space struct {
	ID          int64
	Key         string
	Name        string
	Description string
	// Anonymous lets anonymous users read the space.
	Anonymous  bool
	ReadUsers  []*User
	ReadGroups []string
}

// Comment is a comment on a page.
type Comment struct {
	ID      int64
	Body    string // storage format
	Author  *User
	Created time.Time
}

// Attachment is a file attached to a page.
type Attachment struct {
	ID        int64
	Title     string
	MediaType string
	Size      int64
	Created   time.Time
}

// Page is a Confluence page.
type Page struct {
	ID      int64
	Space   *Space
	Parent  *Page // nil for a page at the top of the space
	Title   string
	Body    string // storage format (XHTML)
	Created time.Time
	Creator *User
	Version int
	When    time.Time // the last version's time
	Editor  *User
	Labels  []string
	// ReadUsers and ReadGroups, when either is set, restrict who may view
	// the page (and, in Confluence, its descendants).
	ReadUsers   []*User
	ReadGroups  []string
	Comments    []*Comment
	Attachments []*Attachment
	// Status is "current" (or empty), "trashed" or "archived"; searches
	// find current pages only.
	Status string
}

// Ancestors returns the page's ancestors from the top of the space down.
func (p *Page) Ancestors() []*Page {
	var out []*Page
	for a := p.Parent; a != nil; a = a.Parent {
		out = append([]*Page{a}, out...)
	}
	return out
}

// Data is an emulated Confluence site.
type Data struct {
	Users  []*User
	Spaces []*Space
	Pages  []*Page
	// Groups are the site's groups with their members.
	Groups []*Group
}

// Space returns the space with the key, or nil.
func (d *Data) Space(key string) *Space {
	for _, s := range d.Spaces {
		if strings.EqualFold(s.Key, key) {
			return s
		}
	}
	return nil
}

// Page returns the page with the id, or nil.
func (d *Data) Page(id int64) *Page {
	for _, p := range d.Pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// GenerateOptions shape a generated site.
type GenerateOptions struct {
	// Spaces is the number of spaces, keyed S000, S001 ...; 1 when zero.
	Spaces int
	// Pages is the number of pages per space.
	Pages int
	// Comments is the most comments a page gets (each gets 0..Comments).
	Comments int
	// Attachments is the most attachments a page gets.
	Attachments int
	// RestrictEvery restricts every n-th page to a few users and a group;
	// 0 restricts none.
	RestrictEvery int
	// Start is the earliest creation time and Span how long after it pages
	// are created and edited; defaults 2023-01-01 and two years.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

// Generate returns a site with users, spaces and pages arranged in trees,
// with creation and edit times that vary page by page.
func Generate(o GenerateOptions) *Data {
	o.Spaces = max(o.Spaces, 1)
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 2 * 365 * 24 * time.Hour
	}
	g := &generator{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x5bd1e995)), id: 10000}
	d := &Data{}
	for i, name := range []string{"ana", "bo", "chen", "dara", "eli", "fay"} {
		u := &User{AccountID: fmt.Sprintf("5b10ac8d82e05b22cc7d%04d", i), Username: name,
			DisplayName: strings.ToUpper(name[:1]) + name[1:] + " Example"}
		if i%3 != 2 {
			u.Email = name + "@example.com"
		}
		d.Users = append(d.Users, u)
	}
	g.users = d.Users
	d.Groups = []*Group{{Name: "confluence-users", Users: slices.Clone(d.Users)}, {Name: "engineering", Users: slices.Clone(d.Users[:3])}}
	for i := range o.Spaces {
		s := &Space{ID: g.nextID(), Key: fmt.Sprintf("S%03d", i), Name: fmt.Sprintf("Space %d", i),
			Description: fmt.Sprintf("Generated space number %d", i),
			ReadUsers:   []*User{d.Users[0], d.Users[1+i%5]}, ReadGroups: []string{"confluence-users"}}
		s.Anonymous = i%4 == 3
		d.Spaces = append(d.Spaces, s)
		var pages []*Page
		for n := range o.Pages {
			p := g.page(s, pages, n)
			pages = append(pages, p)
		}
		d.Pages = append(d.Pages, pages...)
	}
	return d
}

type generator struct {
	o     GenerateOptions
	rng   *rand.Rand
	id    int64
	users []*User
}

func (g *generator) nextID() int64 { g.id++; return g.id }

func (g *generator) at(from time.Time) time.Time {
	end := g.o.Start.Add(g.o.Span)
	if !from.Before(end) {
		return from
	}
	ms := end.Sub(from).Milliseconds()
	return from.Add(time.Duration(g.rng.Int64N(ms+1)) * time.Millisecond).UTC()
}

func (g *generator) user() *User { return g.users[g.rng.IntN(len(g.users))] }

func (g *generator) page(s *Space, earlier []*Page, n int) *Page {
	p := &Page{ID: g.nextID(), Space: s, Title: fmt.Sprintf("%s page %d", s.Name, n), Creator: g.user(), Editor: g.user()}
	if len(earlier) > 0 && g.rng.IntN(3) > 0 {
		p.Parent = earlier[g.rng.IntN(len(earlier))]
	}
	p.Created = g.at(g.o.Start)
	p.When = g.at(p.Created)
	p.Version = 1 + g.rng.IntN(9)
	p.Body = fmt.Sprintf(`<h2>Overview of %s</h2><p>This page explains topic <strong>%d</strong> of %s.</p>`+
		`<ul><li>first point</li><li>second point</li></ul>`+
		`<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">go</ac:parameter>`+
		`<ac:plain-text-body><![CDATA[fmt.Println("page %d")]]></ac:plain-text-body></ac:structured-macro>`+
		`<table><tbody><tr><th>Key</th><th>Value</th></tr><tr><td>id</td><td>%d</td></tr></tbody></table>`,
		p.Title, n, s.Key, n, p.ID)
	p.Labels = []string{"generated", fmt.Sprintf("topic-%d", n%7)}
	if g.o.RestrictEvery > 0 && n%g.o.RestrictEvery == g.o.RestrictEvery-1 {
		p.ReadUsers = []*User{g.users[0], g.users[2]}
		p.ReadGroups = []string{"engineering"}
	}
	if g.o.Comments > 0 {
		for range g.rng.IntN(g.o.Comments + 1) {
			p.Comments = append(p.Comments, &Comment{ID: g.nextID(), Author: g.user(), Created: g.at(p.Created),
				Body: fmt.Sprintf("<p>Comment on page %d: looks good.</p>", n)})
		}
	}
	if g.o.Attachments > 0 {
		for i := range g.rng.IntN(g.o.Attachments + 1) {
			p.Attachments = append(p.Attachments, &Attachment{ID: g.nextID(), Title: fmt.Sprintf("diagram-%d.png", i),
				MediaType: "image/png", Size: int64(1000 + g.rng.IntN(100000)), Created: g.at(p.Created)})
		}
	}
	return p
}
