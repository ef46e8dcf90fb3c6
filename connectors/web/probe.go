package web

import (
	"context"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports indexing only, from Validate: a website's pages carry no
// access to sync.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
}
