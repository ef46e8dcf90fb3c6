package jira

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// issueKey matches an issue key such as ENG-42, in any case.
var issueKey = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$`)

// NormalizeURL maps an address of an issue on the configured site to the
// issue's document id, its browse URL: /browse/ENG-42 with any query or
// fragment (a focused comment), a board or search address that names the
// issue in ?selectedIssue=ENG-42, and /projects/ENG/issues/ENG-42. The key
// is upper-cased as Jira spells it. An issue of a project the settings do
// not read fails with ErrForeignURL.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "", tributary.ForeignURL(Source, rawURL, "not a URL")
	}
	rest, ok := c.underSite(u)
	if !ok {
		return "", tributary.ForeignURL(Source, rawURL, "not an address on "+c.client.site)
	}
	key := u.Query().Get("selectedIssue")
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case key != "":
	case len(parts) == 2 && parts[0] == "browse":
		key = parts[1]
	case len(parts) == 4 && parts[0] == "projects" && parts[2] == "issues":
		key = parts[3]
	}
	m := issueKey.FindStringSubmatch(key)
	if m == nil {
		return "", tributary.UnmappableURL(Source, rawURL, "names no issue")
	}
	project := strings.ToUpper(m[1])
	if len(c.projects) > 0 && !slices.Contains(c.projects, project) {
		return "", tributary.ForeignURL(Source, rawURL, "project "+project+" is not one these settings read")
	}
	return c.issueID(project + "-" + m[2]), nil
}

// underSite reports whether u is on the configured site (scheme and host
// in any case, under its path) and returns the path below the site.
func (c *Connector) underSite(u *url.URL) (string, bool) {
	site, err := url.Parse(c.client.site)
	if err != nil || !strings.EqualFold(u.Scheme, site.Scheme) || !strings.EqualFold(u.Host, site.Host) {
		return "", false
	}
	prefix := strings.TrimRight(site.Path, "/")
	rest, ok := strings.CutPrefix(u.Path, prefix)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return "", false
	}
	return rest, true
}
