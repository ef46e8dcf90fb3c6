package confluence

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// The deployments a Settings.Deployment names.
const (
	DeploymentCloud  = "cloud"  // Confluence Cloud (*.atlassian.net)
	DeploymentServer = "server" // Confluence Server or Data Center
)

// DefaultPageSize is the search page size: Confluence returns at most 50
// pages with their bodies per request.
const DefaultPageSize = 50

// Settings say which Confluence site and spaces to read.
type Settings struct {
	// BaseURL is the site's address as users see it: https://NAME.atlassian.net/wiki
	// for Cloud, or the Server address with its context path
	// (https://confluence.example.com or https://example.com/confluence).
	BaseURL string `json:"base_url" jsonschema:"title=Site URL,description=https://NAME.atlassian.net/wiki for Cloud or the Server/Data Center address with its context path,format=uri,required"`
	// Deployment is cloud or server; empty means cloud for *.atlassian.net
	// addresses and server otherwise.
	Deployment string `json:"deployment,omitempty" jsonschema:"title=Deployment,description=cloud or server (Server and Data Center); detected from the address when empty,enum=,enum=cloud,enum=server"`
	// Spaces lists space keys to read; empty reads every space the account
	// can see.
	Spaces []string `json:"spaces,omitempty" jsonschema:"title=Space keys,description=Keys of the spaces to read (as in /spaces/KEY/ or /display/KEY/); empty reads every space the account can see"`
	// IncludeComments adds each page's comments as sections; true by
	// default. It costs one request per page.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add page comments as sections (one more request per page),default=true"`
	// IncludeAttachments adds a section per attachment naming the file, its
	// type and its link (not its content). It costs one request per page.
	IncludeAttachments bool `json:"include_attachments,omitempty" jsonschema:"title=Attachments,description=Add a section per attachment with its name and link (one more request per page),default=false"`
	// PageSize is the search page size, at most 50.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=50,default=50"`
	// TimeZone is the IANA zone of the account's Confluence profile, in
	// which Confluence reads CQL dates. Empty means the connector measures
	// the account's UTC offset from the site (about ten small searches a
	// day) and widens its bounds by an hour for daylight saving time. The
	// zone lets the connector search again from the last update time read
	// instead of paging by offsets, so that pages edited during a run
	// cannot push others past it.
	TimeZone string `json:"time_zone,omitempty" jsonschema:"title=Account time zone,description=IANA time zone of the account's Confluence profile (such as Europe/Berlin); measured from the site when empty"`
	// RequestsPerSecond paces requests on the client's side; zero sends
	// them as fast as answers come and relies on the server's 429 answers
	// and their Retry-After.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,description=Client-side pace; 0 relies on the server's 429 answers,minimum=0"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeComments = true
	s.PageSize = DefaultPageSize
}

var spaceKey = regexp.MustCompile(`^~?[A-Za-z0-9_-]{1,255}$`)

// Validate reports every problem with the settings. An empty PageSize is
// given its default and an empty Deployment is detected.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	u, err := url.Parse(s.BaseURL)
	switch {
	case s.BaseURL == "":
		errs = append(errs, tributary.InvalidField("base_url", "required"))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://example.atlassian.net/wiki"))
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query, fragment or user"))
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/rest/api"):
		errs = append(errs, tributary.InvalidField("base_url", "is the site's address, without /rest/api"))
	}
	if s.Deployment == "" && err == nil && u != nil {
		s.Deployment = DeploymentServer
		if strings.HasSuffix(strings.ToLower(u.Hostname()), ".atlassian.net") {
			s.Deployment = DeploymentCloud
		}
	}
	if s.Deployment != DeploymentCloud && s.Deployment != DeploymentServer {
		errs = append(errs, tributary.InvalidField("deployment", "must be cloud or server"))
	}
	for i, k := range s.Spaces {
		if !spaceKey.MatchString(k) {
			errs = append(errs, tributary.InvalidField("spaces", "entry %d (%q) is not a space key", i, k))
		}
	}
	if s.PageSize < 1 || s.PageSize > 50 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 50"))
	}
	if s.RequestsPerSecond < 0 {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must not be negative"))
	}
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil {
			errs = append(errs, tributary.InvalidField("time_zone", "%q is not an IANA time zone", s.TimeZone))
		}
	}
	return errors.Join(errs...)
}

// base returns the site address without a trailing slash.
func (s *Settings) base() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials authenticate to Confluence: an e-mail address and an API
// token for Cloud, or a personal access token for Server and Data Center
// (where a user name and password in Email and APIToken also work).
type Credentials struct {
	// Email is the Atlassian account's e-mail address (Cloud), or a user
	// name (Server, with its password in APIToken).
	Email string `json:"email,omitempty" jsonschema:"title=E-mail,description=Atlassian account e-mail (Cloud)"`
	// APIToken is an API token made at id.atlassian.com (Cloud).
	APIToken tributary.Secret `json:"api_token,omitempty" jsonschema:"title=API token,description=API token from id.atlassian.com (Cloud)"`
	// PersonalAccessToken is a Server or Data Center personal access token.
	PersonalAccessToken tributary.Secret `json:"personal_access_token,omitempty" jsonschema:"title=Personal access token,description=Personal access token (Server and Data Center 7.9 and later)"`
	// WebhookSecret is the secret of the webhook whose deliveries
	// HandleEvent verifies; needed only for webhooks.
	WebhookSecret tributary.Secret `json:"webhook_secret,omitempty" jsonschema:"title=Webhook secret,description=Secret of the webhook whose deliveries are handled (only for webhooks)"`
}

// Validate reports credentials that are missing or mixed.
func (c *Credentials) Validate() error {
	basic := c.Email != "" || c.APIToken.Reveal() != ""
	pat := c.PersonalAccessToken.Reveal() != ""
	var errs []error
	switch {
	case basic && pat:
		errs = append(errs, tributary.InvalidField("personal_access_token", "give either email and api_token, or a personal access token, not both"))
	case pat:
		if strings.ContainsAny(c.PersonalAccessToken.Reveal(), " \r\n\t") {
			errs = append(errs, tributary.InvalidField("personal_access_token", "must not contain spaces or line breaks"))
		}
	case c.Email == "" && c.APIToken.Reveal() == "":
		errs = append(errs, tributary.InvalidField("api_token", "give email and api_token (Cloud) or personal_access_token (Server)"))
	case c.Email == "":
		errs = append(errs, tributary.InvalidField("email", "required with api_token"))
	case c.APIToken.Reveal() == "":
		errs = append(errs, tributary.InvalidField("api_token", "required with email"))
	case strings.ContainsAny(c.APIToken.Reveal(), "\r\n"):
		errs = append(errs, tributary.InvalidField("api_token", "must not contain line breaks"))
	}
	return errors.Join(errs...)
}
