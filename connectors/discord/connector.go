package discord

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceDiscord

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Discord",
		Category:    tributary.CategoryChat,
		Description: "Messages of the Discord servers a bot is in: one document per channel and day and one per " +
			"thread or forum post, read by snowflake position with a bot token, with authors and mentions as owners, " +
			"access from the channels' permission overwrites, and roles as groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/discord",
	}, New))
}

// Connector reads a bot's guilds from Discord.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
	opts     options

	mu    sync.Mutex
	kinds map[string]channelRef // channels looked up by NormalizeURL
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero sizes mean their defaults but IncludeThreads must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "discord: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("discord: new connector: %w", err)
	}
	o.threadPage = cmp.Or(o.threadPage, 100)
	o.memberPage = cmp.Or(o.memberPage, 1000)
	return &Connector{settings: s, env: env, client: cl, opts: o, kinds: map[string]channelRef{}}, nil
}

// Source returns SourceDiscord.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /users/@me) and that the bot may list the
// channels of each guild the settings name (or of the guilds it is in). A
// rejected token fails with ErrCredentialExpired, a guild the bot is not
// in with ErrInsufficientPermissions naming it.
func (c *Connector) Validate(ctx context.Context) error {
	var me apiUser
	if err := c.client.get(ctx, "/users/@me", &me); err != nil {
		return fmt.Errorf("discord: validate credentials: %w", err)
	}
	guilds, err := c.guilds(ctx)
	if err != nil {
		return fmt.Errorf("discord: validate credentials: %w", err)
	}
	if len(guilds) > 0 {
		var chans []apiChannel
		if err := c.client.get(ctx, "/guilds/"+guilds[0].ID+"/channels", &chans); err != nil {
			return fmt.Errorf("discord: validate credentials: guild %s: %w", guilds[0].ID, err)
		}
	}
	return nil
}

// guilds returns the guilds read, in id order: those the settings name,
// read one by one (a guild the bot is not in fails, with
// ErrInsufficientPermissions), or every guild the bot is in, paged by
// after= 200 at a time.
func (c *Connector) guilds(ctx context.Context) ([]apiGuild, error) {
	var out []apiGuild
	if len(c.settings.GuildIDs) > 0 {
		for _, id := range c.settings.GuildIDs {
			var g apiGuild
			if err := c.client.get(ctx, "/guilds/"+id, &g); err != nil {
				if statusOf(err) == 404 || statusOf(err) == 403 {
					return nil, tributary.NewError("discord: guild "+id, tributary.ErrInsufficientPermissions,
						fmt.Errorf("the bot is not a member of guild %s (invite it with the bot scope): %w", id, err))
				}
				return nil, err
			}
			if g.ID != id {
				return nil, malformed("guild", "asked for guild %s, got %q", id, g.ID)
			}
			out = append(out, g)
		}
		return out, nil
	}
	after := "0"
	for {
		var page []apiGuild
		if err := c.client.get(ctx, "/users/@me/guilds?limit=200&after="+after, &page); err != nil {
			return nil, err
		}
		for _, g := range page {
			if !validID(g.ID) || compareIDs(g.ID, after) <= 0 {
				return nil, malformed("guilds", "guild %q out of order after %s", g.ID, after)
			}
			after = g.ID
		}
		out = append(out, page...)
		if len(page) < 200 {
			break
		}
	}
	slices.SortFunc(out, func(a, b apiGuild) int { return compareIDs(a.ID, b.ID) })
	return out, nil
}

// LoadFromCheckpoint yields, guild by guild in id order, the guild's
// node, and for each channel read (in id order) its category's and its own
// node, its channel-day documents oldest first and then its threads' in
// id order. A checkpoint follows every document. See the package
// documentation for what a window selects.
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
// would yield for [start, end), reading the same messages but keeping no
// text. Any failure ends the listing with an error, so that pruning never
// acts on an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("discord: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}
