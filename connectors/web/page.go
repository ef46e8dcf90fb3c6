package web

import (
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// page is what one pass over an HTML document finds.
type page struct {
	title     string
	sections  []section
	links     []*url.URL // absolute http(s) links, in document order
	canonical *url.URL   // <link rel="canonical">, resolved
	noindex   bool       // <meta name="robots" content="noindex">
	nofollow  bool       // <meta name="robots" content="nofollow">
	refresh   *url.URL   // <meta http-equiv="refresh"> to another page at once
}

// section is a run of text under one heading.
type section struct {
	heading string
	anchor  string // the heading's id, for a deep link
	text    string
}

// skippedElements hold no readable text: their subtrees are dropped. Links
// inside navigation are still followed.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Aside: true, atom.Svg: true, atom.Iframe: true,
	atom.Object: true, atom.Canvas: true, atom.Select: true, atom.Button: true,
	atom.Head: true,
}

// blockElements end a line of text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Tr: true, atom.Table: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Blockquote: true, atom.Pre: true, atom.Dt: true, atom.Dd: true, atom.Dl: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Form: true, atom.Fieldset: true,
	atom.Header: true, atom.Footer: true, atom.Caption: true,
}

// parsePage reads an HTML document (already decoded to UTF-8) and extracts
// its title, its readable text in sections under their headings, its links
// and its canonical URL. base is the URL the document was fetched from.
func parsePage(r io.Reader, base *url.URL, wantText bool) (*page, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	p := &page{}
	w := &walker{p: p, base: base, wantText: wantText}
	w.head(doc)
	w.walk(doc, false)
	w.flush()
	if p.title == "" {
		p.title = w.firstH1
	}
	return p, nil
}

type walker struct {
	p        *page
	base     *url.URL
	wantText bool
	cur      section
	text     strings.Builder
	firstH1  string
}

// head finds the title, base, canonical link and robots meta tags.
func (w *walker) head(n *html.Node) {
	for c := range n.Descendants() {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Title:
			if w.p.title == "" {
				w.p.title = collapse(textOf(c))
			}
		case atom.Base:
			if u := w.resolve(attr(c, "href")); u != nil {
				w.base = u
			}
		case atom.Link:
			if hasToken(attr(c, "rel"), "canonical") && w.p.canonical == nil {
				w.p.canonical = w.resolve(attr(c, "href"))
			}
		case atom.Meta:
			if strings.EqualFold(attr(c, "http-equiv"), "refresh") && w.p.refresh == nil {
				w.p.refresh = w.refreshTarget(attr(c, "content"))
			}
			name := strings.ToLower(attr(c, "name"))
			if name == "robots" || name == "tributarybot" {
				content := strings.ToLower(attr(c, "content"))
				w.p.noindex = w.p.noindex || hasToken(content, "noindex") || hasToken(content, "none")
				w.p.nofollow = w.p.nofollow || hasToken(content, "nofollow") || hasToken(content, "none")
			}
		}
	}
}

// refreshTarget reads a meta refresh's content, such as "0; url=/new", and
// returns its target when the refresh is immediate (at most one second),
// as a redirect would be.
func (w *walker) refreshTarget(content string) *url.URL {
	delay, target, ok := strings.Cut(content, ";")
	if !ok {
		delay, target, ok = strings.Cut(content, ",")
	}
	if d := strings.TrimSpace(delay); !ok || (d != "0" && d != "1" && !strings.HasPrefix(d, "0.")) {
		return nil
	}
	target = strings.TrimSpace(target)
	if k, v, found := strings.Cut(target, "="); found && strings.EqualFold(strings.TrimSpace(k), "url") {
		target = v
	}
	return w.resolve(strings.Trim(strings.TrimSpace(target), `'"`))
}

// walk visits n's subtree, collecting links everywhere and text outside
// skipped elements.
func (w *walker) walk(n *html.Node, skip bool) {
	switch n.Type {
	case html.TextNode:
		if !skip && w.wantText {
			w.text.WriteString(n.Data)
		}
		return
	case html.ElementNode:
		w.element(n, &skip)
		switch {
		case skip:
		case isHeading(n.DataAtom):
			w.heading(n)
			return
		case n.DataAtom == atom.Pre:
			w.pre(n)
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, skip)
	}
	if n.Type == html.ElementNode && !skip {
		switch {
		case blockElements[n.DataAtom]:
			w.text.WriteString("\n")
		case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
			w.text.WriteString(" ")
		}
	}
}

