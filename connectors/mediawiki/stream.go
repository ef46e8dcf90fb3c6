package mediawiki

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// phaseChanges marks a checkpoint of the recent changes.
const phaseChanges = "changes"

const (
	checkpointKind    = "mediawiki"
	checkpointVersion = 1
)

// position is the checkpoint: the index of the namespace in progress and
// the continue object that starts its next batch of pages. Its size does
// not depend on the size of the wiki.
type position struct {
	// Phase is phaseChanges for a window read from the recent changes.
	Phase string `json:"phase,omitempty"`
	// RC is the rccontinue token of the next page of recent changes.
	RC       string            `json:"rc,omitempty"`
	NS       int               `json:"ns,omitempty"`
	Continue map[string]string `json:"continue,omitempty"`
}

func decodePosition(cp tributary.Checkpoint, namespaces int) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	size := 0
	for k, v := range pos.Continue {
		size += len(k) + len(v)
	}
	if pos.Phase != "" && pos.Phase != phaseChanges || pos.RC != "" && !rcContinue.MatchString(pos.RC) || pos.NS < 0 || pos.NS > namespaces || len(pos.Continue) > 8 || size > 2048 {
		return position{}, tributary.NewError("mediawiki: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (namespace %d)", pos.NS))
	}
	return pos, nil
}

// siteInfo is what meta=siteinfo says of the wiki.
type siteInfo struct {
	Server      string
	ArticlePath string
	Script      string // the path of index.php, such as /w/index.php
	Namespaces  map[int]string
}

func (c *Connector) site(ctx context.Context) (*siteInfo, error) {
	var a struct {
		Query struct {
			General struct {
				Server      string `json:"server"`
				ArticlePath string `json:"articlepath"`
				Script      string `json:"script"`
			} `json:"general"`
			Namespaces map[string]struct {
				ID   int    `json:"id"`
				Name string `json:"name"`
			} `json:"namespaces"`
		} `json:"query"`
	}
	q := url.Values{"action": {"query"}, "meta": {"siteinfo"}, "siprop": {"general|namespaces"}}
	if err := c.client.query(ctx, q, &a); err != nil {
		return nil, err
	}
	g := a.Query.General
	if g.Server == "" || !strings.Contains(g.ArticlePath, "$1") {
		return nil, malformed("site info", "no server or article path")
	}
	server := g.Server
	if strings.HasPrefix(server, "//") {
		server = "https:" + server
	}
	si := &siteInfo{Server: server, ArticlePath: g.ArticlePath, Script: g.Script, Namespaces: map[int]string{}}
	for _, n := range a.Query.Namespaces {
		si.Namespaces[n.ID] = n.Name
	}
	return si, nil
}

// titleEscaper keeps the characters MediaWiki leaves alone in article
// URLs (its wfUrlencode).
var titleEscaper = strings.NewReplacer("%3B", ";", "%40", "@", "%24", "$", "%21", "!", "%2A", "*", "%28", "(",
	"%29", ")", "%2C", ",", "%2F", "/", "%7E", "~", "%3A", ":")

// pageURL is the canonical URL of a title: the article path with spaces
// as underscores.
func (si *siteInfo) pageURL(title string) string {
	key := strings.ReplaceAll(strings.TrimSpace(title), " ", "_")
	esc := titleEscaper.Replace(url.QueryEscape(key))
	esc = strings.ReplaceAll(esc, "+", "%20")
	return si.Server + strings.Replace(si.ArticlePath, "$1", esc, 1)
}

// nodeID is the id of a namespace's hierarchy node.
func (si *siteInfo) nodeID(ns int) string {
	return si.Server + strings.Replace(si.ArticlePath, "$1", "Special:AllPages", 1) + "?namespace=" + strconv.Itoa(ns)
}

// apiPage is a page of a query answer.
type apiPage struct {
	PageID    int    `json:"pageid"`
	NS        int    `json:"ns"`
	Title     string `json:"title"`
	Missing   bool   `json:"missing"`
	Redirect  bool   `json:"redirect"`
	LastRevID int    `json:"lastrevid"`
	Revisions []struct {
		RevID     int       `json:"revid"`
		User      string    `json:"user"`
		Timestamp time.Time `json:"timestamp"`
		Slots     struct {
			Main struct {
				Content string `json:"content"`
			} `json:"main"`
		} `json:"slots"`
	} `json:"revisions"`
	Categories []struct {
		Title string `json:"title"`
	} `json:"categories"`
}

