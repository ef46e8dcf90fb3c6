package jira

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the account may do. Indexing is Validate (the account,
// and Browse Projects on the configured projects). Access sync reads the
// permission scheme of the first project (the first configured one, or
// else the first the account can see, which takes the project list),
// which needs the Administer Jira global permission. Group sync reads one
// group and one of its members (Browse users and groups, USER_PICKER) and
// the application roles (ADMINISTER).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		tributary.ProbeOf(tributary.CapAccessSync, c.probeAccess(ctx), "ADMINISTER"),
		c.probeGroups(ctx),
	}
}

func (c *Connector) probeAccess(ctx context.Context) error {
	keys, err := c.projectList(ctx)
	if err != nil {
		return fmt.Errorf("jira: probe: %w", err)
	}
	if len(keys) == 0 {
		return errors.New("jira: probe: the account sees no project whose permissions could be read")
	}
	var scheme struct{}
	if err := c.client.get(ctx, c.client.url("/project/"+url.PathEscape(keys[0])+"/permissionscheme", nil), &scheme); err != nil {
		return fmt.Errorf("jira: probe permission scheme of %s: %w", keys[0], err)
	}
	return nil
}
