package zulip

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceZulip

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Zulip",
		Category:    tributary.CategoryChat,
		Description: "Topics of the Zulip streams a user or bot can read, one document per topic with a " +
			"section per message, read with an e-mail and API key.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/zulip",
	}, New))
}

// Connector reads the topics of a Zulip organization's streams.
type Connector struct {
	settings Settings
	env      tributary.Env
	http     *httpx.Client
	site     string
	api      string
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "zulip: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "zulip", Auth: httpx.Basic(c.Email, c.APIKey),
		UserAgent: "tributary-zulip-connector", Retry: retry})
	if err != nil {
		return nil, fmt.Errorf("zulip: new connector: %w", err)
	}
	site := s.site()
	return &Connector{settings: s, env: env, http: hc, site: site, api: site + "/api/v1"}, nil
}

// Source returns SourceZulip.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the credentials with GET /users/me, where rejected ones
// fail with ErrCredentialExpired, and that the account may list the
// streams (GET /streams), where a load starts.
func (c *Connector) Validate(ctx context.Context) error {
	if _, err := c.me(ctx); err != nil {
		return err
	}
	if _, err := c.listStreams(ctx); err != nil {
		return fmt.Errorf("zulip: validate: %w", err)
	}
	return nil
}

// me reads the account the credentials name.
func (c *Connector) me(ctx context.Context) (*apiUser, error) {
	var me apiUser
	if err := c.get(ctx, "/users/me", nil, &me); err != nil {
		return nil, fmt.Errorf("zulip: validate credentials: %w", err)
	}
	if me.ID == 0 {
		return nil, fmt.Errorf("zulip: validate credentials: %w", malformed("users/me", "the answer names no user"))
	}
	return &me, nil
}

// listStreams lists the streams the account reads, in id order.
func (c *Connector) listStreams(ctx context.Context) ([]apiStream, error) {
	var ss apiStreams
	if err := c.get(ctx, "/streams", url.Values{"include_public": {"true"}, "include_subscribed": {"true"},
		"include_web_public": {"true"}}, &ss); err != nil {
		return nil, fmt.Errorf("list streams: %w", err)
	}
	if ss.Streams == nil {
		return nil, malformed("list streams", "the answer has no streams")
	}
	slices.SortFunc(ss.Streams, func(a, b apiStream) int { return cmp.Compare(a.ID, b.ID) })
	return ss.Streams, nil
}

// get fetches one answer into v and checks Zulip's result field.
func (c *Connector) get(ctx context.Context, path string, q url.Values, v resulter) error {
	u := c.api + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return tributary.NewError("zulip", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	if _, err := c.http.DoJSON(req, v); err != nil {
		return classify(err)
	}
	if r := v.res(); r.Result != "success" {
		return malformed(path, fmt.Sprintf("result %q (%s)", r.Result, r.Code))
	}
	return nil
}

// classify names the refusals Zulip answers with 400 and an error code:
// UNAUTHORIZED_PRINCIPAL is an account whose role may not do what it
// asked (a guest listing user groups, a member an administrator's
// endpoint), ErrInsufficientPermissions.
func classify(err error) error {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok || se.StatusCode != http.StatusBadRequest {
		return err
	}
	var body apiResult
	if json.Unmarshal([]byte(se.Body), &body) == nil && body.Code == "UNAUTHORIZED_PRINCIPAL" {
		return tributary.NewError("zulip", tributary.ErrInsufficientPermissions, err)
	}
	return err
}

func malformed(op, msg string) error {
	return tributary.NewError("zulip: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}

// terminal reports errors every following request would meet too.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInsufficientPermissions) ||
		errors.Is(err, tributary.ErrRateLimited) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// LoadFromCheckpoint yields, stream by stream in id order, each stream's
// node and then the documents of its topics (in name order) whose latest
// message or edit falls in [start, end); a checkpoint follows every topic.
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

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint
// would yield for [start, end). Any failure ends the listing with an error.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("zulip: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}
