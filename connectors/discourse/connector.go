package discourse

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceDiscourse

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Discourse",
		Category:    tributary.CategoryChat,
		Description: "Topics of a Discourse forum with their posts as sections, under their categories, " +
			"read with an API key and kept current by polling the latest activity.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/discourse",
	}, New))
}

// Connector reads topics from a Discourse forum.
type Connector struct {
	settings Settings
	env      tributary.Env
	http     *httpx.Client
	root     string
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials; it sends no
// request.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

type options struct {
	retry httpx.RetryPolicy
	rate  float64
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "discourse: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	pace := httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "discourse", Auth: keyAuth{key: c.APIKey, user: c.Username},
		UserAgent: "tributary-discourse-connector", RateLimit: pace, Retry: o.retry})
	if err != nil {
		return nil, fmt.Errorf("discourse: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, http: hc, root: s.root()}, nil
}

// keyAuth sends Api-Key and Api-Username.
type keyAuth struct {
	key  tributary.Secret
	user string
}

func (a keyAuth) Authorize(req *http.Request) error {
	req.Header.Set("Api-Key", a.key.Reveal())
	req.Header.Set("Api-Username", a.user)
	return nil
}

func (a keyAuth) Secrets() []string { return []string{a.key.Reveal()} }

// Source returns SourceDiscourse.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the key (GET /session/current.json): Discourse answers
// a key it does not know with 403 invalid_access, which is reported as
// ErrCredentialExpired. It then reads the categories.
func (c *Connector) Validate(ctx context.Context) error {
	var me struct {
		CurrentUser *struct {
			Username string `json:"username"`
		} `json:"current_user"`
	}
	if err := c.get(ctx, "/session/current.json", &me); err != nil {
		if errors.Is(err, tributary.ErrInsufficientPermissions) || errors.Is(err, tributary.ErrNotFound) {
			return tributary.NewError("discourse: validate key", tributary.ErrCredentialExpired, err)
		}
		return fmt.Errorf("discourse: validate key: %w", err)
	}
	if me.CurrentUser == nil {
		return tributary.NewError("discourse: validate key", tributary.ErrCredentialExpired, errors.New("the key names no user"))
	}
	var cs apiCategories
	if err := c.get(ctx, "/categories.json", &cs); err != nil {
		return fmt.Errorf("discourse: validate read access: %w", err)
	}
	return nil
}

// keyRejected tells a rejected key from a missing permission: Discourse
// answers both with 403 invalid_access, but only a key it does not know
// is refused /session/current.json too.
func (c *Connector) keyRejected(ctx context.Context, err error) error {
	if !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return err
	}
	var me struct {
		CurrentUser *struct{} `json:"current_user"`
	}
	if e := c.get(ctx, "/session/current.json", &me); errors.Is(e, tributary.ErrInsufficientPermissions) {
		return tributary.NewError("discourse", tributary.ErrCredentialExpired, err)
	}
	return err
}

func (c *Connector) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.root+path, nil)
	if err != nil {
		return tributary.NewError("discourse", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	_, err = c.http.DoJSON(req, v)
	return err
}

// LoadFromCheckpoint yields the category nodes (parents first) and then
// the topics bumped in [start, end), newest first, with a checkpoint
// after each page of latest.json.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(),
			Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents Load yields; any
// failure ends it with an error.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("discourse: slim listing", func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: true,
			Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		r.all(position{})
	})
}

// topicID is a topic's document id: /t/{id} stays the same when the
// topic is renamed and its slug changes.
func (c *Connector) topicID(id int) string { return c.root + "/t/" + strconv.Itoa(id) }

func (c *Connector) categoryID(id int) string { return c.root + "/c/" + strconv.Itoa(id) }
