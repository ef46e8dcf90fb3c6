package zendesk

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

var (
	// articlePath matches /hc/{locale}/articles/{id}-{slug} and the API's
	// /api/v2/help_center/{locale}/articles/{id}.json.
	articlePath = regexp.MustCompile(`^/(?:hc|api/v2/help_center)/([A-Za-z0-9-]+)/articles/([1-9][0-9]*)(?:-[^/]*|\.json)?(?:/.*)?$`)
	// ticketPath matches the agent's /agent/tickets/{id}, the requester's
	// /hc/{locale}/requests/{id} and the API's /api/v2/tickets/{id}.json.
	ticketPath = regexp.MustCompile(`^/(?:agent/tickets|tickets|hc/[A-Za-z0-9-]+/requests|api/v2/tickets)/([1-9][0-9]*)(?:\.json)?(?:/.*)?$`)
)

// NormalizeURL returns the document id for a link to an article (with or
// without its title slug, in the Help Center or the API) or to a ticket
// (the agent's, the requester's or the API's address). Queries and
// fragments are dropped. A link to another account, or to an article in
// a locale the settings do not read, fails with ErrForeignURL; a link to
// this account that names no article or ticket (a section, a search) with
// ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	site, _ := url.Parse(c.client.site)
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		u = &url.URL{}
	}
	scheme := strings.ToLower(u.Scheme)
	if err != nil || (scheme != "http" && scheme != "https") || !strings.EqualFold(u.Host, site.Host) {
		return "", tributary.NewError("zendesk: normalize url", tributary.ErrForeignURL, errString("not a link to "+c.client.site))
	}
	op := "zendesk: normalize url " + c.client.site + u.EscapedPath()
	if m := articlePath.FindStringSubmatch(u.Path); m != nil {
		locale := strings.ToLower(m[1])
		if !c.settings.IncludeArticles || !slices.Contains(c.settings.Locales, locale) {
			return "", tributary.NewError(op, tributary.ErrForeignURL, errString("the settings do not read articles in "+locale))
		}
		return c.client.site + "/hc/" + locale + "/articles/" + m[2], nil
	}
	if m := ticketPath.FindStringSubmatch(u.Path); m != nil {
		if !c.settings.IncludeTickets {
			return "", tributary.NewError(op, tributary.ErrForeignURL, errString("the settings do not read tickets"))
		}
		return c.client.site + "/agent/tickets/" + m[1], nil
	}
	return "", tributary.NewError(op, tributary.ErrNotSupported, errString("the link names no article or ticket"))
}
