package discord

import (
	"errors"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Settings say what to read of the guilds (servers) the bot is in.
type Settings struct {
	// GuildIDs are the guilds read, by id; every guild the bot is in when
	// empty.
	GuildIDs []string `json:"guild_ids,omitempty" jsonschema:"title=Guilds,description=Ids of the guilds (servers) to read; every guild the bot is in when empty"`
	// ChannelIDs, when set, limit the reading to these channels (text,
	// announcement and forum channels) and their threads.
	ChannelIDs []string `json:"channel_ids,omitempty" jsonschema:"title=Channels,description=Ids of the channels to read; every readable text and announcement channel and forum when empty"`
	// IncludeThreads reads the public threads of the channels read (the
	// posts of a forum are threads); true by default.
	IncludeThreads bool `json:"include_threads" jsonschema:"title=Threads,description=Read each channel's public threads and each forum's posts,default=true"`
	// UserEmails maps Discord user ids to e-mail addresses. Discord shows
	// a bot no member's address: owners and group members are named by
	// address only through this map, and members left out of it are left
	// out of group sync.
	UserEmails map[string]string `json:"user_emails,omitempty" jsonschema:"title=User e-mail addresses,description=E-mail address of each Discord user id; Discord does not show them to bots"`
	// PageSize is the number of messages per request, at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
	// RequestsPerSecond is the client's pace, under Discord's global limit
	// of 50 a second per bot.
	RequestsPerSecond int `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=1,maximum=50,default=40"`
	// BaseURL is the API root; https://discord.com/api/v10 by default (an
	// emulator in tests).
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=API root when not https://discord.com/api/v10,format=uri"`
}

// Defaults.
const (
	DefaultBaseURL           = "https://discord.com/api/v10"
	DefaultPageSize          = 100
	DefaultRequestsPerSecond = 40
	maxPageSize              = 100
	maxRequestsPerSecond     = 50
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeThreads = true
	s.PageSize = DefaultPageSize
	s.RequestsPerSecond = DefaultRequestsPerSecond
	s.BaseURL = DefaultBaseURL
}

// validID reports whether s is a snowflake.
func validID(s string) bool {
	n, err := strconv.ParseUint(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatUint(n, 10) == s
}

// Validate reports every problem with the settings. Zero sizes and an
// empty base URL take their defaults; ids are sorted and addresses
// lower-cased.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"guild_ids", s.GuildIDs}, {"channel_ids", s.ChannelIDs}} {
		for _, id := range f.ids {
			if !validID(id) {
				errs = append(errs, tributary.InvalidField(f.name, "%q is not a Discord id (a snowflake, digits only)", id))
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(f.ids)))) != len(f.ids) {
			errs = append(errs, tributary.InvalidField(f.name, "an id is named twice"))
		}
	}
	s.GuildIDs = sortIDs(s.GuildIDs)
	s.ChannelIDs = sortIDs(s.ChannelIDs)
	emails := make(map[string]string, len(s.UserEmails))
	for id, addr := range s.UserEmails {
		if !validID(id) {
			errs = append(errs, tributary.InvalidField("user_emails", "%q is not a Discord user id", id))
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			errs = append(errs, tributary.InvalidField("user_emails", "%q is not an e-mail address", addr))
		}
		emails[id] = strings.ToLower(addr)
	}
	s.UserEmails = emails
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	if s.RequestsPerSecond < 1 || s.RequestsPerSecond > maxRequestsPerSecond {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 1 and 50"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://discord.com/api/v10"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must be the API's root, without query, fragment or user"))
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return errors.Join(errs...)
}

// sortIDs sorts snowflakes by number (as strings, shorter first).
func sortIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.SortFunc(out, compareIDs)
	return out
}

// compareIDs orders two snowflakes by their number.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Credentials authenticate as a Discord bot.
type Credentials struct {
	// BotToken is the bot's token (Developer Portal, the application's
	// Bot page), sent as "Authorization: Bot TOKEN".
	BotToken tributary.Secret `json:"bot_token" jsonschema:"title=Bot token,description=Token of the application's bot user (Developer Portal > Bot > Reset Token)"`
}

// Validate reports a missing or malformed token.
func (c *Credentials) Validate() error {
	tok := c.BotToken.Reveal()
	switch {
	case strings.TrimSpace(tok) == "":
		return tributary.InvalidField("bot_token", "required: the bot's token")
	case strings.ContainsAny(tok, " \t\r\n"):
		return tributary.InvalidField("bot_token", "must be the token alone, without spaces or a \"Bot\" prefix")
	}
	return nil
}
