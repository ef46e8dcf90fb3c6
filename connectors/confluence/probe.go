package confluence

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the account may do. Indexing is Validate. Access sync
// reads the first space (the first configured one, or else the first the
// account can see, which takes the space list) with its permissions
// expanded: Confluence leaves them out for an account that may not see
// them (space admin), and documents would then admit no one. Group sync
// reads one group and one of its members.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		tributary.ProbeOf(tributary.CapAccessSync, c.probeAccess(ctx), "space admin (read space permissions)"),
		c.probeGroups(ctx),
	}
}

func (c *Connector) probeAccess(ctx context.Context) error {
	keys, err := c.spaceKeys(ctx)
	if err != nil {
		return fmt.Errorf("confluence: probe: %w", err)
	}
	if len(keys) == 0 {
		return errors.New("confluence: probe: the account sees no space whose permissions could be read")
	}
	var sp apiSpace
	if err := c.client.get(ctx, c.client.url("/space/"+url.PathEscape(keys[0]), url.Values{"expand": {"permissions"}}), &sp); err != nil {
		return fmt.Errorf("confluence: probe permissions of space %s: %w", keys[0], err)
	}
	if len(sp.Permissions) == 0 {
		return tributary.NewError("confluence: probe", tributary.ErrInsufficientPermissions,
			fmt.Errorf("space %s came without its permissions", keys[0]))
	}
	return nil
}
