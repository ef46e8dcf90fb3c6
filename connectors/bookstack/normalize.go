package bookstack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

var (
	errForeign = errors.New("not a link to this BookStack instance")
	errNoPage  = errors.New("the link names no page")
)

// NormalizeURL returns the page id for a link to a page of the configured
// instance: a short link (/link/ID) or a page's URL
// (/books/BOOK_SLUG/page/PAGE_SLUG, and its pages under it: /edit,
// /revisions ...), which is looked up through the API (GET /api/pages
// filtered by the page's slug, then the books of the pages found) since
// slugs change with renames. Anchors and queries are dropped. Links to
// another host fail with ErrForeignURL; a link of the instance that names
// no page (a shelf, a book, a chapter, a search) with ErrNotSupported, and
// a page URL no visible page has with ErrNotFound.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	base, _ := url.Parse(c.settings.web())
	op := "bookstack: normalize url"
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
		if err == nil {
			op += " " + u.Scheme + "://" + u.Host + u.Path
		}
		return "", tributary.NewError(op, tributary.ErrForeignURL, errForeign)
	}
	op += " " + u.Scheme + "://" + u.Host + u.Path
	path, ok := strings.CutPrefix(u.Path, strings.TrimRight(base.Path, "/"))
	if !ok {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errForeign)
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "link":
		if n, err := strconv.Atoi(parts[1]); err == nil && n > 0 {
			return c.docID(n), nil
		}
	case len(parts) >= 4 && parts[0] == "books" && parts[2] == "page" && parts[1] != "" && parts[3] != "":
		return c.lookup(ctx, op, parts[1], parts[3])
	}
	return "", tributary.NewError(op, tributary.ErrNotSupported, errNoPage)
}

// lookup finds the page with the slug in the book with the slug.
func (c *Connector) lookup(ctx context.Context, op, bookSlug, pageSlug string) (string, error) {
	r := c.newRun(ctx, func(tributary.Item, error) bool { return true }, time.Time{}, time.Time{}, true)
	raws, _, err := c.client.list(ctx, "pages", url.Values{"filter[slug]": {pageSlug}}, 0, maxPageSize)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	items, _ := decodePages(raws)
	for _, p := range items {
		if p.Slug != pageSlug {
			continue
		}
		b, err := r.tree.book(r, p.BookID)
		if err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
		if !b.hidden && b.slug == bookSlug {
			return c.docID(p.ID), nil
		}
	}
	return "", tributary.NewError(op, tributary.ErrNotFound, errNoPage)
}

// pageNumber returns the page id of a document id, or 0 for another
// string.
func (c *Connector) pageNumber(id string) int {
	rest, ok := strings.CutPrefix(id, c.settings.web()+"/link/")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n <= 0 || strconv.Itoa(n) != rest {
		return 0
	}
	return n
}
