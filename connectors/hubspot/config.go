package hubspot

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// The CRM object types the connector reads.
const (
	TypeCompanies = "companies"
	TypeContacts  = "contacts"
	TypeDeals     = "deals"
	TypeTickets   = "tickets"
)

// objectTypes are the types in the order a stream reads them, with the
// ids HubSpot's record pages name them by.
var objectTypes = []struct{ name, id string }{
	{TypeCompanies, "0-2"}, {TypeContacts, "0-1"}, {TypeDeals, "0-3"}, {TypeTickets, "0-5"},
}

func typeID(name string) string {
	for _, t := range objectTypes {
		if t.name == name {
			return t.id
		}
	}
	return ""
}

// Settings say what to read from the HubSpot account the token belongs to.
type Settings struct {
	// Objects are the CRM object types read, of companies, contacts,
	// deals and tickets; all four by default.
	Objects []string `json:"objects,omitempty" jsonschema:"title=Objects,description=CRM object types to read,enum=companies,enum=contacts,enum=deals,enum=tickets"`
	// Properties are more properties to read per object type, beyond
	// those the connector reads for each (names, descriptions, stages,
	// owners); their values join the record's text and metadata.
	Properties map[string][]string `json:"properties,omitempty" jsonschema:"title=More properties,description=Extra property names to read per object type (such as {\"deals\": [\"hs_next_step\"]})"`
	// IncludeNotes adds the notes associated with each record as
	// sections; true by default.
	IncludeNotes bool `json:"include_notes" jsonschema:"title=Notes,description=Add each record's associated notes,default=true"`
	// IncludeEmails adds the logged e-mails associated with each record
	// as sections (needs the sales-email-read scope); true by default.
	IncludeEmails bool `json:"include_emails" jsonschema:"title=E-mails,description=Add each record's associated logged e-mails (needs sales-email-read),default=true"`
	// PageSize is the number of records per search page, at most 200.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=200,default=100"`
	// RequestsPerTenSeconds is the client's pace; a private app may send
	// 100 requests per ten seconds (190 on Professional and Enterprise).
	// Searches are paced at four a second besides.
	RequestsPerTenSeconds int `json:"requests_per_ten_seconds,omitempty" jsonschema:"title=Requests per ten seconds,minimum=1,maximum=190,default=90"`
	// BaseURL is the API root; https://api.hubapi.com by default (an
	// emulator in tests).
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=API root when not https://api.hubapi.com,format=uri"`
}

// Defaults.
const (
	DefaultBaseURL          = "https://api.hubapi.com"
	DefaultPageSize         = 100
	DefaultRequestsPerTenS  = 90
	maxPageSize             = 200
	maxRequestsPerTenSecond = 190
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.Objects = []string{TypeCompanies, TypeContacts, TypeDeals, TypeTickets}
	s.IncludeNotes = true
	s.IncludeEmails = true
	s.PageSize = DefaultPageSize
	s.RequestsPerTenSeconds = DefaultRequestsPerTenS
	s.BaseURL = DefaultBaseURL
}

var propertyName = regexp.MustCompile(`^[a-z0-9_]{1,100}$`)

// Validate reports every problem with the settings. Zero sizes, an empty
// list of objects and an empty base URL take their defaults; object types
// are put in the connector's order.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.RequestsPerTenSeconds == 0 {
		s.RequestsPerTenSeconds = DefaultRequestsPerTenS
	}
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if len(s.Objects) == 0 {
		s.Objects = []string{TypeCompanies, TypeContacts, TypeDeals, TypeTickets}
	}
	var ordered []string
	for _, t := range objectTypes {
		if slices.Contains(s.Objects, t.name) {
			ordered = append(ordered, t.name)
		}
	}
	for _, o := range s.Objects {
		if typeID(o) == "" {
			errs = append(errs, tributary.InvalidField("objects", "%q is not companies, contacts, deals or tickets", o))
		}
	}
	if len(ordered) != len(s.Objects) && len(errs) == 0 {
		errs = append(errs, tributary.InvalidField("objects", "an object type is named twice"))
	}
	s.Objects = ordered
	for typ, props := range s.Properties {
		if typeID(typ) == "" {
			errs = append(errs, tributary.InvalidField("properties", "%q is not an object type", typ))
		}
		for _, p := range props {
			if !propertyName.MatchString(p) {
				errs = append(errs, tributary.InvalidField("properties", "%q is not a property's internal name (lower case, digits, _)", p))
			}
		}
		if len(props) > 100 {
			errs = append(errs, tributary.InvalidField("properties", "at most 100 extra properties per type"))
		}
	}
	if s.PageSize < 1 || s.PageSize > maxPageSize {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 200"))
	}
	if s.RequestsPerTenSeconds < 1 || s.RequestsPerTenSeconds > maxRequestsPerTenSecond {
		errs = append(errs, tributary.InvalidField("requests_per_ten_seconds", "must be between 1 and 190"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://api.hubapi.com"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be the API's root, without path, query, fragment or user"))
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return errors.Join(errs...)
}

// Credentials authenticate as a HubSpot private app (or with an OAuth
// access token).
type Credentials struct {
	// AccessToken is a private app's access token (pat-na1-...), sent as
	// a Bearer token. The app needs the read scopes of the objects read:
	// crm.objects.companies.read, crm.objects.contacts.read (also for
	// notes), crm.objects.deals.read, tickets, sales-email-read (for
	// e-mails) and crm.objects.owners.read.
	AccessToken tributary.Secret `json:"access_token" jsonschema:"title=Private app access token,description=Access token of a HubSpot private app with the CRM read scopes"`
}

// Validate reports a missing or malformed token.
func (c *Credentials) Validate() error {
	tok := c.AccessToken.Reveal()
	switch {
	case strings.TrimSpace(tok) == "":
		return tributary.InvalidField("access_token", "required: a private app's access token")
	case strings.ContainsAny(tok, " \t\r\n") || strings.HasPrefix(strings.ToLower(tok), "bearer"):
		return tributary.InvalidField("access_token", "must be the token alone, without spaces or a Bearer prefix")
	}
	return nil
}
