package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow. Indexing is Validate: the
// user's role must be admin to export tickets, agent or admin to read the
// Help Center's restricted content. Access sync reads one user segment
// (when articles are read), group sync one group, one agent and (when
// tickets are read) one organization; both need an agent or admin.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx), "admin")}
	var err error
	if c.settings.IncludeArticles {
		err = c.probeOne(ctx, "/help_center/user_segments", nil)
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, err, "agent"))
	if err == nil {
		err = c.probeOne(ctx, "/groups", nil)
	}
	if err == nil {
		err = c.probeOne(ctx, "/users", url.Values{"role[]": {"agent", "admin"}})
	}
	if err == nil && c.settings.IncludeTickets {
		err = c.probeOne(ctx, "/organizations", nil)
	}
	return append(results, tributary.ProbeOf(tributary.CapGroupSync, err, "agent"))
}

func (c *Connector) probeOne(ctx context.Context, path string, q url.Values) error {
	if q == nil {
		q = url.Values{}
	}
	q.Set("page[size]", "1")
	var v json.RawMessage
	if err := c.client.get(ctx, c.client.url(path, q), &v); err != nil {
		return fmt.Errorf("zendesk: probe: %w", err)
	}
	return nil
}
