package confluence

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceConfluence

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Confluence",
		Category:    tributary.CategoryWiki,
		Description: "Pages of Confluence Cloud, Server or Data Center spaces, with their comments, labels, " +
			"authors and page restrictions, read with an API token or a personal access token and kept " +
			"current by polling or by webhook deliveries.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/confluence",
	}, New))
}

// Connector reads pages from Confluence.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	zone     *time.Location // the configured zone for CQL dates; nil when not set
	spaces   []string       // configured space keys, sorted, without duplicates
	// webhookSecret verifies webhook deliveries.
	webhookSecret tributary.Secret

	// detected caches the zone found by probing when none is configured.
	mu         sync.Mutex
	detected   cqlZone
	detectedAt time.Time
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// an empty PageSize means its default and an empty Deployment is detected
// from the address; IncludeComments must be set (SetDefaults sets every
// default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := errors.Join(tributary.PrefixFields("settings", s.Validate()), tributary.PrefixFields("credentials", c.Validate()))
	if err == nil && s.Deployment == DeploymentCloud && !c.PersonalAccessToken.IsZero() {
		err = &tributary.FieldError{Field: "credentials.personal_access_token",
			Problem: "Confluence Cloud takes an e-mail and an API token, not a personal access token"}
	}
	if err != nil {
		return nil, &tributary.Error{Op: "confluence: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("confluence: new connector: %w", err)
	}
	conn := &Connector{settings: s, env: env, client: cl, spaces: sortedKeys(s.Spaces), webhookSecret: c.WebhookSecret}
	if s.TimeZone != "" {
		conn.zone, _ = time.LoadLocation(s.TimeZone) // checked by Validate
	}
	return conn, nil
}

// sortedKeys returns the space keys in the order the stream visits them.
func sortedKeys(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// Source returns SourceConfluence.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the credentials (GET /rest/api/user/current), that every
// configured space exists and can be seen, and that the account may search
// content. Rejected credentials fail with ErrCredentialExpired, an account
// without access to Confluence with ErrInsufficientPermissions, and a space
// that does not exist (or that the account cannot see: Confluence answers
// the same) with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, c.client.url("/user/current", nil), &me); err != nil {
		return fmt.Errorf("confluence: validate credentials: %w", err)
	}
	if me.Type == "anonymous" {
		return tributary.NewError("confluence: validate credentials", tributary.ErrCredentialExpired,
			errors.New("the site treats the credentials as an anonymous user"))
	}
	for _, key := range c.spaces {
		var sp apiSpace
		if err := c.client.get(ctx, c.client.url("/space/"+url.PathEscape(key), nil), &sp); err != nil {
			return fmt.Errorf("confluence: validate space %s: %w", key, err)
		}
	}
	q := url.Values{"cql": {"type=page"}, "limit": {"1"}}
	if len(c.spaces) > 0 {
		q.Set("cql", "type=page AND space in ("+quoteAll(c.spaces)+")")
	}
	var probe apiList[struct{}]
	if err := c.client.get(ctx, c.client.url("/content/search", q), &probe); err != nil {
		return fmt.Errorf("confluence: validate content search: %w", err)
	}
	return nil
}

// quoteAll quotes CQL values and joins them with commas.
func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = cqlQuote(k)
	}
	return strings.Join(q, ",")
}

// cqlQuote quotes a CQL string value.
func cqlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// LoadFromCheckpoint yields, space by space, the space's node and then its
// pages updated in [start, end), each after the nodes of its ancestor
// pages, with a checkpoint after every search page. See the package
// documentation for the order and for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := c.decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := newRun(c, ctx, start, end, yield)
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the pages LoadFromCheckpoint would
// yield for [start, end), without bodies, comments or attachments. Any
// failure ends the listing with an error, so that pruning never acts on an
// incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("confluence: slim listing", func(yield func(tributary.Item, error) bool) {
		r := newRun(c, ctx, start, end, yield)
		r.slim = true
		r.all(position{})
	})
}
