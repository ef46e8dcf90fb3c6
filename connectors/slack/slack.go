package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Source is the source this package reads.
const Source = tributary.SourceSlack

// DefaultBaseURL is the Web API's address.
const DefaultBaseURL = "https://slack.com/api"

// Settings say which workspace and channels to read.
type Settings struct {
	// WorkspaceURL is the workspace's address, such as
	// https://acme.slack.com, from which permalinks are built. Empty means
	// the address auth.test reports for the token.
	WorkspaceURL string `json:"workspace_url,omitempty" jsonschema:"description=Workspace address such as https://acme.slack.com; empty uses the one the token belongs to,format=uri"`
	// Channels are channel ids (C0123ABCD) or names (general or #general).
	// Empty means every channel the app has been invited to.
	Channels []string `json:"channels,omitempty" jsonschema:"description=Channel ids (C0123ABCD) or names (general); empty means every channel the app is a member of"`
	// IncludePrivate reads private channels the app is a member of.
	IncludePrivate bool `json:"include_private,omitempty" jsonschema:"description=Also read private channels the app has been invited to (needs groups:read and groups:history)"`
	// IncludeBots indexes messages posted by bots and integrations.
	IncludeBots bool `json:"include_bots,omitempty" jsonschema:"description=Index messages posted by bots and integrations"`
	// IncludeArchived reads archived channels too, when no channels are
	// configured; configured channels are read even when archived.
	IncludeArchived bool `json:"include_archived,omitempty" jsonschema:"description=Also read archived channels (configured channels are read even when archived)"`
	// ThreadLookback bounds how far before a poll window the connector looks
	// for threads with new replies; zero scans each channel's whole history
	// on every poll, which finds every thread but costs one history page per
	// PageSize top-level messages. See the package documentation.
	ThreadLookback tributary.Duration `json:"thread_lookback,omitempty" jsonschema:"description=How far before a poll window to look for threads with new replies (such as 720h); empty scans the whole history on each poll"`
	// PageSize is the limit sent to conversations.history (1 to 999).
	PageSize int `json:"page_size,omitempty" jsonschema:"description=Messages per history page (1 to 999; Slack caps apps distributed outside its Marketplace at 15),minimum=1,maximum=999,default=200"`
	// HistoryRequestsPerMinute paces conversations.history and
	// conversations.replies: 50 for internal and Marketplace apps (Tier 3),
	// 1 for apps distributed commercially outside the Marketplace.
	HistoryRequestsPerMinute int `json:"history_requests_per_minute,omitempty" jsonschema:"description=Pace of conversations.history and .replies: 50 (Tier 3) for internal and Marketplace apps; 1 for other commercially distributed apps,minimum=1,default=50"`
	// BaseURL is the Web API's address; tests point it at an emulator.
	BaseURL string `json:"base_url,omitempty" jsonschema:"description=Web API address (for tests),default=https://slack.com/api,format=uri"`
}

// SetDefaults fills the defaults.
func (s *Settings) SetDefaults() {
	s.PageSize = 200
	s.HistoryRequestsPerMinute = 50
	s.BaseURL = DefaultBaseURL
}

