package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing is Validate. Access sync
// reads one collaborator and one team of the first configured repository,
// which needs push access to it: a classic token's "repo" scope, or a
// fine-grained token with push rights on the repository. A classic token
// is told from its X-OAuth-Scopes header, and the missing scope is named
// accordingly. Group sync reads one team of the first organization among
// the owners, and one member of it, which needs read:org (classic) or the
// Members organization permission; it is reported only when an owner is
// an organization. With an owner and no repositories access sync is not
// probed.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	results := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx))}
	if len(c.repos) == 0 {
		return append(results, c.probeGroups(ctx)...)
	}
	repo := c.repos[0]
	missing := "push access to " + repo
	classic, err := c.probeGet(ctx, c.client.url("/user", nil))
	if err == nil {
		if classic {
			missing = "repo"
		}
		_, err = c.probeGet(ctx, c.client.url(repoPath(repo)+"/collaborators", url.Values{"per_page": {"1"}}))
	}
	if err == nil {
		_, err = c.probeGet(ctx, c.client.url(repoPath(repo)+"/teams", url.Values{"per_page": {"1"}}))
	}
	results = append(results, tributary.ProbeOf(tributary.CapAccessSync, err, missing))
	return append(results, c.probeGroups(ctx)...)
}

// probeGet fetches one answer and reports whether the token is a classic
// one: its answers carry X-OAuth-Scopes.
func (c *Connector) probeGet(ctx context.Context, rawURL string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return false, tributary.NewError("github: probe", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	var v json.RawMessage
	hdr, err := c.client.http.DoJSON(req, &v)
	if err != nil {
		return false, fmt.Errorf("github: probe: %w", err)
	}
	_, classic := hdr["X-Oauth-Scopes"]
	return classic, nil
}
