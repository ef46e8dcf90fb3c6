package bookstack

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Defaults and bounds of the settings.
const (
	// DefaultPageSize is the number of items per listing request;
	// BookStack gives at most 500.
	DefaultPageSize = 100
	maxPageSize     = 500
	// DefaultRequestsPerMinute keeps under BookStack's default budget of
	// 180 requests a minute per user (API_REQUESTS_PER_MIN).
	DefaultRequestsPerMinute = 150
)

// Settings say which BookStack instance to read and how fast.
type Settings struct {
	// BaseURL is the instance's address (APP_URL), such as
	// https://docs.example.com, or with a path when BookStack is served
	// under one; the API is under /api of it.
	BaseURL string `json:"base_url" jsonschema:"title=BookStack URL,description=Address of the instance (its APP_URL) such as https://docs.example.com,format=uri,required"`
	// PageSize is the number of items each listing request asks for, at
	// most 500.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=500,default=100"`
	// RequestsPerMinute is the client's pace. BookStack allows 180
	// requests a minute per user by default; an administrator may change
	// it with API_REQUESTS_PER_MIN.
	RequestsPerMinute int `json:"requests_per_minute,omitempty" jsonschema:"title=Requests per minute,minimum=1,maximum=10000,default=150"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.PageSize = DefaultPageSize
	s.RequestsPerMinute = DefaultRequestsPerMinute
}

// Validate reports every problem with the settings. A zero PageSize or
// RequestsPerMinute is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.RequestsPerMinute == 0 {
		s.RequestsPerMinute = DefaultRequestsPerMinute
	}
	u, err := url.Parse(s.BaseURL)
	switch {
	case s.BaseURL == "":
		errs = append(errs, tributary.InvalidField("base_url", "required: the instance's address such as https://docs.example.com"))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://docs.example.com"))
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query, fragment or user information"))
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/api") || strings.Contains(u.Path, "/api/"):
		errs = append(errs, tributary.InvalidField("base_url", "is the instance's address, without /api"))
	}
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 500"))
	}
	if s.RequestsPerMinute < 1 || s.RequestsPerMinute > 10000 {
		errs = append(errs, tributary.InvalidField("requests_per_minute", "must be between 1 and 10000"))
	}
	return errors.Join(errs...)
}

// web returns the instance's address without a trailing slash.
func (s *Settings) web() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials are an API token: its id and secret, shown once when the
// token is made under a user's profile (Edit Profile, API Tokens).
type Credentials struct {
	// TokenID is the token's id.
	TokenID string `json:"token_id" jsonschema:"title=Token ID,description=The API token's id shown when it was made,required"`
	// TokenSecret is the token's secret.
	TokenSecret tributary.Secret `json:"token_secret" jsonschema:"title=Token secret,description=The API token's secret shown once when it was made,required"`
}

// Validate reports a missing or malformed token.
func (c *Credentials) Validate() error {
	var errs []error
	switch id := c.TokenID; {
	case strings.TrimSpace(id) == "":
		errs = append(errs, tributary.InvalidField("token_id", "required: the id of an API token made under the user's profile"))
	case strings.ContainsAny(id, ": \r\n\t"):
		errs = append(errs, tributary.InvalidField("token_id", "must not contain a colon, spaces or line breaks"))
	}
	switch k := c.TokenSecret.Reveal(); {
	case strings.TrimSpace(k) == "":
		errs = append(errs, tributary.InvalidField("token_secret", "required: the secret shown when the token was made"))
	case strings.ContainsAny(k, " \r\n\t"):
		errs = append(errs, tributary.InvalidField("token_secret", "must not contain spaces or line breaks"))
	}
	return errors.Join(errs...)
}
