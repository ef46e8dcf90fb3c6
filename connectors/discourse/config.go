package discourse

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Settings name the forum to read.
type Settings struct {
	// BaseURL is the forum's address, such as https://forum.example.com.
	BaseURL string `json:"base_url" jsonschema:"title=Forum URL,description=Address of the Discourse forum,format=uri,required"`
	// RequestsPerSecond is the client's pace; Discourse allows an admin
	// API key 60 requests a minute by default.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"title=Requests per second,minimum=0.1,maximum=50,default=1"`
}

// SetDefaults fills the defaults before the configuration is decoded.
func (s *Settings) SetDefaults() { s.RequestsPerSecond = 1 }

// Validate reports every problem with the settings.
func (s *Settings) Validate() error {
	var errs []error
	if s.RequestsPerSecond == 0 {
		s.RequestsPerSecond = 1
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://forum.example.com"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be the forum's root, without path, query, fragment or user"))
	}
	if s.RequestsPerSecond < 0.1 || s.RequestsPerSecond > 50 {
		errs = append(errs, tributary.InvalidField("requests_per_second", "must be between 0.1 and 50"))
	}
	return errors.Join(errs...)
}

func (s *Settings) root() string { return strings.TrimRight(s.BaseURL, "/") }

// Credentials are an API key and the user it acts as.
type Credentials struct {
	// APIKey is an API key made under Admin, API (global, or scoped to
	// topics and categories read).
	APIKey tributary.Secret `json:"api_key" jsonschema:"title=API key,description=Discourse API key,required"`
	// Username is the user the key acts as (Api-Username), such as system.
	Username string `json:"username" jsonschema:"title=API username,description=User the key acts as,required"`
}

// Validate reports a missing key or username.
func (c *Credentials) Validate() error {
	var errs []error
	if strings.TrimSpace(c.APIKey.Reveal()) == "" {
		errs = append(errs, tributary.InvalidField("api_key", "required"))
	}
	if strings.TrimSpace(c.Username) == "" {
		errs = append(errs, tributary.InvalidField("username", "required: the user the key acts as, such as system"))
	}
	return errors.Join(errs...)
}
