package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// trackingParams are query parameters that only say where a visitor came
// from; NormalizeURL drops them. A name ending in "_" is a prefix.
var trackingParams = []string{"utm_", "gclid", "gbraid", "wbraid", "fbclid", "msclkid", "dclid",
	"mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "igshid", "yclid", "ref_src"}

// NormalizeURL maps the address of a page of the site to its document id,
// the way the crawl names pages: scheme and host lower-cased, the default
// port, user information, the fragment, dot segments and a trailing slash
// dropped. Tracking parameters (utm_*, gclid, fbclid and the like) are
// dropped from the query; other parameters stay, since they may select
// the page. An address on another site fails with ErrForeignURL.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", tributary.ForeignURL(Source, rawURL, "not an absolute address")
	}
	if !c.site.contains(u) {
		return "", tributary.ForeignURL(Source, rawURL, "not on "+c.site.String())
	}
	if u.RawQuery != "" {
		u.RawQuery = dropTracking(u.RawQuery)
	}
	return key(u), nil
}

// dropTracking removes the tracking parameters from a raw query, keeping
// the others as written and in their order.
func dropTracking(raw string) string {
	var kept []string
	for part := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if part != "" && !isTracking(strings.ToLower(name)) {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, "&")
}

func isTracking(name string) bool {
	for _, p := range trackingParams {
		if name == p || (strings.HasSuffix(p, "_") && strings.HasPrefix(name, p)) {
			return true
		}
	}
	return false
}
