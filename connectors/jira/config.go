package jira

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Deployments.
const (
	Cloud  = "cloud"  // Jira Cloud: REST API 3, e-mail and API token
	Server = "server" // Jira Server or Data Center: REST API 2, personal access token
)

// Settings say which Jira site to read and what to read in it.
type Settings struct {
	// BaseURL is the site's address, such as https://your-domain.atlassian.net
	// or https://jira.example.com (with its context path, if any).
	BaseURL string `json:"base_url" jsonschema:"title=Site URL,description=Address of the Jira site such as https://your-domain.atlassian.net,format=uri,required"`
	// Deployment is "cloud" (the default) or "server" (Server or Data Center).
	Deployment string `json:"deployment,omitempty" jsonschema:"title=Deployment,enum=cloud,enum=server,default=cloud"`
	// Projects lists project keys (the prefix of issue keys, such as ENG in
	// ENG-42). Empty means every project the account can see.
	Projects []string `json:"projects,omitempty" jsonschema:"title=Projects,description=Project keys such as ENG; empty reads every visible project"`
	// JQL narrows each project's issues further, such as labels = public.
	// It must not carry ORDER BY: the connector orders its searches itself.
	JQL string `json:"jql,omitempty" jsonschema:"title=JQL filter,description=Extra JQL condition without ORDER BY such as labels = public"`
	// IncludeComments adds each issue's comments as further sections; true
	// by default.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add comments as sections,default=true"`
	// PageSize is the number of issues per search page, at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=50"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.Deployment = Cloud
	s.IncludeComments = true
	s.PageSize = 50
}

var projectKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,254}$`)

// Validate reports every problem with the settings. An empty Deployment or
// PageSize is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.Deployment == "" {
		s.Deployment = Cloud
	}
	if s.PageSize == 0 {
		s.PageSize = 50
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://your-domain.atlassian.net"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query, fragment or user"))
	}
	if s.Deployment != Cloud && s.Deployment != Server {
		errs = append(errs, tributary.InvalidField("deployment", "must be cloud or server"))
	}
	for i, p := range s.Projects {
		if !projectKey.MatchString(p) {
			errs = append(errs, tributary.InvalidField("projects", "entry %d (%q) is not a project key", i, p))
		}
	}
	if strings.Contains(strings.ToLower(s.JQL), "order by") {
		errs = append(errs, tributary.InvalidField("jql", "must not contain ORDER BY"))
	}
	if s.PageSize < 1 || s.PageSize > 100 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	return errors.Join(errs...)
}

// site returns the base URL without a trailing slash.
func (s *Settings) site() string { return strings.TrimRight(s.BaseURL, "/") }

// projectKeys returns the configured keys upper-cased, sorted, without
// duplicates: the order the stream visits them in.
func (s *Settings) projectKeys() []string {
	out := make([]string, 0, len(s.Projects))
	for _, p := range s.Projects {
		out = append(out, strings.ToUpper(p))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Credentials authenticate to the site: an e-mail and API token for Cloud,
// a personal access token for Server and Data Center.
type Credentials struct {
	// Email is the Atlassian account's address (Cloud).
	Email string `json:"email,omitempty" jsonschema:"title=E-mail,description=Atlassian account e-mail (Cloud)"`
	// APIToken is an API token of that account (Cloud).
	APIToken tributary.Secret `json:"api_token,omitempty" jsonschema:"title=API token,description=API token from id.atlassian.com (Cloud)"`
	// PersonalAccessToken is a personal access token (Server and Data Center).
	PersonalAccessToken tributary.Secret `json:"personal_access_token,omitempty" jsonschema:"title=Personal access token,description=Personal access token (Server and Data Center)"`
	// WebhookSecret is the secret of the admin webhook whose deliveries
	// HandleEvent verifies; needed only for webhooks.
	WebhookSecret tributary.Secret `json:"webhook_secret,omitempty" jsonschema:"title=Webhook secret,description=Secret of the admin webhook whose deliveries are handled (only for webhooks)"`
}

// validateFor reports the credentials missing for the deployment.
func (c *Credentials) validateFor(deployment string) error {
	var errs []error
	if deployment == Server {
		if strings.TrimSpace(c.PersonalAccessToken.Reveal()) == "" {
			errs = append(errs, tributary.InvalidField("personal_access_token", "required for server"))
		}
		return errors.Join(errs...)
	}
	if !strings.Contains(c.Email, "@") {
		errs = append(errs, tributary.InvalidField("email", "required for cloud: the account's e-mail address"))
	}
	if strings.TrimSpace(c.APIToken.Reveal()) == "" {
		errs = append(errs, tributary.InvalidField("api_token", "required for cloud"))
	}
	return errors.Join(errs...)
}

// Validate reports credentials that fit neither deployment.
func (c *Credentials) Validate() error {
	if c.PersonalAccessToken.Reveal() != "" {
		return nil
	}
	return c.validateFor(Cloud)
}
