package outline

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// DefaultBaseURL is Outline's cloud service. A self-hosted instance, or a
// cloud workspace on its own subdomain, is named by its own address, such
// as https://wiki.example.com; the API is under /api of it.
const DefaultBaseURL = "https://app.getoutline.com"

// maxPageSize is the largest page Outline's listings give.
const maxPageSize = 100

// Settings say which Outline and which collections to read.
type Settings struct {
	// BaseURL is the workspace's address, the part of a document's link
	// before /doc/.
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=Outline URL,description=Address of the workspace such as https://acme.getoutline.com or a self-hosted https://wiki.example.com,default=https://app.getoutline.com,format=uri"`
	// Collections lists collections by id (a UUID) or by the short id at
	// the end of a collection's link; empty reads every collection the
	// API key's user may read.
	Collections []string `json:"collections,omitempty" jsonschema:"title=Collections,description=Collection ids or the short ids ending their links; empty reads every collection the key can read"`
	// PageSize is the number of documents per listing request, at most
	// 100.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=100,default=100"`
	// RequestsPerSecond is the client's pace. Outline allows an API key
	// 100 documents.list requests a minute and 1,000 requests a minute
	// in all by default.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=0.1,maximum=50,default=1.5"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.BaseURL = DefaultBaseURL
	s.PageSize = maxPageSize
	s.RequestsPerSecond = 1.5
}

var (
	uuidPattern  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	urlIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{8,32}$`)
)

// Validate reports every problem with the settings. An empty BaseURL, or
// a zero PageSize or RequestsPerSecond, is given its default first.
func (s *Settings) Validate() error {
	var errs []error
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.PageSize == 0 {
		s.PageSize = maxPageSize
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = 1.5
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must not carry a query, fragment or user information"))
	} else if p := strings.TrimRight(u.Path, "/"); strings.HasSuffix(p, "/api") || strings.Contains(p, "/api/") {
		errs = append(errs, tributary.InvalidField("base_url", "is the workspace's address, without /api"))
	}
	for i, c := range s.Collections {
		if !uuidPattern.MatchString(c) && !urlIDPattern.MatchString(c) {
			errs = append(errs, tributary.InvalidField("collections", "entry %d (%q) must be a collection id or the short id ending its link", i, c))
		}
	}
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 100"))
	}
	if s.RequestsPerSecond < 0.1 || s.RequestsPerSecond > 50 {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 50"))
	}
	return errors.Join(errs...)
}

// web returns the workspace address without a trailing slash.
func (s *Settings) web() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials hold the API key.
type Credentials struct {
	// APIKey is an API key (ol_api_...) made under Settings → API & Apps,
	// or an OAuth access token. It acts as its user: it reads what that
	// user may read.
	APIKey tributary.Secret `json:"api_key" jsonschema:"title=API key,description=An Outline API key (ol_api_...) made under Settings then API,required"`
}

// Validate reports a missing or malformed key.
func (c *Credentials) Validate() error {
	k := c.APIKey.Reveal()
	switch {
	case strings.TrimSpace(k) == "":
		return tributary.InvalidField("api_key", "required: an API key made under Settings → API")
	case strings.ContainsAny(k, " \r\n\t"):
		return tributary.InvalidField("api_key", "must not contain spaces or line breaks")
	}
	return nil
}
