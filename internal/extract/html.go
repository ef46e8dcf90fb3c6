package extract

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/tributary-dev/tributary"
)

// HTMLOptions tunes HTML extraction.
type HTMLOptions struct {
	// Sections splits the text at headings: a first section for any text
	// before the first heading, then one per heading, with the heading's
	// text and a link to its id ("#install"). Without it the text is one
	// section, each heading on a line of its own.
	Sections bool
	// NoText skips the text: only the title, the links and what the head
	// says are read, for a crawler that only lists pages.
	NoText bool
	// Robot names a crawler whose own <meta name> tag (such as
	// "tributarybot") counts as well as <meta name="robots">.
	Robot string
	// MaxText bounds the text returned, in bytes (default 64 MiB).
	MaxText int64
}

// HTMLDoc is an HTML page's readable text and what a crawler needs.
type HTMLDoc struct {
	Doc
	// Canonical is the href of <link rel="canonical">, as written.
	Canonical string
	// Base is the href of <base>, as written.
	Base string
	// Refresh is the target of a <meta http-equiv="refresh"> that moves
	// to another page at once (within a second), as written.
	Refresh string
	// Links are the href attributes of <a> and <area> elements, as
	// written, in document order, those in navigation included.
	Links []string
	// NoIndex and NoFollow report a robots <meta> tag that says so.
	NoIndex, NoFollow bool
}

// HTML extracts the readable text and the title of an HTML document. The
// encoding comes from a byte-order mark, the contentType's charset
// parameter (an HTTP header or an e-mail part's header; may be empty), a
// <meta charset> or http-equiv tag in the first kilobyte, or else a guess,
// as browsers do.
//
// The text is the page's content without its chrome: when the page marks
// its content (<main>, role="main"), only that; never scripts, styles,
// forms and other invisible elements, navigation (<nav>, role
// "navigation", sidebars, tables of contents, breadcrumbs, prev/next
// bars), page headers and footers, asides, "Skip to content" links, or
// the permalink anchors (¶, #) documentation generators put in headings.
// Block elements end lines; preformatted text keeps its white space. The
// title is <title>, or else the first <h1>.
func HTML(b []byte, contentType string, o HTMLOptions) (*HTMLDoc, error) {
	if looksBinary(b) {
		return nil, fmt.Errorf("%w: binary content, not HTML", ErrUndecodable)
	}
	enc, _, _ := charset.DetermineEncoding(b, contentType)
	var r io.Reader = bytes.NewReader(b)
	if enc != nil {
		r = enc.NewDecoder().Reader(r)
	}
	root, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUndecodable, err) // "html: ..."
	}
	d := &HTMLDoc{}
	w := &htmlWalker{o: o, max: Limits{MaxText: o.MaxText}.maxText(), d: d}
	w.scan(root)
	if !o.NoText {
		content := contentOf(root)
		if err := w.walk(content, &w.text); err != nil {
			return nil, err
		}
		w.flush()
		if content != root && len(w.sections) == 0 {
			// A <main> with no text (filled in by scripts): read the page.
			w.sections, w.cur, w.firstH1 = nil, tributary.Section{}, ""
			if err := w.walk(root, &w.text); err != nil {
				return nil, err
			}
			w.flush()
		}
	}
	if d.Title == "" {
		d.Title = w.firstH1
	}
	d.Sections = w.sections
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{{Kind: tributary.SectionText}}
	}
	return d, nil
}

type htmlWalker struct {
	o        HTMLOptions
	max      int64
	size     int64 // bytes of text written
	inPre    int   // depth inside <pre>
	d        *HTMLDoc
	text     strings.Builder
	cur      tributary.Section
	sections []tributary.Section
	firstH1  string
}

// scan reads the title, the head's links and tags, and every link.
func (w *htmlWalker) scan(root *html.Node) {
	d := w.d
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || n.Namespace != "" {
			continue
		}
		switch n.DataAtom {
		case atom.A, atom.Area:
			if h, ok := attrOK(n, "href"); ok {
				d.Links = append(d.Links, h)
			}
		case atom.Title:
			if d.Title == "" {
				d.Title = collapseSpace(plainText(n))
			}
		case atom.Base:
			if h, ok := attrOK(n, "href"); ok && d.Base == "" {
				d.Base = h
			}
		case atom.Link:
			if hasWord(attrOf(n, "rel"), "canonical") && d.Canonical == "" {
				d.Canonical = attrOf(n, "href")
			}
		case atom.Meta:
			w.meta(n)
		}
	}
}

// meta reads a refresh and the robots tags.
func (w *htmlWalker) meta(n *html.Node) {
	if strings.EqualFold(attrOf(n, "http-equiv"), "refresh") && w.d.Refresh == "" {
		w.d.Refresh = refreshTarget(attrOf(n, "content"))
	}
	name := strings.ToLower(attrOf(n, "name"))
	if name == "robots" || (w.o.Robot != "" && name == strings.ToLower(w.o.Robot)) {
		c := strings.ToLower(attrOf(n, "content"))
		w.d.NoIndex = w.d.NoIndex || hasWord(c, "noindex") || hasWord(c, "none")
		w.d.NoFollow = w.d.NoFollow || hasWord(c, "nofollow") || hasWord(c, "none")
	}
}

