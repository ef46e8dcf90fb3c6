package linear

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// DefaultAPIURL is Linear's GraphQL endpoint.
const DefaultAPIURL = "https://api.linear.app/graphql"

// Page sizes. Linear's connections return 50 nodes unless asked, and a
// query may cost at most 10,000 complexity points: with comments and
// labels inline, a page of 100 issues stays under it.
const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// Settings say what to read from the workspace the credentials open.
type Settings struct {
	// APIURL is the GraphQL endpoint; Linear's unless a test or a proxy
	// says otherwise.
	APIURL string `json:"api_url,omitempty" jsonschema:"title=API URL,description=Linear's GraphQL endpoint,default=https://api.linear.app/graphql,format=uri"`
	// Teams limits what is read to these teams, by key (ENG): their
	// issues, the projects they take part in, and those projects'
	// documents. Empty reads every team the credentials can see.
	Teams []string `json:"teams,omitempty" jsonschema:"title=Teams,description=Team keys such as ENG to read only those teams; empty reads every team"`
	// IncludeIssues reads issues; true by default.
	IncludeIssues bool `json:"include_issues" jsonschema:"title=Issues,description=Read issues,default=true"`
	// IncludeComments adds each issue's comments as sections; true by
	// default. An issue with more comments than a page holds costs one more
	// request per further page.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add comments to their issues as sections,default=true"`
	// IncludeProjects reads projects (their description and content) as
	// documents; true by default. Projects are hierarchy nodes either way.
	IncludeProjects bool `json:"include_projects" jsonschema:"title=Projects,description=Read projects as documents,default=true"`
	// IncludeDocuments reads documents; true by default.
	IncludeDocuments bool `json:"include_documents" jsonschema:"title=Documents,description=Read documents,default=true"`
	// IncludeArchived reads archived issues, projects and documents too;
	// false by default, as in Linear's API.
	IncludeArchived bool `json:"include_archived,omitempty" jsonschema:"title=Archived,description=Read archived items too,default=false"`
	// PageSize is the number of items asked per page, at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=50"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.APIURL = DefaultAPIURL
	s.IncludeIssues = true
	s.IncludeComments = true
	s.IncludeProjects = true
	s.IncludeDocuments = true
	s.PageSize = defaultPageSize
}

// Validate reports every problem with the settings. An empty APIURL or
// PageSize is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if s.PageSize == 0 {
		s.PageSize = defaultPageSize
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("api_url", "must be an http or https URL such as %s", DefaultAPIURL))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("api_url", "must not carry a query, fragment or user information"))
	}
	if !s.IncludeIssues && !s.IncludeProjects && !s.IncludeDocuments {
		errs = append(errs, tributary.InvalidField("include_issues", "include issues, projects, documents, or some of them"))
	}
	for i, k := range s.Teams {
		if !validTeamKey(k) {
			errs = append(errs, tributary.InvalidField("teams", "entry %d (%q) must be a team key such as ENG", i, k))
		}
	}
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and %d", maxPageSize))
	}
	return errors.Join(errs...)
}

// validTeamKey accepts a team key: letters and digits, as Linear allows
// them, in either case.
func validTeamKey(k string) bool {
	if k == "" || len(k) > 16 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// DefaultTokenURL is Linear's OAuth token endpoint.
const DefaultTokenURL = "https://api.linear.app/oauth/token"

// Credentials hold a personal API key, or an OAuth grant: an access token,
// and for an application whose tokens expire (every Linear OAuth
// application since April 2026: access tokens last a day) the refresh
// token with the application's client id and secret, which keep it
// current.
type Credentials struct {
	// APIKey is a personal API key (Settings → Security & access →
	// Personal API keys), sent bare in the Authorization header.
	APIKey tributary.Secret `json:"api_key,omitempty" jsonschema:"title=API key,description=Personal API key (lin_api_...); or give an OAuth access token"`
	// AccessToken is an OAuth 2 access token with the read scope, sent as
	// "Authorization: Bearer".
	AccessToken tributary.Secret `json:"access_token,omitempty" jsonschema:"title=OAuth access token,description=OAuth access token with the read scope; or give an API key"`
	// RefreshToken, ClientID and ClientSecret renew the access token when
	// it expires (the refresh-token grant). Linear rotates refresh tokens:
	// the new one is saved through Env.SaveCredentials.
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=OAuth refresh token,description=Refresh token of the OAuth grant; renews the access token"`
	ClientID     string           `json:"client_id,omitempty" jsonschema:"title=OAuth client id,description=The OAuth application's client id (with a refresh token)"`
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=OAuth client secret,description=The OAuth application's client secret (with a refresh token)"`
	// Expiry is when the access token expires; without it the access token
	// is renewed at the first request.
	Expiry time.Time `json:"expiry,omitzero" jsonschema:"title=Access token expiry,description=When the access token expires (RFC 3339); without it the token is renewed at once,format=date-time"`
	// TokenURL is the token endpoint; Linear's unless a test says
	// otherwise.
	TokenURL string `json:"token_url,omitempty" jsonschema:"title=Token URL,description=OAuth token endpoint,default=https://api.linear.app/oauth/token,format=uri"`
}

// Validate reports missing, doubled or malformed credentials.
func (c *Credentials) Validate() error {
	key, tok, refresh := c.APIKey.Reveal(), c.AccessToken.Reveal(), c.RefreshToken.Reveal()
	if refresh != "" {
		var errs []error
		if key != "" {
			errs = append(errs, tributary.InvalidField("api_key", "give an API key or an OAuth grant, not both"))
		}
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
	case strings.TrimSpace(key) == "" && strings.TrimSpace(tok) == "":
		return tributary.InvalidField("api_key", "required (or give access_token)")
	case key != "" && tok != "":
		return tributary.InvalidField("access_token", "give an API key or an access token, not both")
	case strings.ContainsAny(key+tok, " \r\n\t"):
		field := "api_key"
		if tok != "" {
			field = "access_token"
		}
		return tributary.InvalidField(field, "must not contain spaces or line breaks")
	case strings.HasPrefix(strings.ToLower(key), "bearer"):
		return tributary.InvalidField("api_key", "is the key alone, without Bearer")
	}
	return nil
}
