package notion

import (
	"context"
	"errors"

	"github.com/tributary-dev/tributary"
)

// Probe reports the one capability the connector offers, indexing: the
// token is accepted and the integration may read content. Notion's API
// names no permissions and no groups, so access and group sync are not
// offered.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.Validate(ctx)
	var missing []string
	if errors.Is(err, tributary.ErrInsufficientPermissions) {
		missing = []string{"Read content"}
	}
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err, missing...)}
}