type queryAnswer struct {
	envelope
	Query struct {
		Pages []apiPage `json:"pages"`
	} `json:"query"`
}

// run is one pass of a stream over [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	site       *siteInfo
	*tributary.Yielder
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
}

func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	si, err := r.c.site(r.ctx)
	if err != nil {
		r.Fail(fmt.Errorf("mediawiki: site info: %w", err))
		return
	}
	r.site = si
	if !r.start.IsZero() && (pos.Phase == phaseChanges || pos.NS == 0 && pos.Continue == nil) {
		r.changes(pos.RC)
		return
	}
	for i := pos.NS; i < len(r.c.settings.Namespaces); i++ {
		if !r.namespace(r.c.settings.Namespaces[i], i, pos.Continue) {
			return
		}
		pos.Continue = nil
		if !r.Checkpoint(position{NS: i + 1}) {
			return
		}
	}
}

// namespace reads one namespace's pages from the continue object cont,
// a batch at a time: an answer that ends before its batch is complete
// (prop continuation: more categories or revisions for the same pages)
// is merged with the next before the batch's pages are yielded.
func (r *run) namespace(ns, index int, cont map[string]string) bool {
	name := r.site.Namespaces[ns]
	if name == "" {
		name = "(Main)"
		if ns != 0 {
			name = "Namespace " + strconv.Itoa(ns)
		}
	}
	node := &tributary.HierarchyNode{ID: r.site.nodeID(ns), Name: name, Link: r.site.nodeID(ns), Kind: tributary.NodeSpace,
		ExternalAccess: r.access()}
	if !r.Yield(tributary.NodeItem(node)) {
		return false
	}
	rvprop := "ids|timestamp|user"
	if !r.slim && r.c.settings.Content == ContentWikitext {
		rvprop += "|content"
	}
	batch := map[int]*apiPage{}
	seen := map[string]bool{}
	for {
		q := url.Values{"action": {"query"}, "generator": {"allpages"}, "gapnamespace": {strconv.Itoa(ns)},
			"gaplimit": {strconv.Itoa(r.c.settings.PageSize)}, "gapfilterredir": {"nonredirects"},
			"prop": {"revisions|categories|info"}, "rvprop": {rvprop}, "rvslots": {"main"}, "cllimit": {"max"}}
		for k, v := range cont {
			q.Set(k, v)
		}
		var a queryAnswer
		if err := r.c.client.query(r.ctx, q, &a); err != nil {
			return r.Fail(fmt.Errorf("mediawiki: list namespace %d: %w", ns, err))
		}
		for i := range a.Query.Pages {
			merge(batch, &a.Query.Pages[i])
		}
		next := a.Continue
		key := continueKey(next)
		if len(next) > 0 && (seen[key] || key == continueKey(cont)) {
			return r.Fail(malformed("list namespace "+strconv.Itoa(ns), "the continue token repeats"))
		}
		seen[key] = true
		if !a.BatchComplete && len(next) > 0 {
			if len(batch) > 4*r.c.settings.PageSize {
				return r.Fail(malformed("list namespace "+strconv.Itoa(ns), "a batch that never completes"))
			}
			cont = next
			continue
		}
		if !r.yieldBatch(node.ID, batch) {
			return false
		}
		clear(batch)
		clear(seen)
		if len(next) == 0 {
			return true
		}
		cont = next
		if !r.Checkpoint(position{NS: index, Continue: next}) {
			return false
		}
	}
}

func continueKey(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "=" + m[k] + "&")
	}
	return b.String()
}

// merge adds an answer's page to the batch: the same page comes again
// with more categories, or with revisions it lacked.
func merge(batch map[int]*apiPage, p *apiPage) {
	old, ok := batch[p.PageID]
	if !ok {
		cp := *p
		batch[p.PageID] = &cp
		return
	}
	old.Categories = append(old.Categories, p.Categories...)
	if len(old.Revisions) == 0 {
		old.Revisions = p.Revisions
	}
}

