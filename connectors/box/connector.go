package box

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceBox

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Box",
		Category:    tributary.CategoryStorage,
		Description: "Files of Box folders, with documents extracted as text, Box Notes read and archives opened, read with " +
			"a developer token, an OAuth consent whose rotating refresh token is saved, or a Server Authentication app's " +
			"client credentials for the enterprise or a user; kept current from the changes event stream, with " +
			"collaborations (inherited from folders), owners and open shared links as access, and the enterprise's groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/box",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads files from Box.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.GroupSyncer         = (*Connector)(nil)
	_ tributary.Refetcher           = (*Connector)(nil)
	_ tributary.Prober              = (*Connector)(nil)
	_ tributary.URLNormalizer       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks
// them and sends no request; Validate probes them.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "box: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("box: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceBox.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate reads the user the credentials act as and each configured
// folder. Rejected credentials fail with ErrCredentialExpired, a token
// without "Read all files and folders" with ErrInsufficientPermissions,
// and a folder not found (or not shared with the user) with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	var me user
	if err := c.client.get(ctx, "/users/me", url.Values{"fields": {"id,name,login"}}, &me); err != nil {
		return missingScope("box: read the user", "the token lacks the scope root_readonly (Read all files and folders stored in Box)", err)
	}
	if me.ID == "" {
		return tributary.NewError("box: read the user", tributary.ErrMalformedResponse, fmt.Errorf("answer without an id"))
	}
	for _, id := range c.settings.FolderIDs {
		var f item
		if err := c.client.get(ctx, "/folders/"+id, url.Values{"fields": {"id,type,name"}}, &f); err != nil {
			return missingScope("box: validate folder "+id, "the token lacks root_readonly, or the user may not read folder "+id, err)
		}
	}
	return nil
}

// missingScope names what is missing when err is a refusal (403), and
// wraps any other error with op.
func missingScope(op, missing string, err error) error {
	if errors.Is(err, tributary.ErrInsufficientPermissions) {
		return tributary.NewError(op, tributary.ErrInsufficientPermissions, fmt.Errorf("%s: %w", missing, err))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// LoadFromCheckpoint yields the folders under the roots as nodes and the
// files modified in [start, end) as documents, walking depth first with
// a checkpoint after every page. Under a host that keeps Values, a poll
// window reads the changes event stream from the last run's position
// instead, for uploads, moves, renames and deletions.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp, len(c.settings.FolderIDs))
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, start, end, false, yield).all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint
// yields for [start, end) by walking, with access when asked; it
// downloads only the files whose names tell no format (and archives).
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("box: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield).all(position{})
	})
}
