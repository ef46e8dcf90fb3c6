package mediawikiemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions size a generated wiki.
type GenerateOptions struct {
	// Pages in the main namespace; Help pages (namespace 12) and Talk
	// pages (namespace 1) are a fifth as many each.
	Pages int
	// Redirects are redirect pages in the main namespace, left out of
	// listings that ask for non-redirects.
	Redirects int
	// Categories per page, at most; pages get 0 to Categories of them.
	Categories int
	// Revisions per page, at most (at least one).
	Revisions int
	// Seed makes the data repeatable.
	Seed uint64
	// Start is the time of the first revision; zero means 2026-01-05.
	Start time.Time
}

// DefaultStart is the time of the first generated revision.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// Generate returns a wiki filled as o says. Revisions are a few minutes
// apart, several pages sharing some seconds, so that time ties happen.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	start := o.Start
	if start.IsZero() {
		start = DefaultStart
	}
	d := &Data{SiteName: "Emulated Wiki", Namespaces: []Namespace{{0, ""}, {1, "Talk"}, {2, "User"}, {4, "Project"},
		{12, "Help"}, {14, "Category"}}}
	users := []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "WikiBot"}
	at := start
	next := func() time.Time {
		if rng.IntN(4) != 0 { // a quarter of changes share their second with the last
			at = at.Add(time.Duration(1+rng.IntN(300)) * time.Second)
		}
		return at
	}
	titles := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%sTopic %05d %s", prefix, i, words[rng.IntN(len(words))])
		}
		return out
	}
	var all []string
	all = append(all, titles("", o.Pages)...)
	all = append(all, titles("Help:", o.Pages/5)...)
	all = append(all, titles("Talk:", o.Pages/5)...)
	for _, t := range all {
		var cats []string
		if o.Categories > 0 {
			for j := range rng.IntN(o.Categories + 1) {
				cats = append(cats, fmt.Sprintf("Group %d", (j*7+rng.IntN(5))%12))
			}
		}
		d.Create(t, users[rng.IntN(len(users))], Wikitext(rng, t), next(), cats...)
	}
	for i := range o.Redirects {
		d.Create(fmt.Sprintf("Alias %03d", i), users[0], "#REDIRECT [["+all[i%max(1, len(all))]+"]]", next())
		d.Pages[len(d.Pages)-1].Redirect = true
	}
	for range (max(1, o.Revisions) - 1) * len(all) / 2 {
		t := all[rng.IntN(len(all))]
		d.Edit(t, users[rng.IntN(len(users))], Wikitext(rng, t), next())
	}
	return d
}

var words = []string{"river", "delta", "basin", "source", "estuary", "meander", "current", "bank"}

// Wikitext returns an article about title with a lead, headings, links,
// templates, a reference and a small table.
func Wikitext(rng *rand.Rand, title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{{Infobox topic|name=%s|kind={{lc:River}}}}\n'''%s''' is a [[Topic|subject]] about the %s.<ref>A source, 2026.</ref>\n\n",
		title, title, words[rng.IntN(len(words))])
	for i := range 1 + rng.IntN(3) {
		fmt.Fprintf(&b, "== Part %d ==\nThe ''%s'' joins the [[%s]] near [https://example.org/map the map].\n", i+1,
			words[rng.IntN(len(words))], words[rng.IntN(len(words))])
		if rng.IntN(3) == 0 {
			b.WriteString("=== Details ===\n* first point\n* second point <!-- hidden note -->\n")
		}
	}
	if rng.IntN(2) == 0 {
		b.WriteString("{| class=\"wikitable\"\n! Name !! Length\n|-\n| Nile || 6650\n|}\n")
	}
	b.WriteString("[[File:Map.png|thumb|A map]]\n[[Category:Ignored in text]]\n")
	return b.String()
}
