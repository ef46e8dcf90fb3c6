package notion

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultBaseURL is the Notion API's address.
const DefaultBaseURL = "https://api.notion.com"

// APIVersion is the Notion-Version the connector sends and whose shapes
// it reads.
const APIVersion = "2022-06-28"

// Settings say what to read in the workspace the token was granted.
type Settings struct {
	// BaseURL is the API's address; empty means https://api.notion.com.
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=Address of the Notion API,format=uri,default=https://api.notion.com"`
	// IncludeDatabases reads the rows of every database shared with the
	// integration as documents; true by default.
	IncludeDatabases bool `json:"include_databases" jsonschema:"title=Database rows,description=Index the rows of shared databases,default=true"`
	// MaxDepth bounds how deep nested blocks are read (toggles, lists,
	// columns, synced blocks); deeper blocks are left out.
	MaxDepth int `json:"max_depth,omitempty" jsonschema:"title=Block depth,minimum=1,maximum=64,default=16"`
	// PageSize is the number of results per search, query or block page,
	// at most 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
	// RequestsPerSecond is the client's pace; Notion allows three a
	// second on average.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=0.1,maximum=10,default=3"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.BaseURL = DefaultBaseURL
	s.IncludeDatabases = true
	s.MaxDepth = 16
	s.PageSize = 100
	s.RequestsPerSecond = 3
}

// Validate reports every problem with the settings. An empty BaseURL, or
// a zero MaxDepth, PageSize or RequestsPerSecond, is given its default
// first.
func (s *Settings) Validate() error {
	var errs []error
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.MaxDepth == 0 {
		s.MaxDepth = 16
	}
	if s.PageSize == 0 {
		s.PageSize = 100
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = 3
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be the API's root, without path, query, fragment or user"))
	}
	if s.MaxDepth < 1 || s.MaxDepth > 64 {
		errs = append(errs, tributary.InvalidField("max_depth", "must be between 1 and 64"))
	}
	if s.PageSize < 1 || s.PageSize > 100 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	if s.RequestsPerSecond < 0.1 || s.RequestsPerSecond > 10 {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 10"))
	}
	return errors.Join(errs...)
}

// api returns the API root with its version path.
func (s *Settings) api() string { return strings.TrimRight(s.BaseURL, "/") + "/v1" }

// Credentials authenticate as an integration.
type Credentials struct {
	// Token is an internal integration's secret (ntn_... or secret_...) or
	// the access token a public integration's OAuth consent granted.
	Token tributary.Secret `json:"token" jsonschema:"title=Integration token,description=Internal integration secret or OAuth access token,required"`
}

// Validate reports a missing token.
func (c *Credentials) Validate() error {
	if strings.TrimSpace(c.Token.Reveal()) == "" {
		return tributary.InvalidField("token", "required: an integration secret or an OAuth access token")
	}
	return nil
}
