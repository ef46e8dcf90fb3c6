package mock

import (
	"context"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports indexing from Validate, and, when the host wants
// permissions, access sync the same way: the mock's token allows both or
// neither.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.Validate(ctx)
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err)}
	if c.access {
		out = append(out, tributary.ProbeOf(tributary.CapAccessSync, err))
	}
	return out
}
