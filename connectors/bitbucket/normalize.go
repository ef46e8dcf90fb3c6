package bitbucket

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps an address of a pull request on the configured site to
// its document id, https://bitbucket.org/WS/REPO/pull-requests/N: any tab
// or title after the number (/diff, /commits, /activity,
// /some-title/diff), any query and any fragment (a focused comment,
// #comment-123) are dropped, and the slugs lower-cased, as Bitbucket's
// are case-insensitive. A pull request of a repository the settings do not
// read fails with ErrForeignURL; another address of the site (a
// repository, a pull request listing) with ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "", tributary.ForeignURL(Source, rawURL, "not a URL")
	}
	site, err := url.Parse(c.client.web)
	if err != nil || !strings.EqualFold(u.Scheme, site.Scheme) || !strings.EqualFold(u.Host, site.Host) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address on "+c.client.web)
	}
	rest, ok := strings.CutPrefix(u.Path, strings.TrimRight(site.Path, "/")+"/")
	if !ok {
		return "", tributary.ForeignURL(Source, rawURL, "not an address on "+c.client.web)
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 4 || parts[2] != "pull-requests" {
		return "", tributary.UnmappableURL(Source, rawURL, "names no pull request")
	}
	full := lower(parts[0] + "/" + parts[1])
	n, err := strconv.ParseInt(parts[3], 10, 64)
	if _, _, valid := splitRepo(full); !valid || err != nil || n <= 0 {
		return "", tributary.UnmappableURL(Source, rawURL, "names no pull request")
	}
	ws, _, _ := splitRepo(full)
	if !c.configured(full) && !slices.Contains(c.workspaces, ws) {
		return "", tributary.ForeignURL(Source, rawURL, "repository "+full+" is not one these settings read")
	}
	return c.client.web + "/" + full + "/pull-requests/" + strconv.FormatInt(n, 10), nil
}
