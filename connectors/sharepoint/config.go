package sharepoint

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graph"
)

// Endpoints of the global Microsoft cloud. National clouds have their own
// (graph.microsoft.us and login.microsoftonline.us for US Government,
// microsoftgraph.chinacloudapi.cn and login.chinacloudapi.cn for China).
const (
	DefaultGraphURL = graph.DefaultGraphURL
	DefaultLoginURL = graph.DefaultLoginURL
)

// Settings say what to read from SharePoint Online.
type Settings struct {
	// Sites lists sites by URL (https://contoso.sharepoint.com/sites/eng);
	// empty reads every site of the tenant.
	Sites []string `json:"sites,omitempty" jsonschema:"title=Sites,description=Site URLs such as https://contoso.sharepoint.com/sites/eng; empty reads every site"`
	// IncludePages reads each site's modern pages; true by default.
	IncludePages bool `json:"include_pages" jsonschema:"title=Site pages,description=Read the sites' modern pages,default=true"`
	// IncludeFiles reads the files of each site's document libraries; true
	// by default.
	IncludeFiles bool `json:"include_files" jsonschema:"title=Files,description=Read the files of the sites' document libraries,default=true"`
	// AnonymousLinksPublic makes a file shared through an "anyone with the
	// link" sharing link public; by default such a link admits nobody
	// beyond the other permissions, since a link is not a listing.
	AnonymousLinksPublic bool `json:"anonymous_links_public,omitempty" jsonschema:"title=Anonymous links are public,description=Treat files shared with anyone who has the link as public"`
	// OrganizationLinksOpen opens a file shared through a "people in the
	// organization with the link" sharing link to everyone of the tenant
	// (the group "organization"); by default such a link admits nobody.
	OrganizationLinksOpen bool `json:"organization_links_open,omitempty" jsonschema:"title=Organization links open files,description=Treat files shared with everyone in the organization who has the link as open to the whole organization"`
	// MaxFileSize bounds the bytes downloaded per file; larger files are
	// skipped. 20 MiB by default.
	MaxFileSize int64 `json:"max_file_size,omitempty" jsonschema:"title=Largest file,description=Largest file in bytes that is downloaded,minimum=1,default=20971520"`
	// Concurrency is how many files are read at once (downloads and
	// permissions); 8 by default, at most 32. At most twice as many are
	// held ahead of the one being yielded.
	Concurrency int `json:"concurrency,omitempty" jsonschema:"title=Concurrency,description=Files read at once,minimum=1,maximum=32,default=8"`
	// PageSize is the number of items asked for per page ($top); 200 by
	// default, at most 999.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=999,default=200"`
	// GraphURL is the root of Microsoft Graph, for a national cloud, a
	// proxy or an emulator; https://graph.microsoft.com by default. The
	// connector uses its v1.0 API.
	GraphURL string `json:"graph_url,omitempty" jsonschema:"title=Graph URL,description=Root of Microsoft Graph (national clouds have their own),format=uri,default=https://graph.microsoft.com"`
	// LoginURL is the root of the Microsoft identity platform;
	// https://login.microsoftonline.com by default.
	LoginURL string `json:"login_url,omitempty" jsonschema:"title=Login URL,description=Root of the Microsoft identity platform (national clouds have their own),format=uri,default=https://login.microsoftonline.com"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludePages = true
	s.IncludeFiles = true
	s.MaxFileSize = 20 << 20
	s.PageSize = 200
	s.Concurrency = 8
	s.GraphURL = DefaultGraphURL
	s.LoginURL = DefaultLoginURL
}

// Validate reports every problem with the settings. Empty numbers and URLs
// are given their defaults first.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxFileSize == 0 {
		s.MaxFileSize = 20 << 20
	}
	if s.PageSize == 0 {
		s.PageSize = 200
	}
	if s.Concurrency == 0 {
		s.Concurrency = 8
	}
	if s.GraphURL == "" {
		s.GraphURL = DefaultGraphURL
	}
	if s.LoginURL == "" {
		s.LoginURL = DefaultLoginURL
	}
	for i, raw := range s.Sites {
		if _, _, err := sitePath(raw); err != nil {
			errs = append(errs, tributary.InvalidField("sites", "entry %d: %v", i, err))
		}
	}
	if !s.IncludePages && !s.IncludeFiles {
		errs = append(errs, tributary.InvalidField("include_files", "nothing to read: turn on files or pages"))
	}
	if s.MaxFileSize < 1 {
		errs = append(errs, tributary.InvalidField("max_file_size", "must be positive"))
	}
	if s.Concurrency < 1 || s.Concurrency > 32 {
		errs = append(errs, tributary.InvalidField("concurrency", "must be between 1 and 32"))
	}
	if s.PageSize < 1 || s.PageSize > 999 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 999"))
	}
	for _, f := range []struct{ name, v string }{{"graph_url", s.GraphURL}, {"login_url", s.LoginURL}} {
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
			errs = append(errs, tributary.InvalidField(f.name, "must be an http or https URL of a host, without path, query, fragment or user"))
		}
	}
	return errors.Join(errs...)
}

// sitePath splits a site URL into its host and server-relative path.
func sitePath(raw string) (host, path string, err error) {
	u, perr := url.Parse(strings.TrimSpace(raw))
	switch {
	case perr != nil || u.Scheme != "https" || u.Host == "":
		return "", "", errors.New("not an https URL of a site")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", "", errors.New("a site URL has no query, fragment or user")
	case strings.ContainsAny(u.Host, ":"):
		return "", "", errors.New("a site URL names no port")
	}
	path = strings.TrimRight(u.Path, "/")
	if path == "" {
		path = "/"
	}
	return strings.ToLower(u.Host), path, nil
}

// Credentials are those of an app registration in Microsoft Entra ID with
// application permissions: its tenant, its client id, and either a client
// secret or a certificate (its PEM with the private key). Teams takes the
// same ones.
type Credentials = graph.Credentials

func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}
