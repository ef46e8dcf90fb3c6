package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/extract"
)

// result is what a worker learnt about one frontier entry.
type result struct {
	seq         int
	final       *url.URL // the URL that answered after in-site redirects
	lastMod     time.Time
	lastModRaw  string // the Last-Modified header, as sent
	etag        string // the ETag header
	contentType string
	page        *page          // an HTML page
	text        string         // a plain-text page
	pdf         *extract.Doc   // a PDF
	sitemap     []sitemapEntry // a sitemap's entries
	skip        string         // why the entry is left alone, when it is
	err         error          // why the entry failed, when it did
	memo        *memo          // the page's memo, when the request was conditional on it
	unchanged   bool           // the server said the page did not change since the memo
}

// Rough sizes, in bytes, of what a result holds besides its strings: the
// result itself, a parsed URL, a slice element of text.
const (
	resultOverhead = 512
	urlOverhead    = 160
	textOverhead   = 48
)

// weight estimates the memory a result holds until it is committed: its
// extracted text, its links and its sitemap entries. The look-ahead
// counts it against lookAheadBytes.
func (res *result) weight() int64 {
	n := resultOverhead + len(res.text)
	if p := res.page; p != nil {
		n += len(p.title)
		for _, s := range p.sections {
			n += textOverhead + len(s.Heading) + len(s.Link) + len(s.Text)
		}
		for _, l := range p.links {
			n += urlOverhead + len(l.Scheme) + len(l.Host) + len(l.Path) + len(l.RawPath) + len(l.RawQuery)
		}
	}
	if d := res.pdf; d != nil {
		n += len(d.Title)
		for _, s := range d.Sections {
			n += textOverhead + len(s.Heading) + len(s.Link) + len(s.Text)
		}
	}
	for _, e := range res.sitemap {
		n += textOverhead + len(e.loc)
	}
	if m := res.memo; m != nil {
		for _, l := range m.Links {
			n += textOverhead + len(l)
		}
	}
	return int64(n)
}

// fetch fetches one entry and turns the response into a result, holding
// one of the run's slots while it does, except while a request waits
// between two attempts. It never touches the run's frontier, so workers
// may call it concurrently.
func (r *run) fetch(ctx context.Context, seq int, e entry) result {
	if !e.sitemap && !r.allowed(e.u) {
		// Admitted under other rules: a crawl resumed after robots.txt
		// changed.
		return result{skip: "robots.txt disallows it"}
	}
	h, ctx, err := r.slots.take(ctx, seq)
	if err != nil {
		return result{err: err}
	}
	defer h.release()
	limit := r.c.s.MaxPageBytes
	if e.sitemap {
		limit = maxSitemapBytes
	}
	var cond conditions
	if !e.sitemap {
		cond.memo = r.recall(ctx, e.key)
	}
	if cond.memo == nil && r.c.s.Mode == ModeSitemap && !e.sitemap && e.lastmod.IsZero() {
		// A page listed without a lastmod: let the server say whether it
		// changed in the window. (A crawl needs every page's links, so
		// without a memo that holds them it never asks.)
		cond.since = r.start
	}
	resp, err := r.get(ctx, e.u, limit, cond)
	switch {
	case errors.Is(err, errNotModified) && cond.memo != nil:
		return result{memo: cond.memo, unchanged: true}
	case errors.Is(err, errNotModified):
		return result{skip: "not modified since the window's start"}
	}
	if skip, ok := errors.AsType[*skipError](err); ok {
		return result{skip: skip.reason}
	}
	if err != nil {
		return result{err: err}
	}
	if e.sitemap {
		entries, err := parseSitemap(bytes.NewReader(resp.body))
		if err != nil {
			return result{err: fmt.Errorf("sitemap: %w", err)}
		}
		return result{final: resp.url, sitemap: entries}
	}
	res := r.read(resp)
	res.memo = cond.memo
	return res
}

// read extracts a fetched page by its content type, and applies the
// X-Robots-Tag header.
func (r *run) read(resp *response) result {
	res := result{final: resp.url, lastMod: lastModified(resp.header), contentType: contentType(resp),
		lastModRaw: resp.header.Get("Last-Modified"), etag: resp.header.Get("ETag")}
	switch res.contentType {
	case "text/html", "application/xhtml+xml":
		var err error
		if res.page, err = parsePage(resp.body, resp.header.Get("Content-Type"), resp.url, !r.slim); err != nil {
			res.err = fmt.Errorf("html: %w", err)
		}
	case "text/plain", "text/markdown", "text/x-markdown":
		res.text, res.err = decodeText(resp)
	case "application/pdf":
		// Extracted in slim runs too, so that a PDF that cannot be read
		// is a failure in both.
		res.pdf, res.err = pdfDoc(resp.body)
	default:
		res.err = fmt.Errorf("content type %q is not a page the connector reads", res.contentType)
	}
	tag := resp.header.Get("X-Robots-Tag")
	noindex := hasToken(tag, "noindex") || hasToken(tag, "none")
	switch {
	case res.page != nil:
		res.page.noindex = res.page.noindex || noindex
		res.page.nofollow = res.page.nofollow || hasToken(tag, "nofollow") || hasToken(tag, "none")
	case noindex:
		return result{skip: "X-Robots-Tag: noindex"}
	}
	return res
}

