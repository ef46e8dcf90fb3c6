package github

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps the web address of an issue or pull request, as a
// person pastes it, to its document id (its html_url): a fragment
// (#issuecomment-1), a query and a tab suffix (/files, /commits, /checks)
// are dropped. The host must be github.com or the web host of the
// configured GitHub Enterprise Server, and the repository one of the
// configured ones (or one of the configured owner's). An /issues/N address
// of what is a pull request keeps its /issues/ form: GitHub redirects it,
// and telling would take a request.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(tributary.SourceGitHub, rawURL)
	if err != nil {
		return "", err
	}
	host := strings.ToLower(u.Host)
	if !slices.Contains(c.webHosts(), host) {
		return "", tributary.ForeignURL(tributary.SourceGitHub, rawURL, "not a GitHub host these settings read")
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 4 || (parts[2] != "issues" && parts[2] != "pull") {
		return "", tributary.UnmappableURL(tributary.SourceGitHub, rawURL, "not the address of an issue or pull request")
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil || n <= 0 || parts[3] != strconv.Itoa(n) {
		return "", tributary.UnmappableURL(tributary.SourceGitHub, rawURL, "no issue or pull request number")
	}
	repo, ok := c.configuredRepo(parts[0] + "/" + parts[1])
	if !ok {
		return "", tributary.ForeignURL(tributary.SourceGitHub, rawURL, "the repository is not one these settings read")
	}
	return u.Scheme + "://" + host + "/" + repo + "/" + parts[2] + "/" + parts[3], nil
}

// webHosts are the hosts of the web addresses of the configured API:
// github.com for api.github.com, HOST for https://HOST/api/v3.
func (c *Connector) webHosts() []string {
	hosts := []string{"github.com"}
	if u, err := url.Parse(c.settings.baseURL()); err == nil {
		h := strings.ToLower(u.Host)
		hosts = append(hosts, h)
		if rest, ok := strings.CutPrefix(h, "api."); ok {
			hosts = append(hosts, rest)
		}
	}
	return hosts
}

// configuredRepo returns the configured spelling of the repository
// owner/name, or owner/name itself when it belongs to the configured owner.
func (c *Connector) configuredRepo(full string) (string, bool) {
	if !validFullName(full) {
		return "", false
	}
	if i := slices.IndexFunc(c.repos, func(r string) bool { return strings.EqualFold(r, full) }); i >= 0 {
		return c.repos[i], true
	}
	owner, _, _ := strings.Cut(full, "/")
	return full, c.settings.Owner != "" && strings.EqualFold(owner, c.settings.Owner)
}
