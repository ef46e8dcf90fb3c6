package salesforce

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceSalesforce

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Salesforce",
		Category:    tributary.CategoryOther,
		Description: "Records of a Salesforce org (Account, Contact, Opportunity, Case or any object chosen, and published " +
			"Knowledge articles) read through SOQL by SystemModstamp with a connected app (JWT bearer flow or a refresh " +
			"token), with owners, org-wide defaults as access, public groups, roles and queues as groups, and deletions " +
			"from the recycle bin.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/salesforce",
	}, New))
}

// Connector reads records from a Salesforce org.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client

	mu      sync.Mutex
	objects map[string]*objectInfo // described objects, by API name
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate signs in and probes the objects.
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
		return nil, &tributary.Error{Op: "salesforce: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("salesforce: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl, objects: map[string]*objectInfo{}}, nil
}

// Source returns SourceSalesforce.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate signs in, describes every object the settings read (checking
// the fields they name) and reads one record of each. Refused credentials
// fail with ErrCredentialExpired; an object the user may not read with
// ErrInsufficientPermissions naming it; a field an object lacks with
// ErrInvalidConfig naming settings.fields.
func (c *Connector) Validate(ctx context.Context) error {
	for _, name := range c.settings.objects() {
		if err := c.probeObject(ctx, name); err != nil {
			return fmt.Errorf("salesforce: validate %s: %w", name, err)
		}
	}
	return nil
}

// LoadFromCheckpoint yields, object by object, the records whose
// SystemModstamp is in [start, end), in SystemModstamp and Id order, each
// object after its node; in a poll (a non-zero start) the records deleted
// in the window follow as deletions. A checkpoint follows every batch.
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

// LoadSlim yields the ids and access of exactly the records
// LoadFromCheckpoint yields for [start, end). Any failure ends the listing
// with an error, so that pruning never acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("salesforce: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}

// The ids and links of what the connector yields, on the org's instance:
// records at /lightning/r/OBJECT/ID/view, the org's Company Information
// page and each object's list as nodes.
func orgNodeID(instance string) string { return instance + "/lightning/setup/CompanyProfileInfo/home" }

func objectNodeID(instance, object string) string {
	return instance + "/lightning/o/" + object + "/list"
}

func recordID(instance, object, id string) string {
	return instance + "/lightning/r/" + object + "/" + id + "/view"
}

// GroupUsers names every active user of the org in ExternalAccess.
const GroupUsers = "users"

// groupID is the access id of a public group, role or queue.
func groupID(id string) string { return "group:" + id }

// publicValues are the org-wide defaults that let every user read.
var publicValues = []string{"Read", "Edit", "ReadEdit", "ReadEditTransfer", "ReadSelect", "All"}

// access is who may see a record: everyone in the org when the object's
// org-wide default is public read (or the object is Knowledge, or named
// in public_objects), else its owner: a user by e-mail address, or a queue
// as a group. Sharing rules, manual shares, teams, territories and the
// role hierarchy are not modeled.
func (r *run) access(info *objectInfo, ownerID, ownerEmail string) *tributary.ExternalAccess {
	if r.public[info.name] {
		return &tributary.ExternalAccess{GroupIDs: []string{GroupUsers}}
	}
	ea := &tributary.ExternalAccess{}
	switch {
	case strings.HasPrefix(ownerID, "00G"):
		ea.GroupIDs = []string{groupID(ownerID)}
	case ownerEmail != "":
		ea.UserEmails = []string{strings.ToLower(ownerEmail)}
	}
	return ea
}
