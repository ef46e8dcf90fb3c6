package confluence

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// storageText extracts readable text from Confluence storage format
// (XHTML with ac: and ri: elements). Block elements end lines, table cells
// are separated by " | ", macro parameters are dropped, and the bodies of
// code and other plain-text macros (CDATA sections, which an HTML tokenizer
// reads as comments) are kept. Malformed markup never fails: the tokenizer
// recovers as browsers do.
func storageText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // depth inside elements whose text is not content
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.CommentToken:
			if c := string(z.Text()); skip == 0 && strings.HasPrefix(c, "[CDATA[") {
				b.WriteString(strings.TrimSuffix(strings.TrimPrefix(c, "[CDATA["), "]]"))
				b.WriteByte('\n')
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipped(tag) {
				if z.Token().Type == html.StartTagToken {
					skip++
				}
				continue
			}
			breakBefore(&b, tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipped(tag) {
				skip = max(0, skip-1)
				continue
			}
			breakAfter(&b, tag)
		}
	}
}

// skipped names elements whose text is not content: macro parameters,
// scripts and styles.
func skipped(tag string) bool {
	return tag == "ac:parameter" || tag == "script" || tag == "style"
}

func breakBefore(b *strings.Builder, tag string) {
	switch atom.Lookup([]byte(tag)) {
	case atom.Br, atom.Tr, atom.Li, atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Div, atom.Pre, atom.Blockquote:
		b.WriteByte('\n')
	case atom.Td, atom.Th:
		b.WriteString(" | ")
	}
}

func breakAfter(b *strings.Builder, tag string) {
	switch atom.Lookup([]byte(tag)) {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Div, atom.Pre, atom.Blockquote, atom.Table, atom.Ul, atom.Ol:
		b.WriteByte('\n')
	}
	if tag == "ac:structured-macro" || tag == "ac:task" {
		b.WriteByte('\n')
	}
}

// tidy trims each line, turns runs of spaces into one and drops blank
// lines beyond one.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		l = strings.TrimPrefix(l, "| ")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
