package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing is Validate. Access sync
// reads one member of the first project (the first configured one, else
// the first of the first group), group sync one member of the first
// group, inherited ones included: both need read_api (or api), which a
// token with only read_user lacks. A token that can list members but not
// see their addresses still passes: addresses come from public profiles.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
	project, group, err := c.probeTargets(ctx)
	if err == nil && project != "" {
		err = c.probeOne(ctx, "/projects/"+enc(project)+"/members")
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, err, "read_api"))
	if err == nil && group != "" {
		err = c.probeOne(ctx, "/groups/"+enc(group)+"/members/all")
	}
	return append(results, tributary.ProbeOf(tributary.CapGroupSync, err, "read_api"))
}

// probeTargets returns the project and group the probes read.
func (c *Connector) probeTargets(ctx context.Context) (project, group string, err error) {
	if len(c.groups) > 0 {
		group = c.groups[0]
	}
	if len(c.projects) > 0 {
		return c.projects[0], group, nil
	}
	var page []apiProject
	u := c.client.url("/groups/"+enc(group)+"/projects", url.Values{"per_page": {"1"}, "include_subgroups": {"true"}})
	if err := c.client.get(ctx, u, &page); err != nil {
		return "", "", fmt.Errorf("gitlab: probe: %w", err)
	}
	if len(page) > 0 {
		project = page[0].PathWithNamespace
	}
	return project, group, nil
}

func (c *Connector) probeOne(ctx context.Context, path string) error {
	var v json.RawMessage
	if err := c.client.get(ctx, c.client.url(path, url.Values{"per_page": {"1"}}), &v); err != nil {
		return fmt.Errorf("gitlab: probe: %w", err)
	}
	return nil
}
