package zendesk

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Settings say which Zendesk account to read and what to read in it.
type Settings struct {
	// Subdomain names the account: "acme" for https://acme.zendesk.com.
	Subdomain string `json:"subdomain,omitempty" jsonschema:"title=Subdomain,description=The account's subdomain: acme for https://acme.zendesk.com"`
	// BaseURL, when set, is the account's address in place of the one the
	// subdomain names (a host mapped to Zendesk, or an emulator).
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=Account URL,description=Address of the account when it is not https://SUBDOMAIN.zendesk.com,format=uri"`
	// IncludeArticles reads Help Center articles; true by default.
	IncludeArticles bool `json:"include_articles" jsonschema:"title=Help Center articles,description=Read Help Center articles,default=true"`
	// IncludeTickets reads tickets with their comments; true by default.
	IncludeTickets bool `json:"include_tickets" jsonschema:"title=Tickets,description=Read tickets and their comments (needs an admin),default=true"`
	// Locales are the Help Center locales whose articles are read; "en-us"
	// by default. Each translation is a document of its own.
	Locales []string `json:"locales,omitempty" jsonschema:"title=Locales,description=Help Center locales to read such as en-us and de,default=en-us"`
	// IncludeDrafts reads draft articles too (visible to agents only).
	IncludeDrafts bool `json:"include_drafts,omitempty" jsonschema:"title=Drafts,description=Read draft articles too"`
	// IncludeComments reads each ticket's comments as its sections (one
	// request or more per ticket); true by default. Without them a ticket
	// is its subject and description.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Read ticket comments (one more request per ticket),default=true"`
	// IncludePrivateComments adds internal notes to tickets; true by
	// default (tickets are visible to agents only).
	IncludePrivateComments bool `json:"include_private_comments" jsonschema:"title=Internal notes,description=Add internal (private) comments to tickets,default=true"`
	// PageSize is the size of listing pages, at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
	// ExportPageSize is the number of tickets per incremental export page,
	// at most 1000.
	ExportPageSize int `json:"export_page_size,omitempty" jsonschema:"title=Export page size,minimum=1,maximum=1000,default=1000"`
	// RequestsPerMinute is the client's pace; Zendesk allows 200 to 700 a
	// minute by plan (and ten a minute for the incremental exports, which
	// the client waits out from the answers' Retry-After).
	RequestsPerMinute int `json:"requests_per_minute,omitempty" jsonschema:"title=Requests per minute,minimum=1,maximum=2500,default=200"`
}

// Defaults.
const (
	DefaultLocale         = "en-us"
	DefaultPageSize       = 100
	DefaultExportPageSize = 1000
	DefaultRequestsPerMin = 200
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeArticles = true
	s.IncludeTickets = true
	s.IncludeComments = true
	s.IncludePrivateComments = true
	s.Locales = []string{DefaultLocale}
	s.PageSize = DefaultPageSize
	s.ExportPageSize = DefaultExportPageSize
	s.RequestsPerMinute = DefaultRequestsPerMin
}

var (
	subdomainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	localePattern    = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)
)

// Validate reports every problem with the settings. Zero sizes and pace
// and empty locales are given their defaults first; locales are
// lower-cased.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.ExportPageSize == 0 {
		s.ExportPageSize = DefaultExportPageSize
	}
	if s.RequestsPerMinute == 0 {
		s.RequestsPerMinute = DefaultRequestsPerMin
	}
	if len(s.Locales) == 0 {
		s.Locales = []string{DefaultLocale}
	}
	s.Subdomain = strings.ToLower(strings.TrimSpace(s.Subdomain))
	switch {
	case s.Subdomain == "" && s.BaseURL == "":
		errs = append(errs, tributary.InvalidField("subdomain", "required: the account's subdomain (acme for acme.zendesk.com)"))
	case s.Subdomain != "" && !subdomainPattern.MatchString(s.Subdomain):
		errs = append(errs, tributary.InvalidField("subdomain", "must be a subdomain such as acme, not an address"))
	}
	if s.BaseURL != "" {
		if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://acme.zendesk.com"))
		} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
			errs = append(errs, tributary.InvalidField("base_url", "must be the account's root, without path, query, fragment or user"))
		}
	}
	if !s.IncludeArticles && !s.IncludeTickets {
		errs = append(errs, tributary.InvalidField("include_tickets", "nothing to read: include articles, tickets or both"))
	}
	for i, l := range s.Locales {
		s.Locales[i] = strings.ToLower(strings.TrimSpace(l))
		if !localePattern.MatchString(s.Locales[i]) {
			errs = append(errs, tributary.InvalidField("locales", "%q is not a locale such as en-us or de", l))
		} else if slices.Contains(s.Locales[:i], s.Locales[i]) {
			errs = append(errs, tributary.InvalidField("locales", "%q is named twice", l))
		}
	}
	if s.PageSize < 1 || s.PageSize > 100 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	if s.ExportPageSize < 1 || s.ExportPageSize > 1000 {
		errs = append(errs, tributary.InvalidField("export_page_size", "must be between 1 and 1000"))
	}
	if s.RequestsPerMinute < 1 || s.RequestsPerMinute > 2500 {
		errs = append(errs, tributary.InvalidField("requests_per_minute", "must be between 1 and 2500"))
	}
	return errors.Join(errs...)
}

// site returns the account's address without a trailing slash.
func (s *Settings) site() string {
	if s.BaseURL != "" {
		return strings.TrimRight(s.BaseURL, "/")
	}
	return "https://" + s.Subdomain + ".zendesk.com"
}

// Credentials authenticate as a Zendesk user: an e-mail with an API token,
// or an OAuth access token.
type Credentials struct {
	// Email is the user's sign-in address, with APIToken.
	Email string `json:"email,omitempty" jsonschema:"title=E-mail,description=Sign-in address of the user the API token acts as"`
	// APIToken is an API token from Admin Center (Apps and integrations,
	// Zendesk API), sent as basic authentication "{email}/token:{token}".
	APIToken tributary.Secret `json:"api_token,omitempty" jsonschema:"title=API token,description=API token from Admin Center; needs email"`
	// OAuthToken is an OAuth access token with the read scope, in place of
	// Email and APIToken.
	OAuthToken tributary.Secret `json:"oauth_token,omitempty" jsonschema:"title=OAuth access token,description=OAuth access token with the read scope (instead of email and API token)"`
}

// Validate reports missing or conflicting credentials.
func (c *Credentials) Validate() error {
	token := strings.TrimSpace(c.APIToken.Reveal()) != ""
	oauth := strings.TrimSpace(c.OAuthToken.Reveal()) != ""
	var errs []error
	switch {
	case token && oauth:
		errs = append(errs, tributary.InvalidField("oauth_token", "give either an API token with an e-mail or an OAuth token, not both"))
	case oauth:
		if c.Email != "" {
			errs = append(errs, tributary.InvalidField("email", "not used with an OAuth token"))
		}
	case token:
		if !strings.Contains(c.Email, "@") || strings.ContainsAny(c.Email, " /:") {
			errs = append(errs, tributary.InvalidField("email", "required with an API token: the user's sign-in address"))
		}
	default:
		errs = append(errs, tributary.InvalidField("api_token", "required: an API token with an e-mail, or an OAuth token"))
	}
	return errors.Join(errs...)
}
