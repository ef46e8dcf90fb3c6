package linear

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// slugID is the short id that ends the address of a project or document
// (https://linear.app/acme/project/roadmap-2f3a9b1c4d5e): twelve hex
// digits after the title's slug, which stay when the title changes.
var slugID = regexp.MustCompile(`(?:^|-)([0-9a-f]{12})$`)

// NormalizeURL maps the address of an issue, project or document, as a
// person pastes it from Linear, to its document id: the title's slug of
// an issue (/issue/ENG-12/fix-the-login), the slug before a project's or
// document's short id, a tab (/overview, /issues), a query and a fragment
// (#comment-...) are dropped, and an issue's identifier is upper-cased.
// It asks Linear once for the workspace's address, since ids carry it.
// An address of another workspace or host is ErrForeignURL; one that
// names no issue, project or document, or a kind the settings do not
// read, is ErrNotSupported.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(u.Host, "linear.app") {
		return "", tributary.ForeignURL(Source, rawURL, "not a Linear address")
	}
	web, err := c.workspace(ctx)
	if err != nil {
		return "", err
	}
	w, err := url.Parse(web)
	if err != nil {
		return "", err
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) == 0 || "/"+segs[0] != w.Path {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of the workspace "+web)
	}
	x := ids{web: web}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	if len(segs) < 3 {
		return unmappable("not the address of an issue, project or document")
	}
	switch kind, key := segs[1], segs[2]; kind {
	case "issue":
		if !c.settings.IncludeIssues {
			return unmappable("the settings do not read issues")
		}
		team, n, ok := strings.Cut(key, "-")
		if !ok || team == "" || n == "" || strings.Trim(n, "0123456789") != "" {
			return unmappable("no issue identifier such as ENG-12")
		}
		return x.issue(key), nil
	case "project", "document":
		if (kind == "project" && !c.settings.IncludeProjects) || (kind == "document" && !c.settings.IncludeDocuments) {
			return unmappable("the settings do not read " + kind + "s")
		}
		m := slugID.FindStringSubmatch(key)
		if m == nil {
			return unmappable("no short id at the end of the " + kind + "'s address")
		}
		if kind == "project" {
			return x.project(m[1]), nil
		}
		return x.document(m[1]), nil
	}
	return unmappable("not the address of an issue, project or document")
}
