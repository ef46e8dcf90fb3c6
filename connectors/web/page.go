package web

import (
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// page is what the connector reads of an HTML document.
type page struct {
	title     string
	sections  []tributary.Section // readable text under headings; links are "#id" fragments
	links     []*url.URL          // absolute http(s) links, in document order
	canonical *url.URL            // <link rel="canonical">, resolved
	noindex   bool                // <meta name="robots" content="noindex">
	nofollow  bool                // <meta name="robots" content="nofollow">
	refresh   *url.URL            // <meta http-equiv="refresh"> to another page at once
}

// robotName is the name of the connector's own robots <meta> tag.
const robotName = "tributarybot"

// parsePage reads an HTML document with the shared extractor: its title,
// its readable text in sections under their headings (unless !wantText),
// its links, wherever they are (navigation included), and its canonical
// URL. contentType is the response's header, for the charset; base is the
// URL the document was fetched from.
func parsePage(body []byte, contentType string, base *url.URL, wantText bool) (*page, error) {
	h, err := extract.HTML(body, contentType, extract.HTMLOptions{Sections: true, NoText: !wantText, Robot: robotName})
	if err != nil {
		return nil, err
	}
	if u := resolve(base, h.Base); u != nil {
		base = u
	}
	p := &page{title: h.Title, canonical: resolve(base, h.Canonical), refresh: resolve(base, h.Refresh),
		noindex: h.NoIndex, nofollow: h.NoFollow}
	if wantText {
		p.sections = h.Sections
	}
	for _, l := range h.Links {
		if u := resolve(base, l); u != nil {
			p.links = append(p.links, u)
		}
	}
	return p, nil
}

// resolve turns an href into an absolute http(s) URL, or nil.
func resolve(base *url.URL, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
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
