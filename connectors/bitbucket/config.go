package bitbucket

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultAPIURL is Bitbucket Cloud's REST API 2.0 root.
const DefaultAPIURL = "https://api.bitbucket.org/2.0"

// DefaultWebURL is Bitbucket Cloud's site, the base of document ids.
const DefaultWebURL = "https://bitbucket.org"

// The states a pull request may be in.
const (
	StateOpen       = "OPEN"
	StateMerged     = "MERGED"
	StateDeclined   = "DECLINED"
	StateSuperseded = "SUPERSEDED"
)

// AllStates are the states read by default. Bitbucket's listing gives only
// OPEN pull requests unless told otherwise.
var AllStates = []string{StateOpen, StateMerged, StateDeclined, StateSuperseded}

// maxPageLen is the largest page Bitbucket serves of pull requests.
const maxPageLen = 50

// Settings say which workspaces and repositories to read.
type Settings struct {
	// APIURL is the REST API root; the default is Bitbucket Cloud's.
	APIURL string `json:"api_url,omitempty" jsonschema:"title=API URL,description=REST API 2.0 root,default=https://api.bitbucket.org/2.0,format=uri"`
	// WebURL is the site's address, the base of document ids.
	WebURL string `json:"web_url,omitempty" jsonschema:"title=Site URL,description=Address of the site that pull request links point at,default=https://bitbucket.org,format=uri"`
	// Workspaces lists workspaces by slug (or {UUID}); every repository
	// of each that the credentials can see is read.
	Workspaces []string `json:"workspaces,omitempty" jsonschema:"title=Workspaces,description=Workspace slugs; every repository of each is read"`
	// Repositories lists repositories as "workspace/slug".
	Repositories []string `json:"repositories,omitempty" jsonschema:"title=Repositories,description=Repositories as workspace/slug"`
	// States are the pull request states to read; all four by default.
	States []string `json:"states,omitempty" jsonschema:"title=States,description=Pull request states to read,enum=OPEN,enum=MERGED,enum=DECLINED,enum=SUPERSEDED"`
	// IncludeComments adds each pull request's comments as sections; true
	// by default. It costs one request per commented pull request (more
	// past 100 comments).
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add comments as sections (one more request per commented pull request),default=true"`
	// MemberEmails are the addresses of the people group sync names:
	// Bitbucket shows no member's address, and only tells a workspace
	// administrator which of given addresses belong to members. Leave it
	// empty when groups are not synced.
	MemberEmails []string `json:"member_emails,omitempty" jsonschema:"title=Member e-mail addresses,description=Addresses group sync looks members up by (needs a workspace admin); Bitbucket lists none"`
	// PageLen is the page size of pull request listings, at most 50.
	PageLen int `json:"pagelen,omitempty" jsonschema:"title=Page size,minimum=1,maximum=50,default=50"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.APIURL = DefaultAPIURL
	s.WebURL = DefaultWebURL
	s.States = slices.Clone(AllStates)
	s.IncludeComments = true
	s.PageLen = maxPageLen
}

var slugPattern = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,100}|\{[0-9a-fA-F-]{36}\})$`)

// Validate reports every problem with the settings. Empty URLs, States and
// PageLen are given their defaults first.
func (s *Settings) Validate() error {
	var errs []error
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if s.WebURL == "" {
		s.WebURL = DefaultWebURL
	}
	if len(s.States) == 0 {
		s.States = slices.Clone(AllStates)
	}
	if s.PageLen == 0 {
		s.PageLen = maxPageLen
	}
	for field, raw := range map[string]string{"api_url": s.APIURL, "web_url": s.WebURL} {
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, tributary.InvalidField(field, "must be an http or https URL"))
		} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			errs = append(errs, tributary.InvalidField(field, "must not carry a query, fragment or user information"))
		}
	}
	if len(s.Workspaces) == 0 && len(s.Repositories) == 0 {
		errs = append(errs, tributary.InvalidField("workspaces", "name at least one workspace or repository"))
	}
	for i, w := range s.Workspaces {
		if !slugPattern.MatchString(w) {
			errs = append(errs, tributary.InvalidField("workspaces", "entry %d (%q) must be a workspace slug such as acme", i, w))
		}
	}
	for i, r := range s.Repositories {
		ws, slug, ok := strings.Cut(r, "/")
		if !ok || !slugPattern.MatchString(ws) || !slugPattern.MatchString(slug) {
			errs = append(errs, tributary.InvalidField("repositories", "entry %d (%q) must be workspace/slug such as acme/api", i, r))
		}
	}
	for i, st := range s.States {
		if !slices.Contains(AllStates, st) {
			errs = append(errs, tributary.InvalidField("states", "entry %d (%q) must be OPEN, MERGED, DECLINED or SUPERSEDED", i, st))
		}
	}
	for i, e := range s.MemberEmails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, "\"\\ ,()\r\n\t") || len(e) > 254 {
			errs = append(errs, tributary.InvalidField("member_emails", "entry %d (%q) must be an e-mail address", i, e))
		}
	}
	if s.PageLen < 1 || s.PageLen > maxPageLen {
		errs = append(errs, tributary.InvalidField("pagelen", "must be between 1 and 50"))
	}
	return errors.Join(errs...)
}

func (s *Settings) apiURL() string { return strings.TrimRight(s.APIURL, "/") }
func (s *Settings) webURL() string { return strings.TrimRight(s.WebURL, "/") }

// Credentials are an app password (or an Atlassian API token) with its
// username, or a repository, project or workspace access token.
type Credentials struct {
	// Username is the Bitbucket username the app password belongs to (for
	// an Atlassian API token, the account's e-mail address).
	Username string `json:"username,omitempty" jsonschema:"title=Username,description=Bitbucket username for an app password (or e-mail for an API token)"`
	// AppPassword is an app password (or API token) with the Repositories:
	// Read and Pull requests: Read permissions, plus Account: Read and
	// Workspace membership: Read for access and group sync.
	AppPassword tributary.Secret `json:"app_password,omitzero" jsonschema:"title=App password,description=App password or API token with repository and pull request read scopes"`
	// AccessToken is a repository, project or workspace access token, sent
	// as a bearer token, in place of Username and AppPassword.
	AccessToken tributary.Secret `json:"access_token,omitzero" jsonschema:"title=Access token,description=Repository or project or workspace access token (in place of username and app password)"`
}

// Validate reports missing, mixed or malformed credentials.
func (c *Credentials) Validate() error {
	var errs []error
	pw, tok := c.AppPassword.Reveal(), c.AccessToken.Reveal()
	switch {
	case tok != "" && (pw != "" || c.Username != ""):
		errs = append(errs, tributary.InvalidField("access_token", "give either an access token or a username and app password, not both"))
	case tok != "":
		if strings.ContainsAny(tok, " \r\n\t") {
			errs = append(errs, tributary.InvalidField("access_token", "must not contain spaces or line breaks"))
		}
	default:
		if strings.TrimSpace(c.Username) == "" {
			errs = append(errs, tributary.InvalidField("username", "required with an app password (or give an access token)"))
		} else if strings.ContainsAny(c.Username, ":\r\n") {
			errs = append(errs, tributary.InvalidField("username", "must not contain a colon or line breaks"))
		}
		if strings.TrimSpace(pw) == "" {
			errs = append(errs, tributary.InvalidField("app_password", "required (or give an access token)"))
		} else if strings.ContainsAny(pw, "\r\n") {
			errs = append(errs, tributary.InvalidField("app_password", "must not contain line breaks"))
		}
	}
	return errors.Join(errs...)
}
