package mock

import (
	"context"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a document's id or the link of one of its sections,
// with any fragment, to the document's id. Anything else fails with
// ErrForeignURL. It counts as a request, and fails like one when the
// settings make requests fail.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	if err := c.request(ctx, "mock: normalize url"); err != nil {
		return "", err
	}
	raw, _, _ := strings.Cut(strings.TrimSpace(rawURL), "#")
	c.mu.RLock()
	defer c.mu.RUnlock()
	if _, ok := c.docs[raw]; ok {
		return raw, nil
	}
	for id, d := range c.docs {
		for _, s := range d.Sections {
			if s.Link != "" && s.Link == raw {
				return id, nil
			}
		}
	}
	return "", tributary.ForeignURL(Source, rawURL, "no document has this id or link")
}
