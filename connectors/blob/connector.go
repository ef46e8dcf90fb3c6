package blob

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Source is the source New reads: Amazon S3 or any S3-compatible service
// named by Settings.Endpoint. NewFor opens the other Sources.
const Source = tributary.SourceS3

// Sources are the sources this package serves, each with its own presets
// of endpoint, region and addressing.
var Sources = []tributary.DocumentSource{tributary.SourceS3, tributary.SourceR2, tributary.SourceGoogleCloudStorage, tributary.SourceOCIStorage}

// Failure kinds from extraction, re-exported so that callers can match
// them with errors.Is on a *tributary.Failure.
var (
	ErrEncrypted   = extract.ErrEncrypted   // password-protected or encrypted
	ErrUndecodable = extract.ErrUndecodable // malformed, or not text in a known encoding
	ErrUnsupported = extract.ErrUnsupported // a format with no text extractor
	ErrTooLarge    = extract.ErrTooLarge    // over max_object_size or an extraction bound
)

type registration struct {
	source      tributary.DocumentSource
	name, about string
}

var registrations = []registration{
	{tributary.SourceS3, "Amazon S3", "Objects of an Amazon S3 bucket, or of any service speaking the S3 API at a configured endpoint (MinIO, Ceph, Wasabi)"},
	{tributary.SourceR2, "Cloudflare R2", "Objects of a Cloudflare R2 bucket, read over R2's S3-compatible API with an R2 API token's access keys"},
	{tributary.SourceGoogleCloudStorage, "Google Cloud Storage", "Objects of a Google Cloud Storage bucket, read over its XML API's S3 interoperability with HMAC keys"},
	{tributary.SourceOCIStorage, "Oracle Cloud Object Storage", "Objects of an OCI Object Storage bucket, read over its Amazon S3 Compatibility API with customer secret keys"},
}

func init() {
	for _, r := range registrations {
		tributary.Register(tributary.Define(tributary.Registration{
			Source:      r.source,
			DisplayName: r.name,
			Category:    tributary.CategoryStorage,
			Description: r.about + ", extracted by content (text, Markdown, HTML, JSON, CSV, PDF, " +
				"Office documents, e-mail), with key prefixes, globs, size limits and folders.",
			DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/blob",
		}, opener(r.source)))
	}
}

func opener(source tributary.DocumentSource) func(Settings, Credentials, tributary.Env) (*Connector, error) {
	return func(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
		return NewFor(source, s, c, env)
	}
}

// Connector reads the objects of one bucket. It is safe for concurrent use.
type Connector struct {
	source   tributary.DocumentSource
	s        Settings // resolved
	client   *client
	prefixes []string // sorted, none a prefix of another; [""] for the whole bucket
	lim      extract.Limits
	// base is the id of the bucket ("s3://bucket/"); documents are base+key.
	base string
}

var (
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for an Amazon S3 (or S3-compatible) bucket. It
// checks the configuration and sends no request; Validate probes it.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return NewFor(Source, s, c, env)
}

// NewFor is New for one of Sources: for R2, Google Cloud Storage and OCI
// the endpoint, region and path-style addressing default to the provider's.
func NewFor(source tributary.DocumentSource, s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	op := string(source) + ": new connector"
	if !slices.Contains(Sources, source) {
		return nil, &tributary.Error{Op: op, Kind: tributary.ErrInvalidConfig, Err: fmt.Errorf("source %q is not served by package blob", source)}
	}
	if err := errors.Join(tributary.PrefixFields("settings", s.validate(source)), tributary.PrefixFields("credentials", c.Validate())); err != nil {
		return nil, &tributary.Error{Op: op, Kind: tributary.ErrInvalidConfig, Err: err}
	}
	s = s.resolved(source)
	cl, err := newClient(string(source), &s, &c, env)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return &Connector{source: source, s: s, client: cl, prefixes: minimalPrefixes(s.Prefixes),
		lim:  extract.Limits{MaxText: s.MaxObjectSize * 4, MaxPart: max(s.MaxObjectSize*4, s.Archive.MaxEntrySize)},
		base: scheme(source) + s.Bucket + "/"}, nil
}

