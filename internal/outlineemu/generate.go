package outlineemu

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// GenerateOptions shape a generated workspace.
type GenerateOptions struct {
	// Collections is the number of collections; every PrivateEvery-th
	// (from the second) admits its members only, and every ReadOnlyEvery-th
	// of the others has permission "read" rather than "read_write".
	Collections, PrivateEvery, ReadOnlyEvery int
	// Documents is the number of published documents per collection: a
	// third at the top, the rest under an earlier one. Every fifth has a
	// membership of its own.
	Documents int
	// Hidden adds, per collection, a draft, an archived and a deleted
	// document (with their events), which documents.list leaves out.
	Hidden bool
	// Plain gives every document a single paragraph instead of headings,
	// lists and code.
	Plain bool
	// Start is the earliest creation time; Span is how long after it
	// documents are created and edited. Defaults: 2024-01-01 and a year.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

// The users every generated workspace has; the first is an admin, whose
// key the tests use, the last a guest.
var generatedUsers = []struct{ name, role string }{
	{"Ana Silva", RoleAdmin}, {"Bo Lind", RoleMember}, {"Chen Wei", RoleMember},
	{"Dara Okafor", RoleViewer}, {"Eli Guest", RoleGuest},
}

type generator struct {
	rng  *rand.Rand
	o    GenerateOptions
	data *Data
	seq  int
}

// Generate returns a workspace of users, groups, collections and
// documents.
func Generate(o GenerateOptions) *Data {
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x5bd1e995)), o: o,
		data: &Data{TeamName: "Acme"}}
	g.data.TeamID = g.uuid()
	for i, u := range generatedUsers {
		g.data.Users = append(g.data.Users, &User{ID: g.uuid(), Name: u.name, Email: fmt.Sprintf("user%d@acme.test", i), Role: u.role})
	}
	us := g.data.Users
	g.data.Groups = []*Group{
		{ID: g.uuid(), Name: "Engineering", Members: []string{us[1].ID, us[2].ID}, CreatedAt: o.Start},
		{ID: g.uuid(), Name: "Contractors", Members: []string{us[4].ID}, CreatedAt: o.Start},
	}
	for i := range o.Collections {
		g.collection(i)
	}
	return g.data
}

func (g *generator) uuid() string {
	g.seq++
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", g.rng.Uint32(), g.rng.Uint32()&0xffff, g.seq&0xfff,
		g.rng.Uint32()&0xfff, g.rng.Uint64()&0xffffffffffff)
}

const urlIDChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (g *generator) urlID() string {
	b := make([]byte, 10)
	for i := range b {
		b[i] = urlIDChars[g.rng.IntN(len(urlIDChars))]
	}
	return string(b)
}

// when returns a time within the span, to the millisecond.
func (g *generator) when() time.Time {
	return g.o.Start.Add(time.Duration(g.rng.Int64N(int64(g.o.Span)))).Truncate(time.Millisecond)
}

func (g *generator) collection(i int) {
	us, gs := g.data.Users, g.data.Groups
	col := &Collection{ID: g.uuid(), URLID: g.urlID(), Name: fmt.Sprintf("Collection %02d", i),
		Description: "Notes of team " + fmt.Sprint(i), Permission: PermissionReadWrite, CreatedAt: g.o.Start}
	col.UpdatedAt = col.CreatedAt
	switch {
	case g.o.PrivateEvery > 0 && i%g.o.PrivateEvery == 1:
		col.Permission = PermissionNone
		col.Members = []Membership{{UserID: us[0].ID, Permission: PermissionReadWrite},
			{UserID: us[3].ID, Permission: PermissionRead}, {GroupID: gs[0].ID, Permission: PermissionReadWrite}}
	case g.o.ReadOnlyEvery > 0 && i%g.o.ReadOnlyEvery == 0:
		col.Permission = PermissionRead
		col.Members = []Membership{{GroupID: gs[1].ID, Permission: PermissionRead}}
	}
	g.data.Collections = append(g.data.Collections, col)
	var docs []*Document
	for j := range g.o.Documents {
		d := g.document(col, j)
		if j >= 3 && j%3 != 0 {
			d.ParentID = docs[g.rng.IntN(len(docs))].ID
		}
		if j%5 == 4 {
			d.Members = []Membership{{UserID: us[4].ID, Permission: "read"}}
			if j%10 == 9 {
				d.Members = append(d.Members, Membership{GroupID: gs[1].ID, Permission: "read"})
			}
		}
		docs = append(docs, d)
	}
	if g.o.Hidden {
		g.hidden(col)
	}
}

func (g *generator) document(col *Collection, j int) *Document {
	us := g.data.Users
	a, b := g.when(), g.when()
	if b.Before(a) {
		a, b = b, a
	}
	author, editor := us[g.rng.IntN(3)], us[g.rng.IntN(3)]
	d := &Document{ID: g.uuid(), URLID: g.urlID(), Title: fmt.Sprintf("%s note %03d", col.Name, j),
		CollectionID: col.ID, CreatedAt: a, UpdatedAt: b, PublishedAt: a, CreatedBy: author.ID, UpdatedBy: editor.ID,
		Collaborators: []string{author.ID}}
	if editor != author {
		d.Collaborators = append(d.Collaborators, editor.ID)
	}
	d.Text = g.text(d, j)
	g.data.Documents = append(g.data.Documents, d)
	return d
}

func (g *generator) text(d *Document, j int) string {
	if g.o.Plain || j%4 != 0 {
		return fmt.Sprintf("This is %s, written for the emulated workspace.\n", d.Title)
	}
	return fmt.Sprintf("An introduction to %s.\n\n## Background\n\nWhy it matters:\n\n- one point\n- another point\n\n"+
		"```go\n// # not a heading\nfmt.Println(%q)\n```\n\n## Next steps\n\n### Owners\n\nAsk [the team](https://example.com/team).\n",
		d.Title, d.URLID)
}

// hidden adds a draft, an archived and a deleted document, and the events
// of the latter two.
func (g *generator) hidden(col *Collection) {
	us := g.data.Users
	draft := g.document(col, 900)
	draft.PublishedAt = time.Time{}
	archived := g.document(col, 901)
	archived.ArchivedAt = archived.UpdatedAt
	deleted := g.document(col, 902)
	deleted.DeletedAt = deleted.UpdatedAt
	for _, e := range []struct {
		name string
		d    *Document
		at   time.Time
	}{{"documents.archive", archived, archived.ArchivedAt}, {"documents.delete", deleted, deleted.DeletedAt}} {
		g.data.Events = append(g.data.Events, &Event{ID: g.uuid(), Name: e.name, DocumentID: e.d.ID,
			CollectionID: col.ID, ActorID: us[0].ID, CreatedAt: e.at})
	}
}
