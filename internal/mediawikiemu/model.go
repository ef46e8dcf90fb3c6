// Package mediawikiemu emulates the MediaWiki Action API (api.php) for
// tests and examples: meta=siteinfo, meta=tokens and meta=userinfo,
// list=allpages (also as a generator) with prop=revisions|categories|info,
// list=recentchanges with edits, creations and delete and move log
// entries, action=parse, and action=login with bot passwords and a
// session cookie. Answers use formatversion=2 shapes and the continue
// protocol (a "continue" object merged into the original request; prop
// continuation repeats the generator's batch). Errors are 200 answers
// with {"error":{"code","info"}} and a MediaWiki-API-Error header:
// maxlag (with Retry-After and X-Database-Lag), ratelimited and, on a
// private wiki, readapidenied.
package mediawikiemu

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Namespace is one of the wiki's namespaces.
type Namespace struct {
	ID   int
	Name string // "" for the main namespace
}

// Revision is one saved version of a page.
type Revision struct {
	ID      int
	At      time.Time
	User    string
	Content string // wikitext
}

// Page is a wiki page. Title is the full title with its namespace
// prefix, with spaces ("Help:Getting started").
type Page struct {
	ID         int
	NS         int
	Title      string
	Redirect   bool
	Revisions  []Revision // oldest first
	Categories []string   // without the "Category:" prefix
}

// Last returns the page's latest revision.
func (p *Page) Last() Revision { return p.Revisions[len(p.Revisions)-1] }

// First returns the page's first revision.
func (p *Page) First() Revision { return p.Revisions[0] }

// Change is an entry of the recent changes: an edit, a creation or a log
// entry (LogType "delete" or "move").
type Change struct {
	RCID     int
	Type     string // "edit", "new" or "log"
	NS       int
	Title    string
	PageID   int
	RevID    int
	OldRevID int
	At       time.Time
	User     string
	LogType  string // "delete" or "move" for log entries
	// LogAction is "delete" or "move".
	LogAction string
	// Target is the new title of a move.
	Target   string
	TargetNS int
}

// Data is the wiki the emulator serves.
type Data struct {
	SiteName   string
	Namespaces []Namespace
	Pages      []*Page
	Changes    []Change // in the order they happened
	nextPage   int
	nextRev    int
	nextRC     int
	scanned    bool
}

// Page returns the page with the title, or nil.
func (d *Data) Page(title string) *Page {
	title = normTitle(title)
	for _, p := range d.Pages {
		if p.Title == title {
			return p
		}
	}
	return nil
}

