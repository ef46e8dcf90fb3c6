package salesforce

import (
	"context"
	"net/url"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow. Indexing is Validate: signing
// in, the API enabled for the user, every object the settings read
// described and one record of each read; an object that cannot be read
// fails naming it. Access sync reads the Organization's sharing defaults
// and one record owner's address. Group sync reads one record of each of
// User, Group and GroupMember.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	var missing []string
	var err error
	for _, name := range c.settings.objects() {
		if e := c.probeObject(ctx, name); e != nil {
			if err == nil {
				err = e
			}
			missing = append(missing, missingOf(e, name)...)
			if !errorsIsAny(e, tributary.ErrInsufficientPermissions, tributary.ErrInvalidConfig) {
				break // signing in or the API failed: every object would
			}
		}
	}
	indexing := tributary.ProbeOf(tributary.CapIndexing, err, missing...)
	aerr := err
	if aerr == nil {
		aerr = c.probeQuery(ctx, "SELECT Id, DefaultAccountAccess FROM Organization")
	}
	access := tributary.ProbeOf(tributary.CapAccessSync, aerr, missingOf(aerr, "Organization")...)
	gerr := err
	var gmissing []string
	for _, obj := range []string{"User", "Group", "GroupMember"} {
		if gerr != nil {
			break
		}
		gerr = c.probeQuery(ctx, "SELECT Id FROM "+obj+" LIMIT 1")
		gmissing = missingOf(gerr, obj)
	}
	return []tributary.ProbeResult{indexing, access, tributary.ProbeOf(tributary.CapGroupSync, gerr, gmissing...)}
}

func missingOf(err error, object string) []string {
	if errorsIsAny(err, tributary.ErrInsufficientPermissions) {
		return []string{"read " + object}
	}
	return nil
}

func (c *Connector) probeObject(ctx context.Context, name string) error {
	info, err := c.describe(ctx, name)
	if err != nil {
		return err
	}
	return c.probeQuery(ctx, "SELECT Id FROM "+info.name+" LIMIT 1")
}

func (c *Connector) probeQuery(ctx context.Context, q string) error {
	var page queryAnswer
	return c.client.get(ctx, "/query?"+url.Values{"q": {q}}.Encode(), &page)
}
