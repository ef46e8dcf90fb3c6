package gmail

import (
	"context"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow: indexing (Validate, with the
// gmail.readonly scope) and access sync, which needs nothing more unless
// delegates are read (the delegates of the first mailbox, with the
// gmail.settings.basic scope). With a service account, a scope its
// domain-wide delegation lacks is named as missing.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	err := c.Validate(ctx)
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, err, ScopeGmailReadonly)}
	if err == nil && c.settings.IncludeDelegates {
		users, uerr := c.users(ctx)
		if uerr == nil && len(users) > 0 {
			_, uerr = c.delegates(google.As(ctx, c.mailboxOf(users[0]).reader, ScopeGmailSettings))
		}
		return append(out, tributary.ProbeOf(tributary.CapAccessSync, uerr, ScopeGmailSettings))
	}
	return append(out, tributary.ProbeOf(tributary.CapAccessSync, err, ScopeGmailReadonly))
}
