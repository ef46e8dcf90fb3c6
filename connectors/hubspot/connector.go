package hubspot

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceHubSpot

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "HubSpot",
		Category:    tributary.CategoryOther,
		Description: "CRM records of a HubSpot account (companies, contacts, deals and tickets) with their " +
			"associated notes and logged e-mails, read with a private app's token through the search API by " +
			"modification time, with owners, and deletions from archived records.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/hubspot",
	}, New))
}

// Connector reads CRM records from HubSpot.
type Connector struct {
	settings  Settings
	env       tributary.Env
	client    *client
	searchCap int
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero sizes mean their defaults but the Include fields must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	s.Objects = slices.Clone(s.Objects)
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "hubspot: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("hubspot: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, searchCap: cmp.Or(o.searchCap, defaultSearchCap)}, nil
}

// Source returns SourceHubSpot.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /account-info/v3/details) and that it
// may read one record of each object type the settings read. A rejected
// token fails with ErrCredentialExpired, a missing scope with
// ErrInsufficientPermissions naming it.
func (c *Connector) Validate(ctx context.Context) error {
	if _, err := c.client.details(ctx); err != nil {
		return fmt.Errorf("hubspot: validate credentials: %w", err)
	}
	for _, typ := range c.settings.Objects {
		if err := c.probeType(ctx, typ); err != nil {
			return fmt.Errorf("hubspot: validate credentials: %w", err)
		}
	}
	return nil
}

// probeType reads one record of a type.
func (c *Connector) probeType(ctx context.Context, typ string) error {
	var page listAnswer
	return c.client.get(ctx, "/crm/v3/objects/"+typ+"?limit=1", &page)
}

// LoadFromCheckpoint yields, type by type, the records modified in
// [start, end), oldest first, each type after its node; in a poll (a
// non-zero start) the records archived in the window follow as
// deletions. A checkpoint follows every page. See the package
// documentation for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, yield, start, end, false).all(pos)
	}
}

// LoadSlim yields the ids of exactly the records LoadFromCheckpoint would
// yield for [start, end), without their notes, e-mails or owners. Any
// failure ends the listing with an error, so that pruning never acts on
// an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("hubspot: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}

// properties are the properties read for a type.
func (c *Connector) properties(typ string) []string {
	p := slices.Clone(readProperties[typ])
	for _, extra := range c.settings.Properties[typ] {
		if !slices.Contains(p, extra) {
			p = append(p, extra)
		}
	}
	return append(p, modifiedProperty(typ), "createdate")
}

// The ids and links of what the connector yields, on the account's web
// domain: records at /contacts/PORTAL/record/TYPE-ID/ID (HubSpot's
// record pages, for every type), the account and its types' index pages
// as nodes.
func (c *Connector) accountID(a *account) string {
	return "https://" + a.UIDomain + "/contacts/" + strconv.FormatInt(a.PortalID, 10)
}

func (c *Connector) typeNodeID(a *account, typ string) string {
	return c.accountID(a) + "/objects/" + typeID(typ) + "/views/all/list"
}

func (c *Connector) recordID(a *account, typ, id string) string {
	return c.accountID(a) + "/record/" + typeID(typ) + "/" + id
}

// GroupUsers names the account's users in ExternalAccess.
const GroupUsers = "users"

// access is who may see the account's records: its users. HubSpot's
// per-user view permissions (owned records only, team's records only)
// are not readable through the API.
func (c *Connector) access(*account) *tributary.ExternalAccess {
	return &tributary.ExternalAccess{GroupIDs: []string{GroupUsers}}
}
