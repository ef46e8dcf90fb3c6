package salesforce

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/jwtsign"
)

// The objects read by default, and Knowledge's.
const (
	ObjectAccount     = "Account"
	ObjectContact     = "Contact"
	ObjectOpportunity = "Opportunity"
	ObjectCase        = "Case"
	ObjectKnowledge   = "KnowledgeArticleVersion"
)

// Defaults.
const (
	DefaultLoginURL   = "https://login.salesforce.com"
	DefaultAPIVersion = "61.0"
	DefaultPageSize   = 2000
	DefaultLanguage   = "en_US"
	DefaultRate       = 10
)

// DefaultObjects are the objects read when the settings name none.
var DefaultObjects = []string{ObjectAccount, ObjectContact, ObjectOpportunity, ObjectCase}

// Settings say what to read from the org the credentials sign in to.
type Settings struct {
	// LoginURL is where tokens are asked for: https://login.salesforce.com
	// (production), https://test.salesforce.com (sandboxes) or the org's
	// My Domain (https://acme.my.salesforce.com). The JWT's audience is
	// this URL, except that a My Domain of a sandbox or production org
	// takes test or login.salesforce.com as Salesforce requires.
	LoginURL string `json:"login_url,omitempty" jsonschema:"title=Login URL,description=https://login.salesforce.com or https://test.salesforce.com or the org's My Domain,format=uri,default=https://login.salesforce.com"`
	// APIVersion is the REST API version, such as 61.0.
	APIVersion string `json:"api_version,omitempty" jsonschema:"title=API version,description=REST API version such as 61.0,default=61.0"`
	// Objects are the sObjects read, by API name (custom objects end in
	// __c); Account, Contact, Opportunity and Case by default.
	Objects []string `json:"objects,omitempty" jsonschema:"title=Objects,description=API names of the objects to read (default Account Contact Opportunity Case)"`
	// Fields are more fields to read per object, beyond those the
	// connector reads (names, subjects, descriptions, stages); their values
	// join the record's text. Every name is checked against the object's
	// describe.
	Fields map[string][]string `json:"fields,omitempty" jsonschema:"title=More fields,description=Extra field API names per object (such as {\"Case\": [\"Reason\"]})"`
	// Knowledge adds the org's published Knowledge articles
	// (KnowledgeArticleVersion, PublishStatus Online) in KnowledgeLanguage.
	Knowledge bool `json:"knowledge,omitempty" jsonschema:"title=Knowledge articles,description=Also read published Knowledge articles"`
	// KnowledgeLanguage is the articles' language; en_US by default.
	KnowledgeLanguage string `json:"knowledge_language,omitempty" jsonschema:"title=Knowledge language,description=Language of the articles read (such as en_US),default=en_US"`
	// KnowledgeBodyFields are the article fields holding the body; by
	// default every rich text field the describe lists.
	KnowledgeBodyFields []string `json:"knowledge_body_fields,omitempty" jsonschema:"title=Article body fields,description=Rich text fields holding article bodies (default: all rich text fields)"`
	// PublicObjects are objects whose records every user of the org may
	// read (a Public Read Only or Public Read/Write org-wide default), for
	// custom objects: the standard objects' defaults are read from the
	// org.
	PublicObjects []string `json:"public_objects,omitempty" jsonschema:"title=Public objects,description=Custom objects whose org-wide default is public read"`
	// PageSize is the query batch size asked for, from 200 to 2000.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Batch size,minimum=200,maximum=2000,default=2000"`
	// RequestsPerSecond is the client's pace.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=0.1,maximum=100,default=10"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.LoginURL = DefaultLoginURL
	s.APIVersion = DefaultAPIVersion
	s.Objects = slices.Clone(DefaultObjects)
	s.KnowledgeLanguage = DefaultLanguage
	s.PageSize = DefaultPageSize
	s.RequestsPerSecond = DefaultRate
}

var (
	apiName    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)
	apiVersion = regexp.MustCompile(`^[1-9][0-9]\.0$`)
	language   = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
)

