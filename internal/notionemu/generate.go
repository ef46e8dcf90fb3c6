package notionemu

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// GenerateOptions shape a generated workspace.
type GenerateOptions struct {
	// Pages is the number of pages outside databases: a quarter at the top
	// of the workspace, the rest under an earlier page (every fifth inside
	// a toggle block of it).
	Pages int
	// Databases is the number of databases, each under a page, with Rows
	// rows each.
	Databases, Rows int
	// Plain gives every page a single paragraph instead of the sample
	// content (headings, nested lists, a table, synced blocks, code).
	Plain bool
	// Rich, with Plain, still gives the first Rich pages the sample
	// content.
	Rich int
	// Start is the earliest creation time; Span is how long after it pages
	// are created and edited. Defaults: 2024-01-01 and a year.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

// generator makes ids and times from one random source.
type generator struct {
	rng  *rand.Rand
	o    GenerateOptions
	data *Data
	// synced is the first synced block original, which later pages show.
	synced *Block
}

// Generate returns a workspace of people, pages, databases and rows.
func Generate(o GenerateOptions) *Data {
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b9)), o: o, data: &Data{Workspace: "Acme"}}
	for i, name := range []string{"Ana Silva", "Bo Lind", "Chen Wei", "Dara Okafor"} {
		g.data.Users = append(g.data.Users, &User{ID: g.id(), Name: name, Email: fmt.Sprintf("user%d@acme.test", i)})
	}
	for i := range o.Pages {
		g.page(i)
	}
	for i := range o.Databases {
		g.database(i)
	}
	return g.data
}

// id returns a random UUID in Notion's form.
func (g *generator) id() string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", g.rng.Uint32(), g.rng.Uint32()&0xffff,
		g.rng.Uint32()&0xfff, g.rng.Uint32()&0xfff, g.rng.Uint64()&0xffffffffffff)
}

// times returns a creation time and a later edit time, to the second.
func (g *generator) times() (time.Time, time.Time) {
	created := g.o.Start.Add(time.Duration(g.rng.Int64N(int64(g.o.Span)))).Truncate(time.Second)
	return created, created.Add(time.Duration(g.rng.Int64N(int64(g.o.Span) / 4))).Truncate(time.Second)
}

func (g *generator) user() string { return g.data.Users[g.rng.IntN(len(g.data.Users))].ID }

func (g *generator) page(i int) {
	created, edited := g.times()
	p := &Page{ID: g.id(), Title: fmt.Sprintf("Page %d", i+1), Parent: Parent{Type: ParentWorkspace},
		Created: created, Edited: edited, CreatedBy: g.user(), EditedBy: g.user()}
	if i >= 4 && i%4 != 0 {
		parent := g.data.Pages[g.rng.IntN(len(g.data.Pages))]
		child := &Block{ID: p.ID, Type: "child_page", Text: p.Title, Created: created, Edited: created}
		if i%5 == 0 {
			toggle := &Block{ID: g.id(), Type: "toggle", Text: "More pages", Created: created, Edited: created, Children: []*Block{child}}
			parent.Blocks = append(parent.Blocks, toggle)
			p.Parent = Parent{Type: ParentBlock, ID: toggle.ID}
		} else {
			parent.Blocks = append(parent.Blocks, child)
			p.Parent = Parent{Type: ParentPage, ID: parent.ID}
		}
	}
	if g.o.Plain && i >= g.o.Rich {
		p.Blocks = []*Block{g.block("paragraph", fmt.Sprintf("The text of page %d.", i+1))}
	} else {
		p.Blocks = g.sample(p, i)
	}
	g.data.Pages = append(g.data.Pages, p)
}

func (g *generator) block(typ, text string, children ...*Block) *Block {
	created, edited := g.times()
	return &Block{ID: g.id(), Type: typ, Text: text, Created: created, Edited: edited, Children: children}
}

// sample is the content of a page: headings that cut it into sections, a
// paragraph with a link, nested lists, a to-do, a code block, a table, a
// toggle with a nested paragraph and a synced block.
func (g *generator) sample(p *Page, i int) []*Block {
	link := g.block("paragraph", fmt.Sprintf("Read the guide for page %d.", i+1))
	link.Link = "https://example.com/guide"
	todo := g.block("to_do", "Ship it")
	todo.Checked = i%2 == 0
	code := g.block("code", "fmt.Println(\"hello\")")
	code.Language = "go"
	row := func(cells ...string) *Block { b := g.block("table_row", ""); b.Cells = cells; return b }
	bs := []*Block{
		g.block("paragraph", fmt.Sprintf("Introduction to %s.", p.Title)),
		g.block("heading_1", "Overview"),
		link,
		g.block("bulleted_list_item", "First point", g.block("bulleted_list_item", "A nested point",
			g.block("numbered_list_item", "Deeper still"))),
		todo,
		g.block("heading_2", "Details"),
		code,
		g.block("table", "", row("Name", "Value"), row("alpha", "1"), row("beta", "2")),
		g.block("toggle", "Hidden notes", g.block("paragraph", "Inside the toggle.")),
		g.block("divider", ""),
	}
	if g.synced == nil {
		g.synced = g.block("synced_block", "", g.block("paragraph", "Shared footer text."))
		bs = append(bs, g.synced)
	} else {
		ref := g.block("synced_block", "")
		ref.SyncedFrom = g.synced.ID
		bs = append(bs, ref)
	}
	return bs
}

func (g *generator) database(i int) {
	created, edited := g.times()
	db := &Database{ID: g.id(), Title: fmt.Sprintf("Tasks %d", i+1), Parent: Parent{Type: ParentWorkspace},
		Created: created, Edited: edited, Schema: map[string]string{"Status": "select", "Tags": "multi_select", "Notes": "rich_text"}}
	if g.o.Pages > 0 { // under one of the pages, never under a row
		parent := g.data.Pages[g.rng.IntN(g.o.Pages)]
		db.Parent = Parent{Type: ParentPage, ID: parent.ID}
		parent.Blocks = append(parent.Blocks, &Block{ID: db.ID, Type: "child_database", Text: db.Title, Created: created, Edited: created})
	}
	g.data.Databases = append(g.data.Databases, db)
	for r := range g.o.Rows {
		created, edited := g.times()
		status := []string{"Not started", "In progress", "Done"}[g.rng.IntN(3)]
		row := &Page{ID: g.id(), Title: fmt.Sprintf("Task %d.%d", i+1, r+1), Parent: Parent{Type: ParentDatabase, ID: db.ID},
			Created: created, Edited: edited, CreatedBy: g.user(), EditedBy: g.user(),
			Properties: map[string]map[string]any{
				"Status": {"id": "stat", "type": "select", "select": map[string]any{"id": "s1", "name": status, "color": "blue"}},
				"Tags": {"id": "tags", "type": "multi_select", "multi_select": []any{
					map[string]any{"id": "t1", "name": "backend", "color": "red"}}},
				"Notes": {"id": "note", "type": "rich_text", "rich_text": richTexts(fmt.Sprintf("Notes on task %d.%d", i+1, r+1), "")},
			}}
		row.Blocks = []*Block{g.block("paragraph", fmt.Sprintf("Body of task %d.%d.", i+1, r+1))}
		g.data.Pages = append(g.data.Pages, row)
	}
}