// scheme is the start of a source's document ids.
func scheme(source tributary.DocumentSource) string {
	switch source {
	case tributary.SourceR2:
		return "r2://"
	case tributary.SourceGoogleCloudStorage:
		return "gs://"
	case tributary.SourceOCIStorage:
		return "oci://"
	}
	return "s3://"
}

// minimalPrefixes sorts the prefixes and drops those another one covers,
// so that they name disjoint, ordered ranges of keys.
func minimalPrefixes(in []string) []string {
	if len(in) == 0 {
		return []string{""}
	}
	ps := slices.Clone(in)
	slices.Sort(ps)
	out := ps[:1]
	for _, p := range ps[1:] {
		if !strings.HasPrefix(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}

// Source returns the source the connector was opened for.
func (c *Connector) Source() tributary.DocumentSource { return c.source }

// Validate lists one key of the bucket under the first prefix: it fails
// with ErrCredentialExpired for keys the service rejects, with
// ErrInsufficientPermissions when they may not list the bucket, and with
// ErrNotFound when the bucket does not exist.
func (c *Connector) Validate(ctx context.Context) error {
	if _, err := c.client.list(ctx, c.s.Bucket, c.prefixes[0], "", "", 1); err != nil {
		return fmt.Errorf("%s: validate: %w", c.source, err)
	}
	return nil
}

// checkpointKind and checkpointVersion identify this package's checkpoints.
const (
	checkpointKind    = "blob"
	checkpointVersion = 1
)

// checkpointItems is how many items pass between checkpoints inside a
// page; a checkpoint also follows every page.
var checkpointItems = 32

// position is the checkpoint: the last key finished and the continuation
// token of the page that follows it (or holds it). Keys come in byte order
// and the prefixes name disjoint ranges in that order, so the key alone
// says where the listing stands; the token saves re-listing from it.
type position struct {
	After string `json:"after,omitempty"`
	Token string `json:"token,omitempty"`
}

func (c *Connector) decodePosition(cp tributary.Checkpoint) (position, error) {
	p, _, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err == nil && p.Token != "" && p.After == "" {
		err = tributary.NewError(string(c.source)+": resume", tributary.ErrInvalidCheckpoint, errors.New("checkpoint has a token but no key"))
	}
	return p, err
}

// LoadFromCheckpoint yields, prefix by prefix and key by key in byte
// order, the folders (as hierarchy nodes, parents first) and documents of
// the objects last modified in [start, end) (zero bounds are open), with a
// checkpoint every few dozen documents and after every page. An object
// that cannot be read or extracted is a Failure under its document id.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := c.decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := &run{c: c, ctx: ctx, start: start, end: end, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(pos)
	}
}

// Load yields a document, or a Failure as the error, for every admitted
// object of the bucket, in key order.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents of the objects last modified in [start, end),
// with Failures as errors, in key order.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for it, err := range c.LoadFromCheckpoint(ctx, start, end, nil) {
			ok := true
			switch {
			case err != nil:
				ok = yield(nil, err)
			case it.Document != nil:
				ok = yield(it.Document, nil)
			case it.Failure != nil:
				ok = yield(nil, it.Failure)
			}
			if !ok {
				return
			}
		}
	}
}

// LoadSlim yields the ids of exactly the documents and Failures
// LoadFromCheckpoint would yield for [start, end): from the listing alone
// for objects whose extension tells their format, from the first bytes of
// those whose extension does not, and from the entry list of archives. Any
// error ends the listing with an error, so that pruning never acts on an
// incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim(string(c.source)+": slim listing", func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, start: start, end: end, slim: true}
		r.Yielder = tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)
		r.all(position{})
	})
}

// admit reports whether the settings' globs let key in.
func (c *Connector) admit(key string) bool {
	for _, pat := range c.s.Exclude {
		if ok, _ := doublestar.Match(pat, key); ok {
			return false
		}
	}
	if len(c.s.Include) == 0 {
		return true
	}
	for _, pat := range c.s.Include {
		if ok, _ := doublestar.Match(pat, key); ok {
			return true
		}
	}
	return false
}
