package gitlab

import (
	"context"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps the web address of an issue, merge request or wiki
// page, as a person pastes it, to its document id: a fragment (#note_12),
// a query and a merge request's tab (/diffs, /commits, /pipelines) are
// dropped, and an address of GitLab's older routes without "/-/"
// (group/project/issues/3, which GitLab redirects) takes the "/-/" form.
// The host must be the configured instance's and the project one the
// settings read, of a kind they read. The project's path keeps the pasted
// spelling: GitLab matches paths without regard to case, but the ids
// carry the project's own spelling, which a browser shows and telling it
// would take a request.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	web, err := url.Parse(c.client.web)
	if err != nil || !strings.EqualFold(u.Host, web.Host) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of "+c.client.web)
	}
	path, ok := strings.CutPrefix(u.EscapedPath(), strings.TrimRight(web.EscapedPath(), "/")+"/")
	if !ok {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of "+c.client.web)
	}
	project, tail, ok := strings.Cut(strings.TrimRight(path, "/"), "/-/")
	if !ok {
		project, tail, ok = legacyRoute(path)
	}
	if !ok || !validPath(project, 2) {
		return "", tributary.UnmappableURL(Source, rawURL, "not the address of an issue, merge request or wiki page")
	}
	kind, what, _ := strings.Cut(tail, "/")
	if kind == kindMRs || kind == kindIssues {
		what, _, _ = strings.Cut(what, "/") // a tab: /diffs, /commits, /pipelines
	}
	if what == "" {
		return "", tributary.UnmappableURL(Source, rawURL, "not the address of an issue, merge request or wiki page")
	}
	id := c.client.web + "/" + project + "/-/" + kind + "/" + what
	switch _, why, shape := c.parseRef(id); {
	case shape:
		return "", tributary.UnmappableURL(Source, rawURL, why)
	case why != "":
		return "", tributary.ForeignURL(Source, rawURL, why)
	}
	return id, nil
}

// legacyRoute splits an address of GitLab's routes before "/-/"
// (group/project/issues/3, group/project/merge_requests/4,
// group/project/wikis/home) into the project and the rest.
func legacyRoute(path string) (project, tail string, ok bool) {
	segs := strings.Split(strings.TrimRight(path, "/"), "/")
	for i := len(segs) - 2; i >= 2; i-- {
		switch segs[i] {
		case kindIssues, kindMRs, kindWiki:
			return strings.Join(segs[:i], "/"), strings.Join(segs[i:], "/"), true
		}
	}
	return "", "", false
}
