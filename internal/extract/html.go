package extract

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// HTMLOptions tunes HTML extraction.
type HTMLOptions struct {
	// DropBoilerplate also drops navigation, headers, footers, asides and
	// forms, keeping a page's readable content.
	DropBoilerplate bool
	// MaxText bounds the text returned, in bytes (default 64 MiB).
	MaxText int64
}

// HTMLDoc is an HTML page's text and the links a crawler needs.
type HTMLDoc struct {
	Doc
	// Canonical is the href of <link rel="canonical">, as written.
	Canonical string
	// Links are the href attributes of <a> elements, as written, in order.
	Links []string
	// NoIndex and NoFollow report a <meta name="robots"> that says so.
	NoIndex, NoFollow bool
}

// HTML extracts the visible text and the title of an HTML document. The
// encoding comes from a byte-order mark, the contentType's charset
// parameter (an HTTP header or an e-mail part's header; may be empty), a
// <meta charset> or http-equiv tag in the first kilobyte, or else a guess,
// as browsers do. Scripts, styles, templates and other invisible elements
// are dropped; block elements end lines. The title is <title>, or else the
// first <h1>.
func HTML(b []byte, contentType string, o HTMLOptions) (*HTMLDoc, error) {
	if looksBinary(b) {
		return nil, fmt.Errorf("%w: binary content, not HTML", ErrUndecodable)
	}
	enc, _, _ := charset.DetermineEncoding(b, contentType)
	var r io.Reader = bytes.NewReader(b)
	if enc != nil {
		r = enc.NewDecoder().Reader(r)
	}
	w := &htmlWalker{o: o, max: Limits{MaxText: o.MaxText}.maxText()}
	if err := w.run(html.NewTokenizer(r)); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(collapseSpace(w.title.String()))
	if title == "" {
		title = strings.TrimSpace(collapseSpace(w.h1.String()))
	}
	d := &HTMLDoc{Doc: *textDoc(title, tidyLines(w.text.String())), Canonical: w.canonical,
		Links: w.links, NoIndex: w.noIndex, NoFollow: w.noFollow}
	return d, nil
}

type htmlWalker struct {
	o                 HTMLOptions
	max               int64
	text, title, h1   strings.Builder
	skip              int // depth inside invisible elements
	inTitle, inH1     bool
	h1Done            bool
	canonical         string
	links             []string
	noIndex, noFollow bool
}

func (w *htmlWalker) run(z *html.Tokenizer) error {
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return fmt.Errorf("%w: html: %w", ErrUndecodable, err)
			}
			return nil
		case html.TextToken:
			w.onText(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			w.onStart(z, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			w.onEnd(atom.Lookup(name))
		}
		if int64(w.text.Len()) > w.max {
			return fmt.Errorf("%w: html text over %d bytes", ErrTooLarge, w.max)
		}
	}
}

func (w *htmlWalker) invisible(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Canvas, atom.Select, atom.Button:
		return true
	case atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form:
		return w.o.DropBoilerplate
	}
	return false
}

func (w *htmlWalker) onStart(z *html.Tokenizer, selfClosing bool) {
	name, hasAttr := z.TagName()
	a := atom.Lookup(name)
	attrs := map[string]string{}
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		attrs[string(k)] = string(v)
	}
	w.onAttrs(a, attrs)
	if w.invisible(a) && !selfClosing {
		w.skip++
		return
	}
	switch a {
	case atom.Title:
		w.inTitle = !selfClosing && w.skip == 0 && w.title.Len() == 0
	case atom.H1:
		w.inH1 = !selfClosing && !w.h1Done && w.skip == 0
	case atom.Br, atom.Hr:
		w.text.WriteByte('\n')
	case atom.Td, atom.Th:
		w.text.WriteByte('\t')
	case atom.Img:
		if alt := strings.TrimSpace(attrs["alt"]); alt != "" && w.skip == 0 {
			w.text.WriteString(" " + alt + " ")
		}
	}
	if isBlock(a) || isLine(a) {
		w.text.WriteByte('\n')
	}
}

func (w *htmlWalker) onAttrs(a atom.Atom, attrs map[string]string) {
	switch a {
	case atom.A:
		if h, ok := attrs["href"]; ok {
			w.links = append(w.links, h)
		}
	case atom.Link:
		for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
			if rel == "canonical" && w.canonical == "" {
				w.canonical = attrs["href"]
			}
		}
	case atom.Meta:
		if strings.EqualFold(attrs["name"], "robots") {
			c := strings.ToLower(attrs["content"])
			w.noIndex = w.noIndex || strings.Contains(c, "noindex") || strings.Contains(c, "none")
			w.noFollow = w.noFollow || strings.Contains(c, "nofollow") || strings.Contains(c, "none")
		}
	}
}

func (w *htmlWalker) onEnd(a atom.Atom) {
	if w.invisible(a) {
		if w.skip > 0 {
			w.skip--
		}
		return
	}
	switch a {
	case atom.Title:
		w.inTitle = false
	case atom.H1:
		if w.inH1 {
			w.h1Done = true
		}
		w.inH1 = false
	}
	if isBlock(a) {
		w.text.WriteString("\n\n")
	}
}

func (w *htmlWalker) onText(t []byte) {
	if w.inTitle {
		w.title.Write(t)
		return
	}
	if w.skip > 0 {
		return
	}
	if w.inH1 {
		w.h1.Write(t)
	}
	w.text.Write(t)
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Table, atom.Pre,
		atom.Blockquote, atom.Dl, atom.Figure, atom.Figcaption, atom.Address,
		atom.Body, atom.Header, atom.Footer, atom.Nav, atom.Aside, atom.Caption, atom.Details,
		atom.Summary:
		return true
	}
	return false
}

// isLine reports whether an element starts a line of its own without
// ending a paragraph: list items, table rows, definition terms.
func isLine(a atom.Atom) bool {
	switch a {
	case atom.Li, atom.Tr, atom.Dt, atom.Dd, atom.Option:
		return true
	}
	return false
}

// collapseSpace turns every run of white space into one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// tidyLines collapses spaces within lines, trims them and keeps at most one
// blank line in a row.
func tidyLines(s string) string {
	var b strings.Builder
	blank := true
	for line := range strings.SplitSeq(s, "\n") {
		line = collapseSpace(line)
		if line == "" {
			if !blank {
				b.WriteByte('\n')
			}
			blank = true
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
		blank = false
	}
	return strings.TrimSpace(b.String())
}
