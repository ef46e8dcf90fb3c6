package github

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultBaseURL is the REST API of github.com. GitHub Enterprise Server
// serves it at https://HOST/api/v3.
const DefaultBaseURL = "https://api.github.com"

// Settings say which repositories to read and what to read in them.
type Settings struct {
	// BaseURL is the REST API root.
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API base URL,description=REST API root: https://api.github.com for github.com or https://HOST/api/v3 for GitHub Enterprise Server,default=https://api.github.com,format=uri"`
	// Repositories lists repositories as "owner/name".
	Repositories []string `json:"repositories,omitempty" jsonschema:"title=Repositories,description=Repositories to read as owner/name"`
	// Owner is a user or organization whose repositories are all read (the
	// ones the token can see), besides Repositories.
	Owner string `json:"owner,omitempty" jsonschema:"title=Owner,description=A user or organization whose repositories are all read"`
	// IncludePullRequests reads pull requests; true by default.
	IncludePullRequests bool `json:"include_pull_requests" jsonschema:"title=Pull requests,description=Read pull requests,default=true"`
	// IncludeIssues reads issues; true by default.
	IncludeIssues bool `json:"include_issues" jsonschema:"title=Issues,description=Read issues,default=true"`
	// State reads only open or closed items; "all" by default.
	State string `json:"state,omitempty" jsonschema:"title=State,description=Which items to read by state,enum=all,enum=open,enum=closed,default=all"`
	// IncludeComments adds each item's comments as further sections. It
	// costs one more request per item that has comments.
	IncludeComments bool `json:"include_comments,omitempty" jsonschema:"title=Comments,description=Add comments as sections (one more request per commented item),default=false"`
	// PerPage is the listing page size, at most 100 (GitHub's maximum).
	PerPage int `json:"per_page,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.BaseURL = DefaultBaseURL
	s.IncludePullRequests = true
	s.IncludeIssues = true
	s.State = "all"
	s.PerPage = 100
}

// Validate reports every problem with the settings. An empty BaseURL, State
// or PerPage is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.State == "" {
		s.State = "all"
	}
	if s.PerPage == 0 {
		s.PerPage = 100
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL))
	} else if u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query or fragment"))
	}
	if len(s.Repositories) == 0 && s.Owner == "" {
		errs = append(errs, tributary.InvalidField("repositories", "name at least one repository, or set owner"))
	}
	for i, r := range s.Repositories {
		if !validFullName(r) {
			errs = append(errs, tributary.InvalidField("repositories", "entry %d (%q) must be owner/name", i, r))
		}
	}
	if s.Owner != "" && !validName(s.Owner) {
		errs = append(errs, tributary.InvalidField("owner", "%q is not a GitHub user or organization name", s.Owner))
	}
	if !s.IncludePullRequests && !s.IncludeIssues {
		errs = append(errs, tributary.InvalidField("include_issues", "include issues, pull requests, or both"))
	}
	if !slices.Contains([]string{"all", "open", "closed"}, s.State) {
		errs = append(errs, tributary.InvalidField("state", "must be all, open or closed"))
	}
	if s.PerPage < 1 || s.PerPage > maxPerPage {
		errs = append(errs, tributary.InvalidField("per_page", "must be between 1 and 100"))
	}
	return errors.Join(errs...)
}

// validFullName reports whether s is "owner/name" with plausible parts.
func validFullName(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && validName(owner) && validName(name)
}

// validName accepts the characters GitHub allows in user, organization and
// repository names.
func validName(s string) bool {
	if s == "" || len(s) > 100 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// baseURL returns the base URL without a trailing slash.
func (s *Settings) baseURL() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials hold the access token.
type Credentials struct {
	// Token is a fine-grained or classic personal access token (or a GitHub
	// App installation token).
	Token tributary.Secret `json:"token" jsonschema:"title=Access token,description=Fine-grained or classic personal access token,required"`
	// WebhookSecret is the secret of a repository or organization webhook
	// whose deliveries HandleEvent verifies; needed only for webhooks.
	WebhookSecret tributary.Secret `json:"webhook_secret,omitempty" jsonschema:"title=Webhook secret,description=Secret of the webhook whose deliveries are handled (only for webhooks)"`
}

// Validate reports a missing token.
func (c *Credentials) Validate() error {
	if strings.TrimSpace(c.Token.Reveal()) == "" {
		return tributary.InvalidField("token", "required")
	}
	if strings.ContainsAny(c.Token.Reveal(), " \r\n\t") {
		return tributary.InvalidField("token", "must not contain spaces or line breaks")
	}
	return nil
}
