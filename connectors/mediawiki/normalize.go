package mediawiki

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps the address of a page of the wiki, as a person pastes
// it, to its document id: an article address (/wiki/Title, with spaces or
// underscores, encoded or not), an index.php address (?title=Title or
// ?curid=N, with an action or oldid), or the mobile site's
// (en.m.wikipedia.org). Fragments and queries are dropped. It asks the
// wiki once for its server and paths and once for the title, so that the
// wiki's own rules apply: a first letter upper-cased where the wiki does
// so, and a redirect followed to the page it leads to, which is the one
// the connector reads. An address of another site is ErrForeignURL; one
// that names no page, or a page in a namespace the settings do not read
// (Special pages included), is ErrNotSupported.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(c.source, rawURL)
	if err != nil {
		return "", err
	}
	si, err := c.site(ctx)
	if err != nil {
		return "", err
	}
	server, err := url.Parse(si.Server)
	if err != nil {
		return "", malformed("site info", "server is not a URL")
	}
	host := strings.ToLower(u.Hostname())
	if host != strings.ToLower(server.Hostname()) && strings.Replace(host, ".m.", ".", 1) != strings.ToLower(server.Hostname()) {
		return "", tributary.ForeignURL(c.source, rawURL, "not an address of "+si.Server)
	}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(c.source, rawURL, why) }
	q := url.Values{"action": {"query"}, "redirects": {"1"}}
	articlePrefix, articleSuffix, _ := strings.Cut(si.ArticlePath, "$1")
	switch p := u.EscapedPath(); {
	case si.Script != "" && (p == si.Script || strings.HasPrefix(p, si.Script+"/")):
		title, curid := u.Query().Get("title"), u.Query().Get("curid")
		if rest, ok := strings.CutPrefix(p, si.Script+"/"); ok && title == "" { // index.php/Title
			title, _ = url.PathUnescape(rest)
		}
		switch n, err := strconv.Atoi(curid); {
		case title != "":
			q.Set("titles", title)
		case err == nil && n > 0:
			q.Set("pageids", curid)
		default:
			return unmappable("an index.php address without a title or curid")
		}
	case strings.HasPrefix(p, articlePrefix) && strings.HasSuffix(p, articleSuffix) && len(p) > len(articlePrefix)+len(articleSuffix):
		key := p[len(articlePrefix) : len(p)-len(articleSuffix)]
		title, err := url.PathUnescape(key)
		if err != nil {
			return unmappable("a title that does not decode")
		}
		q.Set("titles", title)
	default:
		return unmappable("not the address of a page")
	}
	if t := q.Get("titles"); t != "" && (strings.ContainsAny(t, "|[]{}<>") || strings.TrimSpace(strings.ReplaceAll(t, "_", " ")) == "") {
		return unmappable("not a valid title")
	}
	var a struct {
		Query struct {
			Pages []struct {
				NS      int    `json:"ns"`
				Title   string `json:"title"`
				Invalid bool   `json:"invalid"`
				Missing bool   `json:"missing"`
			} `json:"pages"`
		} `json:"query"`
	}
	if err := c.client.query(ctx, q, &a); err != nil {
		return "", err
	}
	if len(a.Query.Pages) != 1 {
		return "", malformed("normalize url", "not one page for one title")
	}
	pg := a.Query.Pages[0]
	switch {
	case pg.Invalid:
		return unmappable("not a valid title")
	case pg.Title == "":
		return unmappable("no page by that id")
	case !slices.Contains(c.settings.Namespaces, pg.NS):
		return unmappable("the settings do not read namespace " + strconv.Itoa(pg.NS))
	}
	return si.pageURL(pg.Title), nil
}
