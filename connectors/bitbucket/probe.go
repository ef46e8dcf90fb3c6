package bitbucket

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow. Indexing is Validate. Access
// sync reads the permissions of the first repository (the first
// configured one, else the first of the first workspace), which only a
// workspace administrator or an admin access token may: without it the
// probe fails naming "workspace admin", and a run still gives private
// repositories' documents the workspace's members as access (wider than
// the repository's own). Group sync reads one member of the first
// workspace (the Account or Workspace membership read scope) and, when
// MemberEmails is set, looks one address up, which again needs a
// workspace administrator.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
	repo, err := c.probeRepo(ctx)
	if err == nil && repo != nil {
		err = c.probeOne(ctx, c.permissionsURL(repo, 1))
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, err, "workspace admin"))
	ws := c.groupWorkspaces()[0]
	missing := "account"
	err = c.probeOne(ctx, c.client.url("/workspaces/"+url.PathEscape(ws)+"/members", url.Values{"pagelen": {"1"}}))
	if err == nil && len(c.settings.MemberEmails) > 0 {
		missing = "workspace admin"
		err = c.probeOne(ctx, c.client.url("/workspaces/"+url.PathEscape(ws)+"/members",
			url.Values{"pagelen": {"1"}, "q": {"user.email IN (" + strconv.Quote(c.settings.MemberEmails[0]) + ")"}}))
	}
	return append(results, tributary.ProbeOf(tributary.CapGroupSync, err, missing))
}

// probeRepo returns the repository the access probe reads, nil when the
// workspaces hold none.
func (c *Connector) probeRepo(ctx context.Context) (*apiRepository, error) {
	u := ""
	if len(c.repos) > 0 {
		ws, slug, _ := splitRepo(c.repos[0])
		u = c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug), nil)
		var repo apiRepository
		if err := c.client.get(ctx, u, &repo); err != nil {
			return nil, fmt.Errorf("bitbucket: probe: %w", err)
		}
		return &repo, repo.check()
	}
	var page pageBody
	if err := c.client.get(ctx, c.client.url("/repositories/"+url.PathEscape(c.workspaces[0]), url.Values{"pagelen": {"1"}}), &page); err != nil {
		return nil, fmt.Errorf("bitbucket: probe: %w", err)
	}
	if page.Values == nil || len(*page.Values) == 0 {
		return nil, nil
	}
	var repo apiRepository
	if err := decodeRepo((*page.Values)[0], &repo); err != nil {
		return nil, fmt.Errorf("bitbucket: probe: %w", err)
	}
	return &repo, nil
}

func (c *Connector) probeOne(ctx context.Context, u string) error {
	if err := c.client.get(ctx, u, new(pageBody)); err != nil {
		return fmt.Errorf("bitbucket: probe: %w", err)
	}
	return nil
}
