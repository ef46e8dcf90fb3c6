package teams

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graph"
)

// Endpoints of the global Microsoft cloud; national clouds have their own
// (see the package documentation).
const (
	DefaultGraphURL = graph.DefaultGraphURL
	DefaultLoginURL = graph.DefaultLoginURL
)

// maxTop is the largest page Graph's message listings answer.
const maxTop = 50

// guidPattern matches a team's (its group's) id.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Settings say what to read from Microsoft Teams.
type Settings struct {
	// Teams lists teams by id (the id of the team's Microsoft 365 group,
	// the groupId of a team link); empty reads every team of the tenant.
	Teams []string `json:"teams,omitempty" jsonschema:"title=Teams,description=Team (group) ids to read; empty reads every team"`
	// SkipPrivateChannels leaves private channels out.
	SkipPrivateChannels bool `json:"skip_private_channels,omitempty" jsonschema:"title=Skip private channels,description=Leave private channels out"`
	// SkipSharedChannels leaves shared channels out.
	SkipSharedChannels bool `json:"skip_shared_channels,omitempty" jsonschema:"title=Skip shared channels,description=Leave shared channels out"`
	// PageSize is the number of messages asked for per page ($top); 50
	// by default, the most Graph answers.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,description=Messages asked for per page,minimum=1,maximum=50,default=50"`
	// GraphURL is the root of Microsoft Graph, for a national cloud, a
	// proxy or an emulator; https://graph.microsoft.com by default.
	GraphURL string `json:"graph_url,omitempty" jsonschema:"title=Graph URL,description=Root of Microsoft Graph (national clouds have their own),format=uri,default=https://graph.microsoft.com"`
	// LoginURL is the root of the Microsoft identity platform;
	// https://login.microsoftonline.com by default.
	LoginURL string `json:"login_url,omitempty" jsonschema:"title=Login URL,description=Root of the Microsoft identity platform (national clouds have their own),format=uri,default=https://login.microsoftonline.com"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.PageSize = maxTop
	s.GraphURL = DefaultGraphURL
	s.LoginURL = DefaultLoginURL
}

// Validate reports every problem with the settings. Empty numbers and URLs
// are given their defaults first.
func (s *Settings) Validate() error {
	var errs []error
	if s.PageSize == 0 {
		s.PageSize = maxTop
	}
	if s.GraphURL == "" {
		s.GraphURL = DefaultGraphURL
	}
	if s.LoginURL == "" {
		s.LoginURL = DefaultLoginURL
	}
	seen := map[string]bool{}
	for i, id := range s.Teams {
		switch {
		case !guidPattern.MatchString(id):
			errs = append(errs, tributary.InvalidField("teams", "entry %d: not a team (group) id such as 00000000-0000-0000-0000-000000000000", i))
		case seen[strings.ToLower(id)]:
			errs = append(errs, tributary.InvalidField("teams", "entry %d: %s is listed twice", i, id))
		}
		seen[strings.ToLower(id)] = true
	}
	if s.PageSize < 1 || s.PageSize > maxTop {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 50"))
	}
	for _, f := range []struct{ name, v string }{{"graph_url", s.GraphURL}, {"login_url", s.LoginURL}} {
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
			errs = append(errs, tributary.InvalidField(f.name, "must be an http or https URL of a host, without path, query, fragment or user"))
		}
	}
	return errors.Join(errs...)
}

// Credentials are those of an app registration in Microsoft Entra ID with
// application permissions: its tenant, its client id, and a client secret
// or a certificate. SharePoint takes the same ones.
type Credentials = graph.Credentials
