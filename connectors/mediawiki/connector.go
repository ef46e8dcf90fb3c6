package mediawiki

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source of a MediaWiki wiki.
const Source = tributary.SourceMediaWiki

// SourceWikipedia is the document source of the Wikipedia preset.
const SourceWikipedia = tributary.SourceWikipedia

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source: Source, DisplayName: "MediaWiki", Category: tributary.CategoryWiki,
		Description: "Pages of a MediaWiki wiki in chosen namespaces, read through the Action API with their " +
			"wikitext as text split at headings, categories, last editor and revision time, anonymously " +
			"or with a bot password for a private wiki.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/mediawiki",
	}, New))
	tributary.Register(tributary.Define(tributary.Registration{
		Source: SourceWikipedia, DisplayName: "Wikipedia", Category: tributary.CategoryWiki,
		Description: "Articles of a Wikipedia language edition, read politely through its Action API " +
			"(a descriptive User-Agent, maxlag, serial paced requests), as text split at headings with categories.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/mediawiki",
	}, NewWikipedia))
}

// Connector reads the pages of one wiki. It is safe for concurrent use.
type Connector struct {
	source   tributary.DocumentSource
	settings Settings
	env      tributary.Env
	client   *client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for a MediaWiki wiki. It sends no request.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(Source, s, c, env, options{})
}

// NewWikipedia returns a connector for a Wikipedia: Language picks the
// wiki unless BaseURL is set, UserAgent must name a contact, and MaxLag
// is 5 unless set.
func NewWikipedia(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(SourceWikipedia, s, c, env, options{})
}

// options are what tests change beyond the settings.
type options struct {
	retry httpx.RetryPolicy
	rate  float64
}

func newConnector(src tributary.DocumentSource, s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.validate(src == SourceWikipedia))
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "mediawiki: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("mediawiki: new connector: %w", err)
	}
	return &Connector{source: src, settings: s, env: env, client: cl}, nil
}

// Source returns SourceMediaWiki or SourceWikipedia.
func (c *Connector) Source() tributary.DocumentSource { return c.source }

// Validate logs in when there are credentials and reads the site's
// information and one page: a refused bot password fails with
// ErrCredentialExpired, a private wiki read anonymously with
// ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	if _, err := c.site(ctx); err != nil {
		return fmt.Errorf("mediawiki: validate: %w", err)
	}
	var l struct{}
	q := url.Values{"action": {"query"}, "list": {"allpages"}, "aplimit": {"1"}}
	if err := c.client.query(ctx, q, &l); err != nil {
		return fmt.Errorf("mediawiki: validate read access: %w", err)
	}
	return nil
}

// LoadFromCheckpoint yields, namespace by namespace, the namespace's node
// and its pages (not redirects) whose last revision lies in [start, end),
// in title order, with a checkpoint after every batch of pages.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp, len(c.settings.Namespaces))
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, yield, start, end, false).all(pos)
	}
}

// LoadSlim yields the ids of exactly the pages LoadFromCheckpoint yields,
// without their content; any failure ends the listing with an error.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("mediawiki: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}