// yieldBatch yields the batch's pages in the window, by title.
func (r *run) yieldBatch(parent string, batch map[int]*apiPage) bool {
	pages := slices.SortedFunc(maps.Values(batch), func(a, b *apiPage) int { return strings.Compare(a.Title, b.Title) })
	for _, p := range pages {
		if p.Missing || p.Redirect {
			continue
		}
		if p.Title == "" {
			f := tributary.EntityFailure(parent, "", malformed("read page", "a page without a title: id "+strconv.Itoa(p.PageID)))
			if !r.Yield(tributary.FailureItem(f)) {
				return false
			}
			continue
		}
		id := r.site.pageURL(p.Title)
		if len(p.Revisions) == 0 || p.Revisions[0].Timestamp.IsZero() {
			err := malformed("read page", "no last revision for "+p.Title)
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
				return false
			}
			continue
		}
		if !r.inWindow(p.Revisions[0].Timestamp.UTC()) {
			continue
		}
		if !r.emit(id, parent, p) {
			return false
		}
	}
	return true
}

// emit yields the page's document, or a failure under its id when its
// text cannot be read; errors that would fail every page end the stream.
func (r *run) emit(id, parent string, p *apiPage) bool {
	d, err := r.document(id, parent, p)
	if err == nil {
		return r.Yield(tributary.DocumentItem(d))
	}
	if errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, tributary.ErrInsufficientPermissions) || r.ctx.Err() != nil {
		return r.Fail(fmt.Errorf("mediawiki: read %s: %w", p.Title, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("mediawiki: read page: %w", err))))
}

// document maps a page with its last revision.
func (r *run) document(id, parent string, p *apiPage) (*tributary.Document, error) {
	rev := p.Revisions[0]
	d := &tributary.Document{ID: id, Source: r.c.source, SemanticID: p.Title, Title: p.Title, ParentID: parent,
		UpdatedAt: rev.Timestamp.UTC(), Metadata: tributary.Metadata{}, Sections: []tributary.Section{}, ExternalAccess: r.access()}
	if rev.User != "" {
		d.PrimaryOwners = []tributary.Person{{DisplayName: rev.User}}
	}
	d.Metadata.Add("namespace", strconv.Itoa(p.NS))
	d.Metadata.Add("revision", strconv.Itoa(rev.RevID))
	for _, c := range p.Categories {
		_, name, ok := strings.Cut(c.Title, ":")
		if ok {
			d.Metadata.Add("category", name)
		}
	}
	if !r.slim && r.c.settings.Content == ContentHTML {
		secs, err := r.parsed(id, p.PageID)
		if err != nil {
			return nil, err
		}
		d.Sections = secs
	} else if !r.slim {
		for _, s := range wikitextSections(rev.Slots.Main.Content) {
			link := id
			if s.Anchor != "" {
				link += "#" + url.PathEscape(s.Anchor)
			}
			sec := tributary.TextSection(link, s.Text)
			sec.Heading = s.Heading
			d.Sections = append(d.Sections, sec)
		}
	}
	return d, nil
}

// parsed reads the page as the wiki renders it (action=parse) and
// splits its text at headings, each section linked to its anchor.
func (r *run) parsed(id string, pageID int) ([]tributary.Section, error) {
	var a struct {
		Parse struct {
			Text *string `json:"text"`
		} `json:"parse"`
	}
	q := url.Values{"action": {"parse"}, "pageid": {strconv.Itoa(pageID)}, "prop": {"text"}, "disableeditsection": {"1"},
		"disabletoc": {"1"}}
	if err := r.c.client.query(r.ctx, q, &a); err != nil {
		return nil, err
	}
	if a.Parse.Text == nil {
		return nil, malformed("parse", "no text in the answer")
	}
	h, err := extract.HTML([]byte("<main>"+*a.Parse.Text+"</main>"), "text/html; charset=utf-8", extract.HTMLOptions{Sections: true, MaxText: 16 << 20})
	if err != nil {
		return nil, err
	}
	secs := h.Sections
	for i := range secs {
		if strings.HasPrefix(secs[i].Link, "#") {
			secs[i].Link = id + secs[i].Link
		} else {
			secs[i].Link = id
		}
	}
	if secs == nil {
		secs = []tributary.Section{}
	}
	return secs, nil
}
