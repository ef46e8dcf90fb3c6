package mediawiki

import (
	"context"
	"errors"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports indexing (the wiki answers and lets the credentials
// read), access sync and group sync, which need nothing beyond reading:
// MediaWiki's read permission is wiki-wide, so all three stand or fall
// together.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.Validate(ctx)
	var missing []string
	if errors.Is(err, tributary.ErrInsufficientPermissions) {
		missing = []string{"read (a bot password with the basic rights)"}
	}
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, err, missing...),
		tributary.ProbeOf(tributary.CapAccessSync, err, missing...),
		tributary.ProbeOf(tributary.CapGroupSync, err, missing...),
	}
}
