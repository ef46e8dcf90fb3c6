package box

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
)

// Default endpoints of the Box API.
const (
	DefaultAPIURL   = "https://api.box.com"
	DefaultTokenURL = "https://api.box.com/oauth2/token"
	// DefaultDownloadHost is the host Box's downloads redirect to.
	DefaultDownloadHost = "dl.boxcloud.com"
)

// Settings say what to read from Box.
type Settings struct {
	// FolderIDs are the folders read with everything under them; "0", the
	// root ("All Files"), when empty. A folder's id is the number at the
	// end of its address, https://app.box.com/folder/ID.
	FolderIDs []string `json:"folder_ids,omitempty" jsonschema:"title=Folders,description=Ids of the folders read recursively; 0 (All Files) when empty"`
	// MaxFileSize bounds the bytes downloaded per file; larger files are
	// failures. 20 MiB by default.
	MaxFileSize int64 `json:"max_file_size,omitempty" jsonschema:"title=Largest file,minimum=1,default=20971520"`
	// PageSize is the folder listing's limit per page, at most 1000.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=1000,default=1000"`
	// OpenArchives indexes the entries of zip and tar archives and gzip
	// streams as documents of their own (FILE-ID!/ENTRY); when off,
	// archives are left out. On by default.
	OpenArchives bool `json:"open_archives" jsonschema:"title=Open archives,description=Index the entries of zip and tar archives and gzip streams,default=true"`
	// Archive bounds what one archive may hold; an archive over a bound is
	// refused whole with one Failure.
	Archive ArchiveLimits `json:"archive,omitzero" jsonschema:"title=Archive limits,description=Bounds on archives; an archive over one is refused"`
	// PublicSharedLinks makes a file whose shared link is open to anyone
	// with the link (access "open") public; off, such links give no
	// access beyond the file's collaborators.
	PublicSharedLinks bool `json:"public_shared_links,omitempty" jsonschema:"title=Open shared links are public,description=Mark files with a shared link open to anyone as public"`
	// APIURL is the API root, for a proxy or an emulator.
	APIURL string `json:"api_url,omitempty" jsonschema:"title=API URL,format=uri,default=https://api.box.com"`
	// DownloadHost is a host besides dl.boxcloud.com that downloads may
	// be redirected to (a proxy's); no other host is ever fetched.
	DownloadHost string `json:"download_host,omitempty" jsonschema:"title=Download host,description=Another host downloads may be redirected to"`
}

// ArchiveLimits bounds an archive, as the file and blob connectors' do.
type ArchiveLimits = archive.Limits

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.OpenArchives = true
	s.MaxFileSize = 20 << 20
	s.PageSize = 1000
	s.APIURL = DefaultAPIURL
}

// Validate reports every problem with the settings; zero numbers and URLs
// get their defaults first.
func (s *Settings) Validate() error {
	if s.MaxFileSize == 0 {
		s.MaxFileSize = 20 << 20
	}
	if s.PageSize == 0 {
		s.PageSize = 1000
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if len(s.FolderIDs) == 0 {
		s.FolderIDs = []string{"0"}
	}
	var errs []error
	if s.Archive.Negative() {
		errs = append(errs, tributary.InvalidField("archive", "limits must not be negative"))
	}
	s.Archive = s.Archive.WithDefaults()
	seen := map[string]bool{}
	for _, id := range s.FolderIDs {
		switch {
		case !numeric(id):
			errs = append(errs, tributary.InvalidField("folder_ids", "must be folder ids, numbers such as 0 or 123456"))
		case seen[id]:
			errs = append(errs, tributary.InvalidField("folder_ids", "lists a folder twice"))
		}
		seen[id] = true
	}
	if s.MaxFileSize < 1 {
		errs = append(errs, tributary.InvalidField("max_file_size", "must be positive"))
	}
	if s.PageSize < 1 || s.PageSize > 1000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 1000"))
	}
	if !goodURL(s.APIURL, false) {
		errs = append(errs, tributary.InvalidField("api_url", "must be an http or https URL without query, fragment or user"))
	}
	if h := s.DownloadHost; h != "" {
		if u, err := url.Parse("https://" + h); err != nil || u.Host != h || u.User != nil || strings.ContainsAny(h, "/?# \r\n") {
			errs = append(errs, tributary.InvalidField("download_host", "must be a host name, with a port or not, such as dl.example.com"))
		}
	}
	return errors.Join(errs...)
}

