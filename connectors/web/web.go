package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
)

// Source is the source the web connector reads.
const Source = tributary.SourceWeb

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Web",
		Category:    tributary.CategoryWeb,
		Description: "Reads a web page, a whole site by following its links, or the pages a " +
			"sitemap lists, extracting each page's readable text and title. Honours robots.txt " +
			"and a per-site request rate.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/web",
	}, New))
}

// Connector reads a website. It is safe for concurrent use; its politeness
// limiter is shared by every run.
type Connector struct {
	s       Settings
	start   *url.URL // the start URL in fetch form
	site    site
	filter  filter
	client  *http.Client
	limiter *rate.Limiter
	ahead   lookAhead
	log     *slog.Logger
}

var (
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.WholePassConnector  = (*Connector)(nil)
)

// New returns a connector for the settings. It does no I/O. Settings made
// in Go rather than decoded should start from SetDefaults.
func New(s Settings, _ Credentials, env tributary.Env) (*Connector, error) {
	if err := s.Validate(); err != nil {
		return nil, &tributary.Error{Op: "web: new", Kind: tributary.ErrInvalidConfig, Err: tributary.PrefixFields("settings", err)}
	}
	u, _ := parseStart(s.URL)
	start := fetchURL(u)
	lim := rate.NewLimiter(rate.Limit(s.RequestsPerSecond), 1)
	client, err := newClient(env, s)
	if err != nil {
		return nil, fmt.Errorf("web: new: %w", err)
	}
	return &Connector{
		s:       s,
		start:   start,
		site:    siteOf(start),
		filter:  newFilter(s),
		client:  client,
		limiter: lim,
		ahead:   lookAhead{pages: lookAheadPages, bytes: lookAheadBytes},
		log:     env.Log().With("source", string(Source), "site", siteOf(start).String()),
	}, nil
}

// Source returns SourceWeb.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate reads robots.txt and fetches the start URL once, following
// in-site redirects; in sitemap mode it fetches and parses the sitemap,
// found through robots.txt when the start URL is the site's root. A missing
// page fails with ErrNotFound, an unreachable or failing site with
// ErrTransient, and a start URL that robots.txt disallows or that
// redirects off the site, a refused address or a sitemap that is not one
// with ErrInvalidConfig.
func (c *Connector) Validate(ctx context.Context) error {
	r := c.newRun(time.Time{}, time.Time{}, true, false)
	if err := r.prepare(ctx); err != nil {
		return err
	}
	target, limit := c.start, c.s.MaxPageBytes
	if c.s.Mode == ModeSitemap {
		target, limit = r.queue[0].u, maxSitemapBytes
	}
	resp, err := r.get(ctx, target, limit, conditions{})
	switch se, skipped := errors.AsType[*skipError](err); {
	case skipped:
		return tributary.NewError("web: validate", tributary.ErrInvalidConfig,
			fmt.Errorf("%s %s", target.Redacted(), se.reason))
	case err == errTooLarge:
		return nil
	case err != nil:
		return fmt.Errorf("web: validate %s: %w", target.Redacted(), err)
	}
	if c.s.Mode == ModeSitemap {
		if _, err := parseSitemap(bytes.NewReader(resp.body)); err != nil {
			return tributary.NewError("web: validate", tributary.ErrInvalidConfig,
				fmt.Errorf("%s: %w", target.Redacted(), err))
		}
	}
	return nil
}

// Load yields every page the settings reach.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the pages whose update time (the sitemap's lastmod, else the
// Last-Modified header) is in [start, end), and every page whose update
// time is unknown. In sitemap mode pages whose lastmod is outside the
// window are not fetched at all.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.stream(ctx, start, end, nil, false, false) {
			var ok bool
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			default:
				ok = true
			}
			if !ok {
				return
			}
		}
	}
}

// LoadSlim yields the ids of exactly the pages Poll (or Load, for two zero
// times) yields. It fetches every page, since a crawl can only know a
// page's links, canonical URL and status by fetching it, but extracts no
// text.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		for it, err := range c.stream(ctx, start, end, nil, true, false) {
			var ok bool
			switch {
			case err != nil:
				ok = yield(tributary.SlimDocument{}, err)
			case it.Failure != nil:
				ok = yield(tributary.SlimDocument{}, it.Failure)
			case it.Document != nil:
				ok = yield(it.Document.Slim(), nil)
			default:
				ok = true
			}
			if !ok {
				return
			}
		}
	}
}

// LoadFromCheckpoint yields the pages of the window [start, end) as Poll
// does, with failures and checkpoints, resuming after cp. A checkpoint
// holds the crawl's frontier and a fingerprint of every URL already
// admitted; see the package documentation for its bounds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return c.stream(ctx, start, end, cp, false, true)
}

// stream runs one crawl and yields its items.
func (c *Connector) stream(ctx context.Context, start, end time.Time, cp tributary.Checkpoint, slim, checkpoints bool) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(start, end, slim, checkpoints)
		if !slim {
			// A slim listing fetches every page: it must see each one.
			r.values = tributary.ValuesFrom(ctx)
		}
		if err := r.restore(cp); err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r.loop(ctx, yield)
	}
}

// WholePass reports true: a window of a crawl fetches every page it
// reaches, since only a page tells whether it changed, so the runner does
// not follow a resumed window with a second crawl.
func (c *Connector) WholePass() bool { return true }
