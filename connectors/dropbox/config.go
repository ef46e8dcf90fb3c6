package dropbox

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
)

// Default endpoints of the Dropbox API.
const (
	DefaultAPIURL     = "https://api.dropboxapi.com"
	DefaultContentURL = "https://content.dropboxapi.com"
	DefaultTokenURL   = "https://api.dropboxapi.com/oauth2/token"
)

// Settings say what to read from Dropbox.
type Settings struct {
	// Path is the folder read with everything under it, such as
	// "/Projects"; empty reads the whole Dropbox.
	Path string `json:"path,omitempty" jsonschema:"title=Folder,description=Folder read recursively; empty reads everything"`
	// TeamSpace reads from the team space's root when the account
	// belongs to one (team folders and member folders); true by default.
	TeamSpace bool `json:"team_space" jsonschema:"title=Team space,description=Read the team space when the account has one,default=true"`
	// TeamMember is the member a team token acts for: a team_member_id
	// (dbmid:...) or the member's e-mail address, which
	// team/members/get_info resolves. Required with a team token (an app
	// with team scopes), empty with a user's token.
	TeamMember string `json:"team_member,omitempty" jsonschema:"title=Team member,description=With a team token: the team_member_id (dbmid:...) or e-mail address of the member to read as"`
	// TeamAdmin selects the member with Dropbox-API-Select-Admin rather
	// than Dropbox-API-Select-User: the member must be a team admin, and
	// reads team-owned content (team folders) as well as their own.
	TeamAdmin bool `json:"team_admin,omitempty" jsonschema:"title=Act as team admin,description=Select the team member as an admin (Dropbox-API-Select-Admin) to read team folders too"`
	// MaxFileSize bounds the bytes downloaded per file; larger files are
	// failures. 20 MiB by default.
	MaxFileSize int64 `json:"max_file_size,omitempty" jsonschema:"title=Largest file,minimum=1,default=20971520"`
	// PageSize is the listing's limit per page, at most 2000.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=2000,default=2000"`
	// OpenArchives indexes the entries of zip and tar archives and gzip
	// streams as documents of their own (ARCHIVE-ID!/ENTRY), as the blob
	// connectors do; when off, archives are left out. On by default.
	OpenArchives bool `json:"open_archives" jsonschema:"title=Open archives,description=Index the entries of zip and tar archives and gzip streams,default=true"`
	// Archive bounds what one archive may hold; an archive over a bound is
	// refused whole with one Failure, so a zip bomb is never expanded.
	// Archives are downloaded whole, so max_file_size bounds them too.
	Archive ArchiveLimits `json:"archive,omitzero" jsonschema:"title=Archive limits,description=Bounds on archives; an archive over one is refused"`
	// APIURL and ContentURL are the API roots, for a proxy or an emulator.
	APIURL     string `json:"api_url,omitempty" jsonschema:"title=API URL,format=uri,default=https://api.dropboxapi.com"`
	ContentURL string `json:"content_url,omitempty" jsonschema:"title=Content URL,format=uri,default=https://content.dropboxapi.com"`
}

// ArchiveLimits bounds an archive, as the file and blob connectors' do.
// Zero fields take their defaults.
type ArchiveLimits = archive.Limits

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.TeamSpace = true
	s.OpenArchives = true
	s.MaxFileSize = 20 << 20
	s.PageSize = 2000
	s.APIURL, s.ContentURL = DefaultAPIURL, DefaultContentURL
}

// Validate reports every problem with the settings; zero numbers and URLs
// get their defaults first.
func (s *Settings) Validate() error {
	if s.MaxFileSize == 0 {
		s.MaxFileSize = 20 << 20
	}
	if s.PageSize == 0 {
		s.PageSize = 2000
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if s.ContentURL == "" {
		s.ContentURL = DefaultContentURL
	}
	var errs []error
	if s.Archive.Negative() {
		errs = append(errs, tributary.InvalidField("archive", "limits must not be negative"))
	}
	s.Archive = s.Archive.WithDefaults()
	if s.Path != "" && (!strings.HasPrefix(s.Path, "/") || strings.HasSuffix(s.Path, "/") || strings.Contains(s.Path, "//")) {
		errs = append(errs, tributary.InvalidField("path", "must start with / and not end with one, such as /Projects"))
	}
	switch m := s.TeamMember; {
	case m != "" && !strings.HasPrefix(m, "dbmid:") && !strings.Contains(m, "@"):
		errs = append(errs, tributary.InvalidField("team_member", "must be a team_member_id (dbmid:...) or an e-mail address"))
	case m == "" && s.TeamAdmin:
		errs = append(errs, tributary.InvalidField("team_admin", "needs team_member: the admin to act as"))
	case strings.ContainsAny(m, "\r\n"):
		errs = append(errs, tributary.InvalidField("team_member", "must be one line"))
	}
	if s.MaxFileSize < 1 {
		errs = append(errs, tributary.InvalidField("max_file_size", "must be positive"))
	}
	if s.PageSize < 1 || s.PageSize > 2000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 2000"))
	}
	for name, v := range map[string]string{"api_url": s.APIURL, "content_url": s.ContentURL} {
		if !goodURL(v, false) {
			errs = append(errs, tributary.InvalidField(name, "must be an http or https URL without query, fragment or user"))
		}
	}
	return errors.Join(errs...)
}

func goodURL(v string, query bool) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && (query || u.RawQuery == "" && u.Fragment == "")
}

// Credentials authenticate to Dropbox: an app's refresh token (from an
// OAuth consent with token_access_type=offline) with the app key and
// secret, or a bare access token.
type Credentials struct {
	// AccessToken is a current access token; with a refresh token it is
	// used until it expires.
	AccessToken tributary.Secret `json:"access_token,omitempty" jsonschema:"title=Access token"`
	// RefreshToken renews short-lived access tokens; ClientID (the app
	// key) is required with it, ClientSecret (the app secret) unless the
	// consent used PKCE.
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=Refresh token"`
	ClientID     string           `json:"client_id,omitempty" jsonschema:"title=App key"`
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=App secret"`
	// TokenURL is the token endpoint; Dropbox's by default.
	TokenURL string `json:"token_url,omitempty" jsonschema:"title=Token endpoint,format=uri,default=https://api.dropboxapi.com/oauth2/token"`
}

// Validate reports credentials that fit no mode.
func (c *Credentials) Validate() error {
	var errs []error
	switch {
	case !c.RefreshToken.IsZero():
		if c.ClientID == "" {
			errs = append(errs, tributary.InvalidField("client_id", "required with a refresh token: the app key"))
		}
	case strings.TrimSpace(c.AccessToken.Reveal()) == "":
		errs = append(errs, tributary.InvalidField("access_token", "required: an access token or a refresh token"))
	}
	if c.TokenURL != "" && !goodURL(c.TokenURL, true) {
		errs = append(errs, tributary.InvalidField("token_url", "must be an http or https URL"))
	}
	return errors.Join(errs...)
}