// contentType returns the response's media type, sniffed when the server
// does not say.
func contentType(resp *response) string {
	ct := resp.header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(resp.body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// decodeText decodes a text body in the charset the response names.
func decodeText(resp *response) (string, error) {
	rd, err := charset.NewReader(bytes.NewReader(resp.body), resp.header.Get("Content-Type"))
	if err != nil {
		return "", fmt.Errorf("charset: %w", err)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return "", fmt.Errorf("charset: %w", err)
	}
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return string(b), nil
}

// lastModified reads the Last-Modified header; absent or malformed gives
// the zero time.
func lastModified(h http.Header) time.Time {
	t, err := http.ParseTime(h.Get("Last-Modified"))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// commit applies one result in frontier order: it admits the links and
// sitemap entries found, and yields the document or the failure. It
// returns false when yield did.
func (r *run) commit(e entry, res result, yield func(tributary.Item, error) bool) bool {
	switch {
	case errors.Is(res.err, httpx.ErrForbiddenAddress):
		// The site's address is refused: no page of it can be read.
		yield(tributary.Item{}, fmt.Errorf("web: crawl %s: %w", r.site, res.err))
		return false
	case res.err != nil:
		f := tributary.DocumentFailure(e.key, e.u.String(), res.err)
		f.Message = "fetch " + e.u.Redacted()
		if e.sitemap {
			f.DocumentID, f.EntityID, f.Message = "", e.key, "sitemap "+e.u.Redacted()
		}
		return yield(tributary.FailureItem(f), nil)
	case res.skip != "" && e.key == key(r.c.start) && r.admitted == 1:
		// The start URL leads nowhere the crawl may go: the settings are
		// wrong, and saying so beats an empty crawl.
		yield(tributary.Item{}, tributary.NewError("web: crawl", tributary.ErrInvalidConfig,
			fmt.Errorf("start URL %s %s", e.u.Redacted(), res.skip)))
		return false
	case res.unchanged:
		r.c.log.Debug("web: not modified", "url", e.u.Redacted())
		r.unchanged(e, res.memo)
		return true
	case res.skip != "":
		r.c.log.Debug("web: skipped", "url", e.u.Redacted(), "reason", res.skip)
		r.remember(e, res, "", false)
		return true
	case e.sitemap:
		if len(res.sitemap) == maxSitemapEntries {
			r.c.log.Warn("web: sitemap lists the protocol's maximum of entries; any past it are not read",
				"url", e.u.Redacted(), "entries", maxSitemapEntries)
		}
		for _, se := range res.sitemap {
			if u, err := res.final.Parse(se.loc); err == nil {
				r.admit(u, 0, se.index, se.lastmod, false)
			}
		}
		return true
	}
	if p := res.page; p != nil && r.c.s.Mode == ModeCrawl && !p.nofollow && e.depth < r.c.s.MaxDepth {
		for _, l := range p.links {
			r.admit(l, e.depth+1, false, time.Time{}, true)
		}
	}
	if p := res.page; p != nil && p.refresh != nil && r.site.contains(p.refresh) && key(p.refresh) != key(res.final) {
		// An immediate meta refresh is a redirect that HTML makes.
		r.admit(p.refresh, e.depth, false, e.lastmod, false)
		r.remember(e, res, "", false)
		return true
	}
	id, ok := r.identify(e, res)
	if !ok {
		r.remember(e, res, "", false)
		return true
	}
	updated := res.updated(e)
	if !updated.IsZero() && !r.inWindow(updated) && res.memo == nil && !r.memoable(res) {
		return true
	}
	if !yield(tributary.DocumentItem(r.document(id, updated, res)), nil) {
		return false
	}
	r.remember(e, res, id, true) // after the yield: stored once the sink has the page
	return true
}

// updated returns a fetched page's update time: the sitemap's lastmod,
// else the Last-Modified header, else a PDF's own date; zero when none says.
func (res *result) updated(e entry) time.Time {
	switch {
	case !e.lastmod.IsZero():
		return e.lastmod
	case !res.lastMod.IsZero():
		return res.lastMod
	case res.pdf != nil:
		return res.pdf.Updated
	}
	return time.Time{}
}

// identify returns the id a fetched page is yielded under: its own key, or
// the key it was redirected to, or its canonical URL within the site. A
// page whose final or canonical URL was already admitted is a duplicate of
// that page and is not yielded (ok=false); so is a page marked noindex.
func (r *run) identify(e entry, res result) (string, bool) {
	id := e.key
	if fk := key(res.final); fk != id {
		if !r.claim(fk) {
			return "", false
		}
		id = fk
	}
	if p := res.page; p != nil {
		if p.noindex {
			return "", false
		}
		if cu := p.canonical; cu != nil && r.site.contains(cu) {
			if ck := key(cu); ck != id {
				if !r.claim(ck) {
					return "", false
				}
				id = ck
			}
		}
	}
	return id, true
}

// claim marks k as taken by the page being committed, reporting false when
// another entry already had it.
func (r *run) claim(k string) bool {
	fp := fingerprint(k)
	if _, dup := r.seen[fp]; dup {
		return false
	}
	r.seen[fp] = struct{}{}
	return true
}

// document builds the document for a committed page.
func (r *run) document(id string, updated time.Time, res result) *tributary.Document {
	d := &tributary.Document{
		ID:         id,
		Source:     Source,
		SemanticID: id,
		UpdatedAt:  updated,
		Metadata:   tributary.Metadata{},
	}
	d.Metadata.Add("content_type", res.contentType)
	if res.page != nil {
		d.Title = res.page.title
		for _, s := range res.page.sections {
			s.Link = id + s.Link
			d.Sections = append(d.Sections, s)
		}
	} else if res.pdf != nil && !r.slim {
		d.Title = res.pdf.Title
		for _, s := range res.pdf.Sections {
			s.Link = id + s.Link
			d.Sections = append(d.Sections, s)
		}
	} else if !r.slim {
		d.Sections = []tributary.Section{tributary.TextSection(id, res.text)}
	}
	if d.Title != "" {
		d.SemanticID = d.Title
	}
	if len(d.Sections) == 0 && !r.slim {
		d.Sections = []tributary.Section{tributary.TextSection(id, "")}
	}
	return d
}
