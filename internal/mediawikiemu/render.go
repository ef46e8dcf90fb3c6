package mediawikiemu

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

var (
	heading   = regexp.MustCompile(`^(={2,6})\s*(.*?)\s*={2,6}\s*$`)
	template  = regexp.MustCompile(`\{\{[^{}]*\}\}`)
	ref       = regexp.MustCompile(`(?s)<ref[^>]*>.*?</ref>|<!--.*?-->`)
	fileLink  = regexp.MustCompile(`\[\[(?:File|Image|Category):[^\]]*\]\]`)
	wikiLink  = regexp.MustCompile(`\[\[([^|\]]+)(?:\|([^\]]*))?\]\]`)
	outLink   = regexp.MustCompile(`\[(https?://[^ \]]+) ([^\]]*)\]`)
	boldItals = regexp.MustCompile(`'{2,3}`)
)

// Anchor is the id MediaWiki gives a heading: spaces as underscores.
func Anchor(h string) string { return strings.ReplaceAll(strings.TrimSpace(h), " ", "_") }

// renderHTML is a small stand-in for MediaWiki's parser: headings with
// ids and edit links, paragraphs, lists, links and a table; templates,
// references and comments vanish.
func renderHTML(wt string, editLinks bool) string {
	for template.MatchString(wt) {
		wt = template.ReplaceAllString(wt, "")
	}
	wt = ref.ReplaceAllString(wt, "")
	wt = fileLink.ReplaceAllString(wt, "")
	edit := ""
	if editLinks {
		edit = `<span class="mw-editsection">[<a href="/w/index.php?action=edit">edit</a>]</span>`
	}
	var b strings.Builder
	for _, line := range strings.Split(wt, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			lvl := strconv.Itoa(len(m[1]))
			b.WriteString(`<div class="mw-heading mw-heading` + lvl + `"><h` + lvl + ` id="` + html.EscapeString(Anchor(m[2])) + `">` +
				html.EscapeString(m[2]) + `</h` + lvl + `>` + edit + `</div>` + "\n")
			continue
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "{|") || strings.HasPrefix(line, "|}") || strings.HasPrefix(line, "|-"):
			continue
		case strings.HasPrefix(line, "!") || strings.HasPrefix(line, "|"):
			b.WriteString("<table><tr><td>" + inline(strings.TrimLeft(line, "!| ")) + "</td></tr></table>\n")
		case strings.HasPrefix(line, "*"):
			b.WriteString("<ul><li>" + inline(strings.TrimLeft(line, "* ")) + "</li></ul>\n")
		default:
			b.WriteString("<p>" + inline(line) + "</p>\n")
		}
	}
	return b.String()
}

func inline(s string) string {
	s = boldItals.ReplaceAllString(s, "")
	s = html.EscapeString(s)
	s = outLink.ReplaceAllString(s, `<a class="external" href="$1">$2</a>`)
	return wikiLink.ReplaceAllStringFunc(s, func(m string) string {
		p := wikiLink.FindStringSubmatch(m)
		text := p[2]
		if text == "" {
			text = p[1]
		}
		return `<a href="/wiki/` + Anchor(p[1]) + `">` + text + `</a>`
	})
}

// sectionsOf lists the headings as action=parse's prop=sections does.
func sectionsOf(wt string) []map[string]any {
	out := []map[string]any{}
	for _, line := range strings.Split(wt, "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			n := strconv.Itoa(len(out) + 1)
			out = append(out, map[string]any{"toclevel": len(m[1]) - 1, "level": strconv.Itoa(len(m[1])), "line": m[2],
				"number": n, "index": n, "anchor": Anchor(m[2]), "linkAnchor": Anchor(m[2])})
		}
	}
	return out
}
