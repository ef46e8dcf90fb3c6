package googledrive

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

// DefaultAPIURL is the root of the Drive and Directory APIs.
const DefaultAPIURL = "https://www.googleapis.com"

// DefaultTokenURI is Google's token endpoint.
const DefaultTokenURI = google.DefaultTokenURI

// Settings say what to read from Google Drive.
type Settings struct {
	// AdminEmail is a Workspace administrator that a service account
	// impersonates to list users, groups and shared drives, and to read
	// shared drives and folders. Required with a service account; ignored
	// with OAuth credentials, which act as the consenting user.
	AdminEmail string `json:"admin_email,omitempty" jsonschema:"title=Administrator,description=Administrator a service account impersonates to list users and groups and read shared drives,format=email"`
	// IncludeMyDrives reads the files users own in My Drive; true by
	// default.
	IncludeMyDrives bool `json:"include_my_drives" jsonschema:"title=My Drives,description=Read files users own in My Drive,default=true"`
	// MyDriveEmails lists the users whose My Drive is read; empty means
	// every user of the domain (service account) or the consenting user.
	MyDriveEmails []string `json:"my_drive_emails,omitempty" jsonschema:"title=Users,description=Addresses of users whose My Drive is read; empty reads every user"`
	// IncludeSharedDrives reads shared drives; true by default.
	IncludeSharedDrives bool `json:"include_shared_drives" jsonschema:"title=Shared drives,description=Read shared drives,default=true"`
	// SharedDriveIDs lists shared drives by id (the last part of
	// https://drive.google.com/drive/folders/ID); empty means every shared
	// drive of the domain (a service account) or every one the user
	// belongs to (OAuth credentials).
	SharedDriveIDs []string `json:"shared_drive_ids,omitempty" jsonschema:"title=Shared drive ids,description=Ids of shared drives to read; empty reads every one of the domain (service account) or of the user"`
	// FolderIDs lists folders read with everything under them.
	FolderIDs []string `json:"folder_ids,omitempty" jsonschema:"title=Folder ids,description=Ids of folders read recursively"`
	// IncludeSharedWithMe reads the files others shared with each user
	// read (their "Shared with me").
	IncludeSharedWithMe bool `json:"include_shared_with_me,omitempty" jsonschema:"title=Shared with me,description=Read files others shared with each user"`
	// AnyoneWithLinkIsPublic makes files shared with anyone who has the
	// link public; by default such sharing admits nobody beyond the other
	// permissions, since a link is not a listing.
	AnyoneWithLinkIsPublic bool `json:"anyone_with_link_is_public,omitempty" jsonschema:"title=Links are public,description=Treat files shared with anyone with the link as public"`
	// MaxFileSize bounds the bytes downloaded or exported per file; larger
	// files are skipped. 20 MiB by default.
	MaxFileSize int64 `json:"max_file_size,omitempty" jsonschema:"title=Largest file,description=Largest file in bytes that is downloaded,minimum=1,default=20971520"`
	// Concurrency is how many files are read at once (downloads, exports,
	// permissions); 8 by default, at most 32. At most twice as many are
	// held ahead of the one being yielded.
	Concurrency int `json:"concurrency,omitempty" jsonschema:"title=Concurrency,description=Files read at once,minimum=1,maximum=32,default=8"`
	// PageSize is the number of files per listing page, at most 1000.
	PageSize int `json:"page_size,omitempty" jsonschema:"title=Page size,minimum=1,maximum=1000,default=100"`
	// APIURL is the root of the Drive and Directory APIs, for a proxy or
	// an emulator; https://www.googleapis.com by default.
	APIURL string `json:"api_url,omitempty" jsonschema:"title=API URL,description=Root of the Drive and Directory APIs,format=uri,default=https://www.googleapis.com"`
}

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeMyDrives = true
	s.IncludeSharedDrives = true
	s.MaxFileSize = 20 << 20
	s.PageSize = 100
	s.Concurrency = 8
	s.APIURL = DefaultAPIURL
}

// driveID matches Drive's file, folder and shared drive ids.
var driveID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Validate reports every problem with the settings. Empty numbers and URL
// are given their defaults first.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxFileSize == 0 {
		s.MaxFileSize = 20 << 20
	}
	if s.PageSize == 0 {
		s.PageSize = 100
	}
	if s.Concurrency == 0 {
		s.Concurrency = 8
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if s.AdminEmail != "" && !google.IsEmail(s.AdminEmail) {
		errs = append(errs, tributary.InvalidField("admin_email", "must be an e-mail address"))
	}
	for i, e := range s.MyDriveEmails {
		if !google.IsEmail(e) {
			errs = append(errs, tributary.InvalidField("my_drive_emails", "entry %d is not an e-mail address", i))
		}
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"shared_drive_ids", s.SharedDriveIDs}, {"folder_ids", s.FolderIDs}} {
		for i, id := range f.ids {
			if !driveID.MatchString(id) {
				errs = append(errs, tributary.InvalidField(f.name, "entry %d (%q) is not a Drive id", i, id))
			}
		}
	}
	if !s.IncludeMyDrives && !s.IncludeSharedDrives && !s.IncludeSharedWithMe && len(s.FolderIDs) == 0 {
		errs = append(errs, tributary.InvalidField("include_my_drives", "nothing to read: turn on My Drives, shared drives or shared with me, or list folders"))
	}
	if s.MaxFileSize < 1 {
		errs = append(errs, tributary.InvalidField("max_file_size", "must be positive"))
	}
	if s.Concurrency < 1 || s.Concurrency > 32 {
		errs = append(errs, tributary.InvalidField("concurrency", "must be between 1 and 32"))
	}
	if s.PageSize < 1 || s.PageSize > 1000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 1000"))
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("api_url", "must be an http or https URL without query, fragment or user"))
	}
	return errors.Join(errs...)
}

func (s *Settings) api() string { return strings.TrimRight(s.APIURL, "/") }

func sortedIDs(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// Credentials authenticate to Google: a service account's JSON key (with
// domain-wide delegation, to read every user), or OAuth credentials of one
// user who consented (client id and secret, refresh token), or a bare
// access token. Mode names which of them they are.
type Credentials = google.Credentials