// fillDefaults replaces zero values with the defaults, for callers of New
// that build Settings by hand.
func (s *Settings) fillDefaults() {
	var d Settings
	d.SetDefaults()
	if s.PageSize == 0 {
		s.PageSize = d.PageSize
	}
	if s.HistoryRequestsPerMinute == 0 {
		s.HistoryRequestsPerMinute = d.HistoryRequestsPerMinute
	}
	if s.BaseURL == "" {
		s.BaseURL = d.BaseURL
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._\-]{0,79}$`)

// Validate reports every problem with the settings.
func (s *Settings) Validate() error {
	var errs []error
	if s.WorkspaceURL != "" {
		if _, err := workspaceBase(s.WorkspaceURL); err != nil {
			errs = append(errs, tributary.InvalidField("workspace_url", "%v", err))
		}
	}
	for i, ch := range s.Channels {
		ch = strings.TrimPrefix(strings.TrimSpace(ch), "#")
		if !isChannelID(ch) && !nameRE.MatchString(ch) {
			errs = append(errs, tributary.InvalidField(fmt.Sprintf("channels[%d]", i),
				"%q is neither a channel id (C0123ABCD) nor a channel name (lower case, no spaces)", s.Channels[i]))
		}
	}
	if s.PageSize < 1 || s.PageSize > 999 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 999"))
	}
	if s.HistoryRequestsPerMinute < 1 {
		errs = append(errs, tributary.InvalidField("history_requests_per_minute", "must be at least 1"))
	}
	if s.ThreadLookback < 0 {
		errs = append(errs, tributary.InvalidField("thread_lookback", "must not be negative"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL"))
	}
	return errors.Join(errs...)
}

var idRE = regexp.MustCompile(`^[CGD][A-Z0-9]{8,}$`)

// isChannelID reports whether s looks like a conversation id; names are
// lower case, so the two never collide.
func isChannelID(s string) bool { return idRE.MatchString(s) }

// workspaceBase normalises a workspace URL to "https://host".
func workspaceBase(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("must be the workspace's address, such as https://acme.slack.com")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// Credentials hold the app's token.
type Credentials struct {
	// BotToken is the app's bot user OAuth token (xoxb-...).
	BotToken tributary.Secret `json:"bot_token" jsonschema:"required,description=Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page"`
	// SigningSecret verifies Events API deliveries (HandleEvent); only
	// needed to receive them.
	SigningSecret tributary.Secret `json:"signing_secret,omitempty" jsonschema:"description=Signing Secret from the app's Basic Information page; needed only to receive Events API deliveries"`
}

// Validate reports every problem with the credentials.
func (c *Credentials) Validate() error {
	if strings.ContainsAny(c.BotToken.Reveal(), " \t\r\n") {
		return tributary.InvalidField("bot_token", "must not contain white space")
	}
	return nil
}

// Connector reads a Slack workspace. It is safe for concurrent use.
type Connector struct {
	settings Settings
	env      tributary.Env
	api      *client
	// reopen rebuilds api with other tuning (tests). It holds the token in
	// a closure, so that printing a Connector never shows it.
	reopen func(tuning) (*client, error)
	// signingSecret is a pointer for the same reason: fmt prints a nested
	// pointer as an address.
	signingSecret *tributary.Secret
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Slack",
		Category:    tributary.CategoryChat,
		Description: "Messages of public and private Slack channels, one document per thread or " +
			"unthreaded message, with permalinks, authors and channel membership.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/slack",
	}, New))
}

// New returns a connector for the settings and credentials. It does no I/O.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	s.fillDefaults()
	errs := []error{}
	if err := s.Validate(); err != nil {
		errs = append(errs, tributary.PrefixFields("settings", err))
	}
	if c.BotToken.IsZero() {
		errs = append(errs, tributary.InvalidField("credentials.bot_token", "required"))
	} else if err := c.Validate(); err != nil {
		errs = append(errs, tributary.PrefixFields("credentials", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, tributary.NewError("slack: new connector", tributary.ErrInvalidConfig, err)
	}
	reopen := func(t tuning) (*client, error) { return newClient(s, c.BotToken, env, t) }
	api, err := reopen(tuning{})
	if err != nil {
		return nil, err
	}
	secret := c.SigningSecret
	return &Connector{settings: s, env: env, api: api, reopen: reopen, signingSecret: &secret}, nil
}

// Source returns SourceSlack.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token with auth.test and users.info, and that every
// configured channel exists and the app may read it.
func (c *Connector) Validate(ctx context.Context) error {
	var who authTest
	if err := c.api.call(ctx, "auth.test", nil, &who); err != nil {
		return fmt.Errorf("slack: check token: %w", err)
	}
	if c.settings.WorkspaceURL == "" {
		if _, err := workspaceBase(who.URL); err != nil {
			return tributary.NewError("slack: check token", tributary.ErrInvalidConfig,
				fmt.Errorf("auth.test gave no workspace url; set workspace_url"))
		}
	}
	var u userInfo
	if err := c.api.call(ctx, "users.info", url.Values{"user": {who.UserID}}, &u); err != nil && slackCode(err) != "user_not_found" {
		return fmt.Errorf("slack: check users:read: %w", err)
	}
	if len(c.settings.Channels) == 0 {
		return nil
	}
	chans, missing, err := c.channels(ctx)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return tributary.NewError("slack: check channels", tributary.ErrNotFound,
			fmt.Errorf("no channel %s visible to the app (invite it, or set include_private for private channels)", strings.Join(missing, ", ")))
	}
	for _, ch := range chans {
		if !ch.IsMember {
			return tributary.NewError("slack: check channels", tributary.ErrInsufficientPermissions,
				fmt.Errorf("the app is not a member of #%s (%s): invite it with /invite", ch.Name, ch.ID))
		}
	}
	var h history
	err = c.api.call(ctx, "conversations.history", url.Values{"channel": {chans[0].ID}, "limit": {"1"}}, &h)
	if err != nil {
		return fmt.Errorf("slack: check history of #%s: %w", chans[0].Name, err)
	}
	return nil
}
