package confluence

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps an address of a page on the configured site to the
// page's document id, its web address as the API gives it. The forms that
// name the page's id (/spaces/KEY/pages/ID/Title with any title or none,
// /pages/viewpage.action?pageId=ID, the tiny link /x/CODE) are looked up
// with one content search, since the id holds the page's current title.
// On Server and Data Center, /display/KEY/Title is the id itself and is
// mapped without a request; on Cloud it cannot be mapped. A page of a
// space the settings do not read fails with ErrForeignURL, a page that
// does not exist (or is hidden) with ErrNotFound.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "", tributary.ForeignURL(Source, rawURL, "not a URL")
	}
	rest, ok := c.underSite(u)
	if !ok {
		return "", tributary.ForeignURL(Source, rawURL, "not an address on "+c.client.site)
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	var id string
	switch {
	case len(parts) >= 4 && parts[0] == "spaces" && parts[2] == "pages":
		id = parts[3]
	case len(parts) == 2 && parts[0] == "pages" && parts[1] == "viewpage.action":
		id = u.Query().Get("pageId")
	case len(parts) == 2 && parts[0] == "x":
		id = tinyID(parts[1])
	case len(parts) == 3 && parts[0] == "display" && c.settings.Deployment == DeploymentServer:
		return c.displayID(rawURL, parts[1], parts[2])
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		return "", tributary.UnmappableURL(Source, rawURL, "names no page")
	}
	return c.lookupPage(ctx, rawURL, id)
}

// underSite reports whether u is on the configured site (scheme and host in
// any case, under its context path) and returns the path below it.
func (c *Connector) underSite(u *url.URL) (string, bool) {
	site, err := url.Parse(c.client.site)
	if err != nil || !strings.EqualFold(u.Scheme, site.Scheme) || !strings.EqualFold(u.Host, site.Host) {
		return "", false
	}
	rest, ok := strings.CutPrefix(u.Path, strings.TrimRight(site.Path, "/"))
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return "", false
	}
	return rest, true
}

// lookupPage finds the web address of the page with the given id.
func (c *Connector) lookupPage(ctx context.Context, rawURL, id string) (string, error) {
	q := url.Values{"cql": {"id = " + id}, "limit": {"1"}, "expand": {"space"}}
	var l apiList[apiContent]
	if err := c.client.get(ctx, c.client.url("/content/search", q), &l); err != nil {
		return "", fmt.Errorf("confluence: normalize url: look up page %s: %w", id, err)
	}
	if len(l.Results) == 0 || l.Results[0].Links.WebUI == "" {
		return "", tributary.NewError("confluence: normalize url", tributary.ErrNotFound, fmt.Errorf("page %s", id))
	}
	p := l.Results[0]
	if p.Space != nil && !c.readsSpace(p.Space.Key) {
		return "", tributary.ForeignURL(Source, rawURL, "space "+p.Space.Key+" is not one these settings read")
	}
	return c.client.site + p.Links.WebUI, nil
}

// displayID is the id of a Server page addressed as /display/KEY/Title:
// the address itself, its title written the way Confluence writes it.
func (c *Connector) displayID(rawURL, key, title string) (string, error) {
	if !c.readsSpace(key) {
		return "", tributary.ForeignURL(Source, rawURL, "space "+key+" is not one these settings read")
	}
	t, err := url.QueryUnescape(title)
	if err != nil || t == "" {
		return "", tributary.UnmappableURL(Source, rawURL, "names no page title")
	}
	return c.client.site + "/display/" + key + "/" + strings.ReplaceAll(url.QueryEscape(t), "%20", "+"), nil
}

// readsSpace reports whether the settings read the space.
func (c *Connector) readsSpace(key string) bool {
	return len(c.spaces) == 0 || slices.Contains(c.spaces, key)
}

// tinyID decodes the code of a tiny link (/x/CODE) into a page id: the
// id's little-endian bytes in base64 with "+" written "_" and "/" written
// "-", trailing "A" and "=" cut. It returns "" for a code that is not one.
func tinyID(code string) string {
	if code == "" || len(code) > 11 {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("_", "+", "-", "/").Replace(code + strings.Repeat("A", 12-len(code))))
	if err != nil {
		return ""
	}
	return strconv.FormatUint(binary.LittleEndian.Uint64(b[:8]), 10)
}
