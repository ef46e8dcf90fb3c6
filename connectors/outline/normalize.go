package outline

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

var (
	errForeign = errors.New("not a link to this Outline workspace")
	errNoDoc   = errors.New("the link names no document")
)

// NormalizeURL returns the document id for a link to a document of the
// configured workspace: /doc/SLUG-URLID, with or without the slug, and the
// document's own pages under it (/edit, /history/...). Anchors and queries
// are dropped. Links to another host fail with ErrForeignURL; a link of the
// workspace that names no document (a collection, a search, a share link)
// with ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	base, _ := url.Parse(c.settings.web())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Host, base.Host) {
		op := "outline: normalize url"
		if err == nil {
			op += " " + u.Scheme + "://" + u.Host + u.Path
		}
		return "", tributary.NewError(op, tributary.ErrForeignURL, errForeign)
	}
	path := strings.TrimPrefix(u.Path, strings.TrimRight(base.Path, "/"))
	if rest, ok := strings.CutPrefix(path, "/doc/"); ok {
		seg, _, _ := strings.Cut(rest, "/")
		if i := strings.LastIndexByte(seg, '-'); i >= 0 {
			seg = seg[i+1:]
		}
		if urlIDPattern.MatchString(seg) {
			return docID(c.settings.web(), seg), nil
		}
	}
	return "", tributary.NewError("outline: normalize url "+u.Scheme+"://"+u.Host+u.Path, tributary.ErrNotSupported, errNoDoc)
}

// urlIDOf returns the urlId of a document id, or "" for another string.
func (c *Connector) urlIDOf(id string) string {
	rest, ok := strings.CutPrefix(id, c.settings.web()+"/doc/")
	if !ok || !urlIDPattern.MatchString(rest) {
		return ""
	}
	return rest
}