// refreshTarget reads a meta refresh's content, such as "0; url=/new", and
// returns its target when the refresh is immediate (at most one second),
// as a redirect would be.
func refreshTarget(content string) string {
	delay, target, ok := strings.Cut(content, ";")
	if !ok {
		delay, target, ok = strings.Cut(content, ",")
	}
	if d := strings.TrimSpace(delay); !ok || (d != "0" && d != "1" && !strings.HasPrefix(d, "0.")) {
		return ""
	}
	target = strings.TrimSpace(target)
	if k, v, found := strings.Cut(target, "="); found && strings.EqualFold(strings.TrimSpace(k), "url") {
		target = v
	}
	return strings.Trim(strings.TrimSpace(target), `'"`)
}

// contentOf returns the element a page marks as its content (the first
// <main> or role="main"), or else the whole document.
func contentOf(root *html.Node) *html.Node {
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Namespace == "" &&
			(n.DataAtom == atom.Main || strings.EqualFold(attrOf(n, "role"), "main")) {
			return n
		}
	}
	return root
}

// walk writes the readable text under n to out.
func (w *htmlWalker) walk(n *html.Node, out *strings.Builder) error {
	switch n.Type {
	case html.TextNode:
		if w.inPre > 0 {
			out.WriteString(n.Data)
		} else {
			out.WriteString(lineBreaks.Replace(n.Data)) // a line break in text is a space
		}
		w.size += int64(len(n.Data))
		if w.size > w.max {
			return fmt.Errorf("%w: html text over %d bytes", ErrTooLarge, w.max)
		}
		return nil
	case html.ElementNode:
		if chrome(n) {
			return nil
		}
		switch {
		case isHeading(n.DataAtom) && out == &w.text:
			return w.heading(n)
		case n.DataAtom == atom.Pre:
			return w.pre(n, out)
		case n.DataAtom == atom.Br:
			out.WriteByte('\n')
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := w.walk(c, out); err != nil {
			return err
		}
	}
	if n.Type == html.ElementNode {
		switch {
		case isBlock(n.DataAtom):
			out.WriteByte('\n')
		case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
			out.WriteByte(' ')
		}
	}
	return nil
}

// heading writes a heading: it opens a section of its own, or takes a line.
func (w *htmlWalker) heading(n *html.Node) error {
	var b strings.Builder
	if err := w.walk(n, &b); err != nil {
		return err
	}
	h := collapseSpace(b.String())
	if n.DataAtom == atom.H1 && w.firstH1 == "" {
		w.firstH1 = h
	}
	if !w.o.Sections {
		w.text.WriteString("\n" + h + "\n")
		return nil
	}
	w.flush()
	w.cur = tributary.Section{Kind: tributary.SectionText, Heading: h}
	if id := anchorOf(n); id != "" {
		w.cur.Link = "#" + url.PathEscape(id)
	}
	return nil
}

// Preformatted text keeps its white space through joinLines by travelling
// as private-use runes, which flush turns back.
var (
	preEncoder = strings.NewReplacer(" ", "\uE000", "\t", "\uE001", "\n", "\uE002", "\r", "")
	preDecoder = strings.NewReplacer("\uE000", " ", "\uE001", "\t", "\uE002", "\n")
	lineBreaks = strings.NewReplacer("\n", " ", "\r", " ")
)

// pre writes a <pre> block's text with its white space kept.
func (w *htmlWalker) pre(n *html.Node, out *strings.Builder) error {
	var b strings.Builder
	w.inPre++
	defer func() { w.inPre-- }()
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := w.walk(c, &b); err != nil {
			return err
		}
	}
	out.WriteString("\n" + preEncoder.Replace(strings.Trim(b.String(), "\n")) + "\n")
	return nil
}

// flush ends the current section, keeping it if it has any text or a
// heading.
func (w *htmlWalker) flush() {
	text := preDecoder.Replace(joinLines(w.text.String()))
	w.text.Reset()
	if text != "" || w.cur.Heading != "" {
		w.cur.Kind, w.cur.Text = tributary.SectionText, text
		w.sections = append(w.sections, w.cur)
	}
	w.cur = tributary.Section{}
}

// invisible elements hold nothing a reader sees as text.
var invisible = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Canvas: true,
	atom.Select: true, atom.Button: true, atom.Form: true, atom.Input: true, atom.Textarea: true,
	atom.Nav: true, atom.Aside: true, atom.Dialog: true,
}

// chromeRoles are the ARIA landmarks and widgets around a page's content.
var chromeRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "menu": true, "menubar": true, "toolbar": true, "dialog": true,
}

// chromeWords are the words of class names and ids that mark navigation
// and page chrome in the common site generators and themes: Sphinx's
// sphinxsidebar, MkDocs's md-sidebar and md-footer, godoc's topbar and
// footer, and the usual breadcrumbs and tables of contents.
var chromeWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "sidebar": true, "sphinxsidebar": true,
	"footer": true, "topbar": true, "breadcrumb": true, "breadcrumbs": true, "toc": true,
	"pagination": true, "pager": true, "menu": true,
}

