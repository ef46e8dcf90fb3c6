package notion

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// hexID finds a Notion id at the end of a path segment: the 32 hex digits
// after a title slug, or a dashed UUID.
var hexID = regexp.MustCompile(`(?i)(?:^|-)([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// NormalizeURL returns the document id for a link to a Notion page:
// https://www.notion.so/Title-ID, with or without the workspace's name in
// the path, a page published at WORKSPACE.notion.site, or a page opened
// beside a database (?p=ID). Block anchors (#...) and other queries are
// dropped. Links elsewhere fail with ErrForeignURL; a Notion link naming
// no page with ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", tributary.NewError("notion: normalize url", tributary.ErrForeignURL, errBadLink)
	}
	host := strings.ToLower(u.Hostname())
	if host != "notion.so" && host != "www.notion.so" && !strings.HasSuffix(host, ".notion.site") {
		return "", tributary.NewError("notion: normalize url "+u.Scheme+"://"+u.Host+u.Path, tributary.ErrForeignURL, errBadLink)
	}
	if p := u.Query().Get("p"); p != "" {
		if m := hexID.FindStringSubmatch(p); m != nil {
			return pageID(m[1]), nil
		}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if m := hexID.FindStringSubmatch(segs[len(segs)-1]); m != nil {
		return pageID(m[1]), nil
	}
	return "", tributary.NewError("notion: normalize url "+u.Scheme+"://"+u.Host+u.Path, tributary.ErrNotSupported,
		errNoPage)
}

var (
	errBadLink = errorString("not a link to Notion")
	errNoPage  = errorString("the link names no page")
)

type errorString string

func (e errorString) Error() string { return string(e) }
