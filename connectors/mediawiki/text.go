package mediawiki

import (
	"regexp"
	"strings"
)

// maxWikitext bounds the wikitext read per page (64 MiB).
const maxWikitext = 64 << 20

var (
	headingLine = regexp.MustCompile(`^(={1,6})\s*(.*?)\s*={1,6}\s*$`)
	refOrNote   = regexp.MustCompile(`(?s)<ref[^>/]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->`)
	mediaLink   = regexp.MustCompile(`(?i)\[\[\s*:?\s*(?:file|image|category|media)\s*:[^\]]*\]\]`)
	innerLink   = regexp.MustCompile(`\[\[([^|\]]*)(?:\|([^\]]*))?\]\]`)
	externLink  = regexp.MustCompile(`\[(?:https?:)?//[^ \]]+(?: ([^\]]*))?\]`)
	htmlTag     = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	emphasis    = regexp.MustCompile(`'{2,5}`)
	tableCells  = regexp.MustCompile(`\s*(?:\|\||!!)\s*`)
)

// section is a heading's text.
type section struct {
	Heading string
	Anchor  string
	Text    string
}

// stripTemplates removes {{...}} and {|...|} is left to the line pass;
// nesting is followed with a counter, so unbalanced braces never loop.
func stripTemplates(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			i++
		case depth > 0 && strings.HasPrefix(s[i:], "}}"):
			depth--
			i++
		case depth == 0:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// wikitextSections turns wikitext into plain text split at headings: a
// first section for the lead, then one per heading with its anchor.
func wikitextSections(wt string) []section {
	if len(wt) > maxWikitext {
		wt = wt[:maxWikitext]
	}
	wt = refOrNote.ReplaceAllString(wt, "")
	wt = stripTemplates(wt)
	wt = mediaLink.ReplaceAllString(wt, "")
	wt = innerLink.ReplaceAllStringFunc(wt, func(m string) string {
		p := innerLink.FindStringSubmatch(m)
		if p[2] != "" {
			return p[2]
		}
		return strings.TrimPrefix(p[1], ":")
	})
	wt = externLink.ReplaceAllString(wt, "$1")
	wt = htmlTag.ReplaceAllString(wt, "")
	wt = emphasis.ReplaceAllString(wt, "")
	out := []section{{}}
	var b strings.Builder
	flush := func() {
		out[len(out)-1].Text = strings.TrimSpace(b.String())
		b.Reset()
	}
	for _, line := range strings.Split(wt, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if m := headingLine.FindStringSubmatch(line); m != nil && len(m[1]) >= 2 {
			flush()
			out = append(out, section{Heading: m[2], Anchor: strings.ReplaceAll(m[2], " ", "_")})
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(strings.ToUpper(t), "#REDIRECT"), strings.HasPrefix(t, "{|"), strings.HasPrefix(t, "|}"),
			strings.HasPrefix(t, "|-"), strings.HasPrefix(t, "|+"), t == "__TOC__", t == "__NOTOC__":
			continue
		case strings.HasPrefix(t, "!") || strings.HasPrefix(t, "|"):
			t = tableCells.ReplaceAllString(strings.TrimLeft(t, "!| "), "\t")
		case strings.HasPrefix(t, "*") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ":") || strings.HasPrefix(t, ";"):
			t = "- " + strings.TrimSpace(strings.TrimLeft(t, "*#:;"))
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	flush()
	if out[0].Text == "" && len(out) > 1 {
		out = out[1:]
	}
	return out
}
