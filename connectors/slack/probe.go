package slack

import (
	"context"
	"errors"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing is Validate (auth.test,
// and the configured channels). Access sync reads one page of users.list,
// which needs users:read, and looks for the e-mail address of a person in
// it, which needs users:read.email: without it documents would name no
// one. Group sync reads usergroups.list, which needs usergroups:read. A
// missing_scope answer names the scope Slack says is needed.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		c.probeAccess(ctx),
		c.probeGroups(ctx),
	}
}

func (c *Connector) probeAccess(ctx context.Context) tributary.ProbeResult {
	var page usersList
	if err := c.api.call(ctx, "users.list", url.Values{"limit": {"20"}}, &page); err != nil {
		var missing []string
		if e, ok := errors.AsType[*APIError](err); ok && e.Needed != "" {
			missing = []string{e.Needed}
		}
		return tributary.ProbeOf(tributary.CapAccessSync, err, missing...)
	}
	for _, u := range page.Members {
		if !u.IsBot && !u.Deleted && u.ID != "USLACKBOT" && u.Profile.Email == "" {
			err := tributary.NewError("slack: probe users.list", tributary.ErrInsufficientPermissions,
				errors.New("users come without e-mail addresses"))
			return tributary.ProbeOf(tributary.CapAccessSync, err, "users:read.email")
		}
	}
	return tributary.ProbeOf(tributary.CapAccessSync, nil)
}
