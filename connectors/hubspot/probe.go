package hubspot

import (
	"context"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the token allows. Indexing reads one record of each
// type the settings read, and, when notes or e-mails are read, one of
// those; a missing scope fails naming it, as HubSpot's 403 does. Access
// sync needs nothing more: every document is open to the account's users.
// Group sync lists one owner (crm.objects.owners.read).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	_, err := c.client.details(ctx)
	var missing []string
	if err == nil {
		kinds := c.settings.Objects
		if c.settings.IncludeNotes {
			kinds = append(kinds[:len(kinds):len(kinds)], "notes")
		}
		if c.settings.IncludeEmails {
			kinds = append(kinds[:len(kinds):len(kinds)], "emails")
		}
		for _, typ := range kinds {
			if e := c.probeType(ctx, typ); e != nil {
				if err == nil {
					err = e
				}
				missing = append(missing, missingScopes(e)...)
			}
		}
	}
	indexing := tributary.ProbeOf(tributary.CapIndexing, err, missing...)
	access := tributary.ProbeOf(tributary.CapAccessSync, err, missing...)
	var page listAnswer
	gerr := err
	if gerr == nil {
		gerr = c.client.get(ctx, "/crm/v3/owners?"+url.Values{"limit": {"1"}}.Encode(), &page)
	}
	return []tributary.ProbeResult{indexing, access, tributary.ProbeOf(tributary.CapGroupSync, gerr, missingScopes(gerr)...)}
}