// element records a link and decides whether n's subtree is skipped.
func (w *walker) element(n *html.Node, skip *bool) {
	if n.DataAtom == atom.A || n.DataAtom == atom.Area {
		if u := w.resolve(attr(n, "href")); u != nil {
			w.p.links = append(w.p.links, u)
		}
	}
	switch {
	case skippedElements[n.DataAtom]:
		*skip = true
	case (n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && !inContent(n):
		*skip = true
	case strings.EqualFold(attr(n, "role"), "navigation"), hasAttr(n, "hidden"),
		strings.EqualFold(attr(n, "aria-hidden"), "true"):
		*skip = true
	}
	if n.DataAtom == atom.Br && !*skip {
		w.text.WriteString("\n")
	}
}

// links records the links under n, whose subtree walk does not visit.
func (w *walker) links(n *html.Node) {
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && (c.DataAtom == atom.A || c.DataAtom == atom.Area) {
			if u := w.resolve(attr(c, "href")); u != nil {
				w.p.links = append(w.p.links, u)
			}
		}
	}
}

// Preformatted text keeps its white space through collapseLines by
// travelling as private-use runes, which flush turns back.
var (
	preEncoder = strings.NewReplacer(" ", "\uE000", "\t", "\uE001", "\n", "\uE002", "\r", "")
	preDecoder = strings.NewReplacer("\uE000", " ", "\uE001", "\t", "\uE002", "\n")
)

// pre adds a <pre> block's text with its white space kept.
func (w *walker) pre(n *html.Node) {
	w.links(n)
	if !w.wantText {
		return
	}
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode && !skippedElements[c.Parent.DataAtom] {
			b.WriteString(c.Data)
		}
	}
	text := strings.Trim(b.String(), "\n")
	w.text.WriteString("\n" + preEncoder.Replace(text) + "\n")
}

// heading closes the current section and opens one under n.
func (w *walker) heading(n *html.Node) {
	w.links(n)
	if !w.wantText {
		return
	}
	w.flush()
	h := collapse(textOf(n))
	if n.DataAtom == atom.H1 && w.firstH1 == "" {
		w.firstH1 = h
	}
	w.cur = section{heading: h, anchor: anchorOf(n)}
}

// flush ends the current section, keeping it if it has any text.
func (w *walker) flush() {
	text := preDecoder.Replace(collapseLines(w.text.String()))
	w.text.Reset()
	if text != "" || w.cur.heading != "" {
		w.cur.text = text
		w.p.sections = append(w.p.sections, w.cur)
	}
	w.cur = section{}
}

// resolve turns an href into an absolute http(s) URL, or nil.
func (w *walker) resolve(href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := w.base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
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

// anchorOf returns the id a link can point at for heading n: its own id or
// that of an anchor inside or just before it.
func anchorOf(n *html.Node) string {
	if id := attr(n, "id"); id != "" {
		return id
	}
	for c := range n.Descendants() {
		if c.Type == html.ElementNode {
			if id := attr(c, "id"); id != "" {
				return id
			}
			if c.DataAtom == atom.A && attr(c, "name") != "" {
				return attr(c, "name")
			}
		}
	}
	return ""
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return true
		}
	}
	return false
}

// hasToken reports whether the space- or comma-separated list holds tok.
func hasToken(list, tok string) bool {
	for f := range strings.FieldsFuncSeq(strings.ToLower(list), func(r rune) bool {
		return r == ' ' || r == ',' || r == '\t' || r == '\n'
	}) {
		if f == tok {
			return true
		}
	}
	return false
}

// textOf returns the text under n, skipping scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode && (c.Parent == nil || !skippedElements[c.Parent.DataAtom]) {
			b.WriteString(c.Data)
			b.WriteString(" ")
		}
	}
	return b.String()
}

// collapse turns every run of white space into one space and trims, and
// replaces bytes that are not UTF-8 (a page that lies about its charset).
func collapse(s string) string {
	return strings.ToValidUTF8(strings.Join(strings.Fields(s), " "), "\uFFFD")
}

// collapseLines collapses white space within each line and drops blank
// lines, keeping the line structure of block elements.
func collapseLines(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		if l := collapse(line); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l)
		}
	}
	return b.String()
}