// chrome reports whether element n and its subtree are not part of the
// readable text.
func chrome(n *html.Node) bool {
	if n.Namespace != "" {
		return true // inline SVG or MathML
	}
	switch {
	case invisible[n.DataAtom], n.Data == "search":
		return true
	case (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inContent(n):
		return true
	case chromeRoles[strings.ToLower(strings.TrimSpace(attrOf(n, "role")))]:
		return true
	case hasAttr(n, "hidden"), strings.EqualFold(attrOf(n, "aria-hidden"), "true"),
		strings.Contains(strings.ReplaceAll(strings.ToLower(attrOf(n, "style")), " ", ""), "display:none"):
		return true
	case n.DataAtom == atom.A:
		return pageAnchor(n)
	}
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	}
	return !strings.EqualFold(attrOf(n, "role"), "main") &&
		(chromeName(attrOf(n, "class")) || chromeName(attrOf(n, "id")))
}

// chromeName reports whether a class list or id names chrome: a name such
// as "sidebar", "md-sidebar__inner" or "short-nav", whose last word
// (before any BEM "__element" or "--modifier") is one of chromeWords.
func chromeName(names string) bool {
	for name := range strings.FieldsSeq(strings.ToLower(names)) {
		if i := strings.Index(name, "__"); i >= 0 {
			name = name[:i]
		}
		if i := strings.Index(name, "--"); i >= 0 {
			name = name[:i]
		}
		if i := strings.LastIndexAny(name, "-_"); i >= 0 {
			name = name[i+1:]
		}
		if chromeWords[name] {
			return true
		}
	}
	return false
}

// permalinkText is what the anchors documentation generators add to
// headings and definitions read: a pilcrow, a hash, a section sign, a
// link symbol, or nothing (an icon).
var permalinkText = map[string]bool{
	"": true, "¶": true, "#": true, "§": true, "🔗": true, "⚓": true, "\u200b": true,
}

// pageAnchor reports whether link n points into the page and is chrome: a
// permalink anchor or a "Skip to content" link.
func pageAnchor(n *html.Node) bool {
	if !strings.HasPrefix(strings.TrimSpace(attrOf(n, "href")), "#") {
		return false
	}
	t := strings.ToLower(collapseSpace(plainText(n)))
	return permalinkText[t] || strings.HasPrefix(t, "skip ")
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// inContent reports whether n sits inside an article, main or section,
// where a header or footer belongs to the content rather than the page.
func inContent(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.Article, atom.Main, atom.Section:
			return true
		}
	}
	return false
}

// anchorOf returns the id a link can point at for heading n: its own id,
// the target of a permalink inside it, that of an element or a named
// anchor inside it, or that of the section it opens.
func anchorOf(n *html.Node) string {
	if id := attrOf(n, "id"); id != "" {
		return id
	}
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && c.DataAtom == atom.A && pageAnchor(c) {
			if id := strings.TrimPrefix(strings.TrimSpace(attrOf(c, "href")), "#"); id != "" {
				if u, err := url.PathUnescape(id); err == nil {
					return u
				}
			}
		}
	}
	if p := n.Parent; p != nil && attrOf(p, "id") != "" && firstElement(p) == n {
		switch p.DataAtom {
		case atom.Section, atom.Div, atom.Article:
			return attrOf(p, "id")
		}
	}
	for c := range n.Descendants() {
		if c.Type == html.ElementNode {
			if id := attrOf(c, "id"); id != "" {
				return id
			}
			if c.DataAtom == atom.A && attrOf(c, "name") != "" {
				return attrOf(c, "name")
			}
		}
	}
	return ""
}

// firstElement returns n's first child element.
func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

// plainText returns all the text under n.
func plainText(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func attrOK(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func attrOf(n *html.Node, name string) string {
	v, _ := attrOK(n, name)
	return v
}

func hasAttr(n *html.Node, name string) bool {
	_, ok := attrOK(n, name)
	return ok
}

// hasWord reports whether the space- or comma-separated list holds w,
// ignoring case.
func hasWord(list, w string) bool {
	for f := range strings.FieldsFuncSeq(strings.ToLower(list), func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '\n'
	}) {
		if f == w {
			return true
		}
	}
	return false
}

// isBlock reports whether an element ends a line of text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Tr, atom.Table, atom.Section,
		atom.Article, atom.Main, atom.Blockquote, atom.Pre, atom.Dt, atom.Dd, atom.Dl,
		atom.Figure, atom.Figcaption, atom.Hr, atom.Address, atom.Details, atom.Summary,
		atom.Fieldset, atom.Header, atom.Footer, atom.Caption, atom.Body,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// collapseSpace turns every run of white space into one space, and
// replaces bytes that are not UTF-8 (a page that lies about its charset).
func collapseSpace(s string) string {
	return strings.ToValidUTF8(strings.Join(strings.Fields(s), " "), "\uFFFD")
}

// joinLines collapses white space within each line and drops blank lines,
// keeping the line structure of block elements.
func joinLines(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		if l := collapseSpace(line); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
		}
	}
	return b.String()
}

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