// PageByID returns the page with the id, or nil.
func (d *Data) PageByID(id int) *Page {
	for _, p := range d.Pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Namespace returns the namespace of a title.
func (d *Data) Namespace(title string) int {
	prefix, _, ok := strings.Cut(title, ":")
	if !ok {
		return 0
	}
	if strings.EqualFold(prefix, "Special") {
		return -1 // pages MediaWiki makes on the fly, never stored
	}
	for _, n := range d.Namespaces {
		if n.Name != "" && strings.EqualFold(n.Name, prefix) {
			return n.ID
		}
	}
	return 0
}

// normTitle is a title as MediaWiki writes it with $wgCapitalLinks (the
// site's case "first-letter"): spaces for underscores, trimmed, and the
// first letter of the name, after a namespace prefix, upper-cased.
func normTitle(t string) string {
	t = strings.TrimSpace(strings.ReplaceAll(t, "_", " "))
	prefix, name, ok := strings.Cut(t, ":")
	if !ok {
		return upperFirst(t)
	}
	return upperFirst(strings.TrimSpace(prefix)) + ":" + upperFirst(strings.TrimSpace(name))
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// RedirectTarget returns the title a redirect page leads to, from its
// wikitext (#REDIRECT [[Target]]), or "".
func (p *Page) RedirectTarget() string {
	if !p.Redirect || len(p.Revisions) == 0 {
		return ""
	}
	_, rest, ok := strings.Cut(p.Last().Content, "[[")
	target, _, ok2 := strings.Cut(rest, "]]")
	if !ok || !ok2 {
		return ""
	}
	target, _, _ = strings.Cut(target, "|")
	target, _, _ = strings.Cut(target, "#")
	return normTitle(target)
}

// ids learns the next free ids once, from data a test filled itself.
func (d *Data) ids() {
	if d.scanned {
		return
	}
	d.scanned = true
	for _, p := range d.Pages {
		d.nextPage = max(d.nextPage, p.ID)
		for _, r := range p.Revisions {
			d.nextRev = max(d.nextRev, r.ID)
		}
	}
	for _, c := range d.Changes {
		d.nextRC = max(d.nextRC, c.RCID)
	}
}

func (d *Data) change(c Change) {
	d.ids()
	d.nextRC++
	c.RCID = d.nextRC
	d.Changes = append(d.Changes, c)
}

// Create adds a page with one revision and its "new" recent change.
func (d *Data) Create(title, user, content string, at time.Time, categories ...string) *Page {
	d.ids()
	d.nextPage++
	d.nextRev++
	title = normTitle(title)
	p := &Page{ID: d.nextPage, NS: d.Namespace(title), Title: title, Categories: categories,
		Revisions: []Revision{{ID: d.nextRev, At: at.UTC(), User: user, Content: content}}}
	d.Pages = append(d.Pages, p)
	d.change(Change{Type: "new", NS: p.NS, Title: title, PageID: p.ID, RevID: d.nextRev, At: at.UTC(), User: user})
	return p
}

// Edit saves a new revision of the page and its "edit" recent change.
func (d *Data) Edit(title, user, content string, at time.Time) *Page {
	p := d.Page(title)
	if p == nil {
		return nil
	}
	d.ids()
	d.nextRev++
	old := p.Last().ID
	p.Revisions = append(p.Revisions, Revision{ID: d.nextRev, At: at.UTC(), User: user, Content: content})
	d.change(Change{Type: "edit", NS: p.NS, Title: p.Title, PageID: p.ID, RevID: d.nextRev, OldRevID: old, At: at.UTC(), User: user})
	return p
}

// Delete removes the page and logs the deletion. As in MediaWiki, the log
// entry's page id is 0: the page no longer exists.
func (d *Data) Delete(title, user string, at time.Time) {
	p := d.Page(title)
	if p == nil {
		return
	}
	d.Pages = slices.DeleteFunc(d.Pages, func(q *Page) bool { return q == p })
	d.change(Change{Type: "log", NS: p.NS, Title: p.Title, At: at.UTC(), User: user, LogType: "delete", LogAction: "delete"})
}

// Move renames the page, leaving a redirect at the old title unless
// noRedirect. The page keeps its id and gains a null revision at the
// move's time, which the log entry names.
func (d *Data) Move(from, to, user string, at time.Time, noRedirect bool) {
	p := d.Page(from)
	if p == nil {
		return
	}
	d.ids()
	d.nextRev++
	old := p.Last()
	p.Revisions = append(p.Revisions, Revision{ID: d.nextRev, At: at.UTC(), User: user, Content: old.Content})
	oldTitle, oldNS := p.Title, p.NS
	p.Title, p.NS = normTitle(to), d.Namespace(to)
	d.change(Change{Type: "log", NS: oldNS, Title: oldTitle, PageID: p.ID, RevID: d.nextRev, OldRevID: old.ID,
		At: at.UTC(), User: user, LogType: "move", LogAction: "move", Target: p.Title, TargetNS: p.NS})
	if !noRedirect {
		d.nextPage++
		d.nextRev++
		r := &Page{ID: d.nextPage, NS: oldNS, Title: oldTitle, Redirect: true,
			Revisions: []Revision{{ID: d.nextRev, At: at.UTC(), User: user, Content: "#REDIRECT [[" + p.Title + "]]"}}}
		d.Pages = append(d.Pages, r)
	}
}

// dbKey is a title as MediaWiki sorts and continues it: underscores for
// spaces, without the namespace prefix.
func (d *Data) dbKey(p *Page) string {
	t := p.Title
	if p.NS != 0 {
		if _, rest, ok := strings.Cut(t, ":"); ok {
			t = rest
		}
	}
	return strings.ReplaceAll(t, " ", "_")
}
