package file

import (
	"context"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports indexing only, from Validate: a file share has no
// credentials, and who may read a file is not read.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
}
