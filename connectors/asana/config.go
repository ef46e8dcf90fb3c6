package asana

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Settings say what to read from the Asana workspaces the token's user
// belongs to.
type Settings struct {
	// Workspaces are the gids of the workspaces (or organizations) read;
	// every workspace of the token's user when empty.
	Workspaces []string `json:"workspaces,omitempty" jsonschema:"title=Workspaces,description=Gids of the workspaces to read (all of the user's when empty)"`
	// Projects are the gids of the projects read; every project the user
	// sees in the workspaces read when empty.
	Projects []string `json:"projects,omitempty" jsonschema:"title=Projects,description=Gids of the projects to read (every visible project when empty)"`
	// IncludeArchived reads archived projects too; false by default.
	IncludeArchived bool `json:"include_archived,omitempty" jsonschema:"title=Archived projects,description=Read archived projects too"`
	// IncludeComments adds each task's comments as sections; true by
	// default.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add each task's comments (stories of type comment),default=true"`
	// IncludeSubtasks yields the subtasks of each task read as documents
	// of their own, under the task's project; false by default.
	IncludeSubtasks bool `json:"include_subtasks,omitempty" jsonschema:"title=Subtasks,description=Read the subtasks of each task as documents"`
	// PageSize is the number of records per page, at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
	// RequestsPerMinute is the client's pace: Asana allows 150 requests a
	// minute on a free workspace and 1,500 on a paid one.
	RequestsPerMinute int `json:"requests_per_minute,omitempty" jsonschema:"title=Requests per minute,minimum=1,maximum=1500,default=140"`
	// BaseURL is the API root; https://app.asana.com/api/1.0 by default
	// (an emulator in tests).
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=API root when not https://app.asana.com/api/1.0,format=uri"`
}

// Defaults.
const (
	DefaultBaseURL           = "https://app.asana.com/api/1.0"
	DefaultPageSize          = 100
	DefaultRequestsPerMinute = 140
	DefaultTokenURL          = "https://app.asana.com/-/oauth_token"
	maxPageSize              = 100
	maxRequestsPerMinute     = 1500
	maxListed                = 500
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeComments = true
	s.PageSize = DefaultPageSize
	s.RequestsPerMinute = DefaultRequestsPerMinute
	s.BaseURL = DefaultBaseURL
}

var gidPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// Validate reports every problem with the settings. Zero sizes and an
// empty base URL take their defaults; gid lists are sorted.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.RequestsPerMinute == 0 {
		s.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	for _, f := range []struct {
		name string
		gids *[]string
	}{{"workspaces", &s.Workspaces}, {"projects", &s.Projects}} {
		for _, g := range *f.gids {
			if !gidPattern.MatchString(g) {
				errs = append(errs, tributary.InvalidField(f.name, "%q is not a gid (digits, as in the address app.asana.com/0/GID)", truncate(g)))
			}
		}
		if len(*f.gids) > maxListed {
			errs = append(errs, tributary.InvalidField(f.name, "at most %d gids", maxListed))
		}
		*f.gids = slices.Compact(slices.Sorted(slices.Values(*f.gids)))
	}
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	if s.RequestsPerMinute < 1 || s.RequestsPerMinute > maxRequestsPerMinute {
		errs = append(errs, tributary.InvalidField("requests_per_minute", "must be between 1 and 1500"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must be the API's root, without query, fragment or user"))
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return errors.Join(errs...)
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Credentials authenticate as an Asana user: a personal access token, or
// an OAuth access token, and for a token that expires (Asana's OAuth
// access tokens last an hour) the refresh token with the application's
// client id and secret, which keep it current.
type Credentials struct {
	// AccessToken is a personal access token (My Settings > Apps >
	// Developer apps > Personal access tokens) or an OAuth access token,
	// sent as a Bearer token.
	AccessToken tributary.Secret `json:"access_token,omitempty" jsonschema:"title=Access token,description=Personal access token or OAuth access token"`
	// RefreshToken, ClientID and ClientSecret renew an OAuth access token
	// when it expires (the refresh-token grant).
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=OAuth refresh token,description=Refresh token of the OAuth grant; renews the access token"`
	ClientID     string           `json:"client_id,omitempty" jsonschema:"title=OAuth client id,description=The OAuth application's client id (with a refresh token)"`
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=OAuth client secret,description=The OAuth application's client secret (with a refresh token)"`
	// Expiry is when the access token expires; without it the access
	// token is renewed at the first request.
	Expiry time.Time `json:"expiry,omitzero" jsonschema:"title=Access token expiry,description=When the access token expires (RFC 3339),format=date-time"`
	// TokenURL is the token endpoint; Asana's unless a test says
	// otherwise.
	TokenURL string `json:"token_url,omitempty" jsonschema:"title=Token URL,description=OAuth token endpoint,default=https://app.asana.com/-/oauth_token,format=uri"`
}

// Validate reports missing or malformed credentials.
func (c *Credentials) Validate() error {
	tok, refresh := c.AccessToken.Reveal(), c.RefreshToken.Reveal()
	if refresh != "" {
		var errs []error
		if strings.TrimSpace(c.ClientID) == "" {
			errs = append(errs, tributary.InvalidField("client_id", "required with a refresh token"))
		}
		if c.ClientSecret.Reveal() == "" {
			errs = append(errs, tributary.InvalidField("client_secret", "required with a refresh token"))
		}
		if strings.ContainsAny(tok+refresh, " \r\n\t") {
			errs = append(errs, tributary.InvalidField("refresh_token", "tokens must not contain spaces or line breaks"))
		}
		if u, err := url.Parse(c.TokenURL); c.TokenURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			errs = append(errs, tributary.InvalidField("token_url", "must be an http or https URL such as %s", DefaultTokenURL))
		}
		return errors.Join(errs...)
	}
	switch {
	case c.ClientID != "" || c.ClientSecret.Reveal() != "" || c.TokenURL != "" || !c.Expiry.IsZero():
		return tributary.InvalidField("refresh_token", "required with client_id, client_secret, expiry or token_url")
	case strings.TrimSpace(tok) == "":
		return tributary.InvalidField("access_token", "required: a personal access token or an OAuth access token")
	case strings.ContainsAny(tok, " \t\r\n") || strings.HasPrefix(strings.ToLower(tok), "bearer"):
		return tributary.InvalidField("access_token", "must be the token alone, without spaces or a Bearer prefix")
	}
	return nil
}