func numeric(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func goodURL(v string, query bool) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && (query || u.RawQuery == "" && u.Fragment == "")
}

// Credentials authenticate to Box in one of three ways: an access token
// alone (a developer token, which lasts an hour); an OAuth 2.0 refresh
// token with the app's client id and secret, renewed and rotated by the
// connector; or a Server Authentication app's client id and secret with
// the Client Credentials Grant, acting for the enterprise (its service
// account) or for one user.
type Credentials struct {
	// AccessToken is a developer token, or the current access token of
	// an OAuth consent.
	AccessToken tributary.Secret `json:"access_token,omitempty" jsonschema:"title=Access token"`
	// RefreshToken renews access tokens; Box answers each refresh with a
	// new refresh token, which the connector saves.
	RefreshToken tributary.Secret `json:"refresh_token,omitempty" jsonschema:"title=Refresh token"`
	// ClientID and ClientSecret are the app's.
	ClientID     string           `json:"client_id,omitempty" jsonschema:"title=Client ID"`
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=Client secret"`
	// SubjectType (enterprise or user) and SubjectID (the enterprise id
	// or the user id) select the Client Credentials Grant.
	SubjectType string `json:"box_subject_type,omitempty" jsonschema:"title=Subject type,enum=enterprise,enum=user,description=With client credentials: act for the enterprise or one user"`
	SubjectID   string `json:"box_subject_id,omitempty" jsonschema:"title=Subject id,description=The enterprise id or the user id"`
	// TokenURL is the token endpoint; Box's by default.
	TokenURL string `json:"token_url,omitempty" jsonschema:"title=Token endpoint,format=uri,default=https://api.box.com/oauth2/token"`
}

// ccg reports whether the credentials use the Client Credentials Grant.
func (c *Credentials) ccg() bool { return c.SubjectType != "" }

// Validate reports credentials that fit no mode.
func (c *Credentials) Validate() error {
	var errs []error
	switch {
	case c.ccg():
		if c.SubjectType != "enterprise" && c.SubjectType != "user" {
			errs = append(errs, tributary.InvalidField("box_subject_type", "must be enterprise or user"))
		}
		if !numeric(c.SubjectID) {
			errs = append(errs, tributary.InvalidField("box_subject_id", "required with box_subject_type: the enterprise or user id, a number"))
		}
		if c.ClientID == "" {
			errs = append(errs, tributary.InvalidField("client_id", "required with client credentials"))
		}
		if c.ClientSecret.IsZero() {
			errs = append(errs, tributary.InvalidField("client_secret", "required with client credentials"))
		}
		if !c.RefreshToken.IsZero() {
			errs = append(errs, tributary.InvalidField("refresh_token", "not used with client credentials: leave it out"))
		}
	case !c.RefreshToken.IsZero():
		if c.ClientID == "" {
			errs = append(errs, tributary.InvalidField("client_id", "required with a refresh token"))
		}
		if c.ClientSecret.IsZero() {
			errs = append(errs, tributary.InvalidField("client_secret", "required with a refresh token"))
		}
	case strings.TrimSpace(c.AccessToken.Reveal()) == "":
		errs = append(errs, tributary.InvalidField("access_token", "required: a developer token, a refresh token, or client credentials with box_subject_type"))
	}
	if c.SubjectID != "" && !c.ccg() {
		errs = append(errs, tributary.InvalidField("box_subject_id", "needs box_subject_type"))
	}
	if c.TokenURL != "" && !goodURL(c.TokenURL, true) {
		errs = append(errs, tributary.InvalidField("token_url", "must be an http or https URL"))
	}
	return errors.Join(errs...)
}
