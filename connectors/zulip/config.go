package zulip

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Settings say which Zulip organization to read.
type Settings struct {
	// Site is the organization's address, such as https://acme.zulipchat.com
	// or a self-hosted server's root.
	Site string `json:"site" jsonschema:"title=Organization URL,description=Address of the organization such as https://acme.zulipchat.com,format=uri"`
	// MaxMessagesPerTopic bounds the messages a topic document holds: the
	// newest ones; 1000 by default.
	MaxMessagesPerTopic int `json:"max_messages_per_topic,omitempty" jsonschema:"title=Messages per topic,minimum=1,maximum=50000,default=1000"`
	// PageSize is the number of messages per request, at most 5000.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=5000,default=1000"`
	// EditLookbackMinutes is how long before a poll window's start the
	// poll reads messages again, to see the edits and moves made in the
	// window of messages sent before it: Zulip lets authors edit a
	// message for ten minutes by default. Zero reads only the messages
	// sent in the window.
	EditLookbackMinutes int `json:"edit_lookback_minutes" jsonschema:"title=Edit lookback (minutes),minimum=0,maximum=10080,default=10"`
}

// Defaults.
const (
	DefaultMaxMessagesPerTopic = 1000
	DefaultPageSize            = 1000
	DefaultEditLookbackMinutes = 10
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.MaxMessagesPerTopic = DefaultMaxMessagesPerTopic
	s.PageSize = DefaultPageSize
	s.EditLookbackMinutes = DefaultEditLookbackMinutes
}

// Validate reports every problem with the settings; zero sizes take their
// defaults.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxMessagesPerTopic == 0 {
		s.MaxMessagesPerTopic = DefaultMaxMessagesPerTopic
	}
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if u, err := url.Parse(s.Site); s.Site == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("site", "required: the organization's http or https address such as https://acme.zulipchat.com"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		errs = append(errs, tributary.InvalidField("site", "must be the organization's root, without path, query, fragment or user"))
	}
	if s.MaxMessagesPerTopic < 1 || s.MaxMessagesPerTopic > 50000 {
		errs = append(errs, tributary.InvalidField("max_messages_per_topic", "must be between 1 and 50000"))
	}
	if s.PageSize < 1 || s.PageSize > 5000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 5000"))
	}
	if s.EditLookbackMinutes < 0 || s.EditLookbackMinutes > 10080 {
		errs = append(errs, tributary.InvalidField("edit_lookback_minutes", "must be between 0 and 10080 (a week)"))
	}
	return errors.Join(errs...)
}

func (s *Settings) site() string { return strings.TrimRight(s.Site, "/") }

func (s *Settings) editLookback() time.Duration {
	return time.Duration(s.EditLookbackMinutes) * time.Minute
}

// Credentials authenticate as a Zulip user or bot: its e-mail and API key.
type Credentials struct {
	// Email is the account's Zulip API e-mail (a bot's e-mail for a bot;
	// where the organization hides addresses, the one its API key page
	// shows).
	Email string `json:"email" jsonschema:"title=E-mail,description=Zulip e-mail of the user or bot"`
	// APIKey is the account's API key (Personal settings, Account and
	// privacy, API key; or the bot's key).
	APIKey tributary.Secret `json:"api_key" jsonschema:"title=API key,description=API key of the user or bot"`
}

// Validate reports missing credentials.
func (c *Credentials) Validate() error {
	var errs []error
	if !strings.Contains(c.Email, "@") || strings.ContainsAny(c.Email, " :") {
		errs = append(errs, tributary.InvalidField("email", "required: the account's Zulip e-mail"))
	}
	if strings.TrimSpace(c.APIKey.Reveal()) == "" {
		errs = append(errs, tributary.InvalidField("api_key", "required: the account's API key"))
	}
	return errors.Join(errs...)
}