// Validate reports every problem with the settings. Zero values take
// their defaults.
func (s *Settings) Validate() error {
	var errs []error
	if s.LoginURL == "" {
		s.LoginURL = DefaultLoginURL
	}
	if s.APIVersion == "" {
		s.APIVersion = DefaultAPIVersion
	}
	if len(s.Objects) == 0 {
		s.Objects = slices.Clone(DefaultObjects)
	}
	if s.KnowledgeLanguage == "" {
		s.KnowledgeLanguage = DefaultLanguage
	}
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = DefaultRate
	}
	if u, err := url.Parse(s.LoginURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("login_url", "must be an https URL such as https://login.salesforce.com"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		errs = append(errs, tributary.InvalidField("login_url", "must be the login host alone, without path, query, fragment or user"))
	}
	s.LoginURL = strings.TrimRight(s.LoginURL, "/")
	if !apiVersion.MatchString(s.APIVersion) || s.APIVersion < "31.0" {
		errs = append(errs, tributary.InvalidField("api_version", "must be a version such as 61.0 (31.0 or later)"))
	}
	seen := map[string]bool{}
	for _, o := range s.Objects {
		switch {
		case !apiName.MatchString(o):
			errs = append(errs, tributary.InvalidField("objects", "%q is not an object's API name", o))
		case strings.EqualFold(o, ObjectKnowledge):
			errs = append(errs, tributary.InvalidField("objects", "Knowledge articles are read with knowledge: true"))
		case seen[strings.ToLower(o)]:
			errs = append(errs, tributary.InvalidField("objects", "%s is named twice", o))
		}
		seen[strings.ToLower(o)] = true
	}
	if len(s.Objects) > 50 {
		errs = append(errs, tributary.InvalidField("objects", "at most 50 objects"))
	}
	for obj, fs := range s.Fields {
		if !seen[strings.ToLower(obj)] && !(s.Knowledge && obj == ObjectKnowledge) {
			errs = append(errs, tributary.InvalidField("fields", "%q is not an object the settings read", obj))
		}
		if len(fs) > 100 {
			errs = append(errs, tributary.InvalidField("fields", "at most 100 extra fields per object"))
		}
		for _, f := range fs {
			if !apiName.MatchString(f) {
				errs = append(errs, tributary.InvalidField("fields", "%q is not a field's API name", f))
			}
		}
	}
	for _, f := range s.KnowledgeBodyFields {
		if !apiName.MatchString(f) {
			errs = append(errs, tributary.InvalidField("knowledge_body_fields", "%q is not a field's API name", f))
		}
	}
	for _, o := range s.PublicObjects {
		if !apiName.MatchString(o) {
			errs = append(errs, tributary.InvalidField("public_objects", "%q is not an object's API name", o))
		}
	}
	if !language.MatchString(s.KnowledgeLanguage) {
		errs = append(errs, tributary.InvalidField("knowledge_language", "must be a language code such as en_US"))
	}
	if s.PageSize < 200 || s.PageSize > 2000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 200 and 2000"))
	}
	if !(s.RequestsPerSecond >= 0.1 && s.RequestsPerSecond <= 100) {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 100"))
	}
	return errors.Join(errs...)
}

// objects are the objects a stream reads, in order: the settings', then
// Knowledge's when enabled.
func (s *Settings) objects() []string {
	out := slices.Clone(s.Objects)
	if s.Knowledge {
		out = append(out, ObjectKnowledge)
	}
	return out
}

// Credentials sign in as a user of a connected app, with the OAuth 2.0
// JWT bearer flow (Username and PrivateKey) or a refresh token.
type Credentials struct {
	// ConsumerKey is the connected app's consumer key (client id).
	ConsumerKey string `json:"consumer_key" jsonschema:"title=Consumer key,description=The connected app's consumer key"`
	// Username is the user the JWT bearer flow signs in as; it must be
	// pre-authorized for the app (a profile or permission set of the
	// app's policies).
	Username string `json:"username,omitempty" jsonschema:"title=Username,description=Salesforce username for the JWT bearer flow"`
	// PrivateKey is the PEM private key (PKCS#1 or PKCS#8) of the
	// certificate uploaded to the connected app.
	PrivateKey tributary.Secret `json:"private_key,omitempty" jsonschema:"title=Private key,description=PEM private key of the connected app's certificate (JWT bearer flow)"`
	// RefreshToken, instead of Username and PrivateKey, signs in with a
	// refresh token the app was granted (the refresh_token scope).
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=Refresh token,description=OAuth refresh token (instead of the JWT bearer flow)"`
	// ConsumerSecret goes with a refresh token when the app requires its
	// secret for refreshes.
	ConsumerSecret tributary.Secret `json:"consumer_secret,omitempty" jsonschema:"title=Consumer secret,description=The connected app's consumer secret (refresh-token flow)"`
}

// Validate reports missing or contradictory credentials and a key that
// cannot be read.
func (c *Credentials) Validate() error {
	var errs []error
	if strings.TrimSpace(c.ConsumerKey) == "" || strings.ContainsAny(c.ConsumerKey, " \t\r\n") {
		errs = append(errs, tributary.InvalidField("consumer_key", "required: the connected app's consumer key, without spaces"))
	}
	jwt := c.Username != "" || !c.PrivateKey.IsZero()
	switch {
	case jwt && !c.RefreshToken.IsZero():
		errs = append(errs, tributary.InvalidField("refresh_token", "give either username and private_key or refresh_token, not both"))
	case jwt:
		if !strings.Contains(c.Username, "@") || strings.ContainsAny(c.Username, " \t\r\n") {
			errs = append(errs, tributary.InvalidField("username", "must be a Salesforce username (name@example.com)"))
		}
		if _, err := jwtsign.ParseKey([]byte(c.PrivateKey.Reveal())); err != nil {
			errs = append(errs, tributary.InvalidField("private_key", "must be an RSA private key in PEM (PKCS#1 or PKCS#8)"))
		}
	case c.RefreshToken.IsZero():
		errs = append(errs, tributary.InvalidField("private_key", "required: username and private_key (JWT bearer flow), or refresh_token"))
	case strings.ContainsAny(c.RefreshToken.Reveal(), " \t\r\n"):
		errs = append(errs, tributary.InvalidField("refresh_token", "must be the token alone, without spaces"))
	}
	return errors.Join(errs...)
}
