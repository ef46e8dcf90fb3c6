package gitlab

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultBaseURL is gitlab.com. A self-managed instance is named by its own
// address, such as https://gitlab.example.com; the REST API is under
// /api/v4 of it.
const DefaultBaseURL = "https://gitlab.com"

// Token types.
const (
	// TokenPrivate is a personal, project or group access token, sent in
	// the PRIVATE-TOKEN header.
	TokenPrivate = "private"
	// TokenOAuth is an OAuth 2 access token, sent as "Authorization:
	// Bearer".
	TokenOAuth = "oauth"
)

// States an item may be read in.
const (
	StateAll    = "all"
	StateOpened = "opened"
	StateClosed = "closed" // for merge requests, closed and merged
)

// maxPerPage is GitLab's largest listing page.
const maxPerPage = 100

// Settings say which groups and projects to read and what to read in them.
type Settings struct {
	// BaseURL is the instance's address.
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=GitLab URL,description=Address of the instance: https://gitlab.com or a self-managed one such as https://gitlab.example.com,default=https://gitlab.com,format=uri"`
	// Groups lists groups by full path ("acme" or "acme/backend"); every
	// project of each is read.
	Groups []string `json:"groups,omitempty" jsonschema:"title=Groups,description=Groups by full path such as acme/backend; their projects are read"`
	// Projects lists projects by full path ("acme/backend/api").
	Projects []string `json:"projects,omitempty" jsonschema:"title=Projects,description=Projects by full path such as acme/backend/api"`
	// IncludeSubgroups reads the projects of the groups' subgroups too;
	// true by default.
	IncludeSubgroups bool `json:"include_subgroups" jsonschema:"title=Subgroups,description=Read the projects of subgroups too,default=true"`
	// IncludeIssues reads issues; true by default.
	IncludeIssues bool `json:"include_issues" jsonschema:"title=Issues,description=Read issues,default=true"`
	// IncludeMergeRequests reads merge requests; true by default.
	IncludeMergeRequests bool `json:"include_merge_requests" jsonschema:"title=Merge requests,description=Read merge requests,default=true"`
	// IncludeNotes adds each item's notes (comments, not system notes) as
	// further sections; true by default. It costs one more request per
	// item that has notes.
	IncludeNotes bool `json:"include_notes" jsonschema:"title=Notes,description=Add comments as sections (one more request per commented item),default=true"`
	// IncludeWiki reads the projects' wiki pages; true by default. GitLab
	// gives wiki pages no times, so they are read only by runs over all
	// time (see the package documentation).
	IncludeWiki bool `json:"include_wiki" jsonschema:"title=Wiki pages,description=Read wiki pages (in full runs only: GitLab gives them no update time),default=true"`
	// State reads only opened or closed items; "all" by default.
	State string `json:"state,omitempty" jsonschema:"title=State,description=Which items to read by state,enum=all,enum=opened,enum=closed,default=all"`
	// PerPage is the listing page size, at most 100 (GitLab's maximum).
	PerPage int `json:"per_page,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.BaseURL = DefaultBaseURL
	s.IncludeSubgroups = true
	s.IncludeIssues = true
	s.IncludeMergeRequests = true
	s.IncludeNotes = true
	s.IncludeWiki = true
	s.State = StateAll
	s.PerPage = maxPerPage
}

// Validate reports every problem with the settings. An empty BaseURL, State
// or PerPage is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.State == "" {
		s.State = StateAll
	}
	if s.PerPage == 0 {
		s.PerPage = maxPerPage
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query, fragment or user information"))
	} else if strings.Contains(strings.TrimRight(u.Path, "/"), "/api/v4") {
		errs = append(errs, tributary.InvalidField("base_url", "is the instance's address, without /api/v4"))
	}
	if len(s.Groups) == 0 && len(s.Projects) == 0 {
		errs = append(errs, tributary.InvalidField("groups", "name at least one group or project"))
	}
	for i, g := range s.Groups {
		if !validPath(g, 1) {
			errs = append(errs, tributary.InvalidField("groups", "entry %d (%q) must be a group's full path such as acme/backend", i, g))
		}
	}
	for i, p := range s.Projects {
		if !validPath(p, 2) {
			errs = append(errs, tributary.InvalidField("projects", "entry %d (%q) must be a project's full path such as acme/api", i, p))
		}
	}
	if !s.IncludeIssues && !s.IncludeMergeRequests && !s.IncludeWiki {
		errs = append(errs, tributary.InvalidField("include_issues", "include issues, merge requests, wiki pages, or some of them"))
	}
	if !slices.Contains([]string{StateAll, StateOpened, StateClosed}, s.State) {
		errs = append(errs, tributary.InvalidField("state", "must be all, opened or closed"))
	}
	if s.PerPage < 1 || s.PerPage > maxPerPage {
		errs = append(errs, tributary.InvalidField("per_page", "must be between 1 and 100"))
	}
	return errors.Join(errs...)
}

// validPath accepts a namespace path of at least min segments, each made
// of the characters GitLab allows in paths.
func validPath(p string, least int) bool {
	segs := strings.Split(p, "/")
	if len(segs) < least || len(segs) > 21 || len(p) > 1024 {
		return false
	}
	for _, s := range segs {
		if s == "" || s == "." || s == ".." || strings.HasPrefix(s, "-") || strings.HasSuffix(s, ".git") || strings.HasSuffix(s, ".atom") {
			return false
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				return false
			}
		}
	}
	return true
}

// baseURL returns the instance address without a trailing slash.
func (s *Settings) baseURL() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials hold the access token.
type Credentials struct {
	// Token is a personal, project or group access token with the
	// read_api scope, or an OAuth access token (TokenType "oauth").
	Token tributary.Secret `json:"token" jsonschema:"title=Access token,description=Personal or project or group access token with read_api,required"`
	// TokenType says how the token is sent: "private" (the default) in the
	// PRIVATE-TOKEN header, "oauth" as a bearer token.
	TokenType string `json:"token_type,omitempty" jsonschema:"title=Token type,description=private for an access token or oauth for an OAuth access token,enum=private,enum=oauth,default=private"`
}

// Validate reports a missing or malformed token.
func (c *Credentials) Validate() error {
	var errs []error
	if c.TokenType == "" {
		c.TokenType = TokenPrivate
	}
	tok := c.Token.Reveal()
	switch {
	case strings.TrimSpace(tok) == "":
		errs = append(errs, tributary.InvalidField("token", "required"))
	case strings.ContainsAny(tok, " \r\n\t"):
		errs = append(errs, tributary.InvalidField("token", "must not contain spaces or line breaks"))
	}
	if c.TokenType != TokenPrivate && c.TokenType != TokenOAuth {
		errs = append(errs, tributary.InvalidField("token_type", "must be private or oauth"))
	}
	return errors.Join(errs...)
}
