// Package googleemu emulates the Google APIs that the Google Workspace
// connectors read: Drive v3 (/drive/v3: about, files.list with the q query
// language and field masks, files.get with alt=media, files.export,
// permissions.list, drives.list and drives.get, changes.getStartPageToken
// and changes.list), the Admin SDK Directory API (/admin/directory/v1:
// users.list, groups.list, members.list) and the OAuth 2.0 token endpoint
// (/token: the refresh-token grant, and the JWT bearer grant a service
// account signs, with domain-wide delegation through its sub claim), and
// Gmail v1 (/gmail/v1/users/{userId}: profile, labels.list, threads.list
// with the q operators the connectors use, threads.get and messages.get
// in their formats, attachments.get, history.list and
// settings.delegates.list; see gmail.go).
//
// Access tokens carry scopes: a request whose token lacks the scope its
// method needs is refused with 403 insufficientPermissions, as Google does.
// Errors use Google's JSON error shape ({"error":{"code","message",
// "errors":[{"domain","reason","message"}]}}), including the 403
// userRateLimitExceeded and rateLimitExceeded answers Drive gives over
// quota (see RateLimited403), the export limit (exportSizeLimitExceeded)
// and the download refusals (fileNotDownloadable,
// cannotDownloadAbusiveFile). Faults and the request log come from the
// emulator kit. Routes are grouped per API so that further APIs (Gmail v1)
// can be added beside them.
package googleemu

import (
	"slices"
	"strings"
	"time"
)

// MIME types of Google's own formats.
const (
	MimeFolder   = "application/vnd.google-apps.folder"
	MimeDoc      = "application/vnd.google-apps.document"
	MimeSheet    = "application/vnd.google-apps.spreadsheet"
	MimeSlides   = "application/vnd.google-apps.presentation"
	MimeShortcut = "application/vnd.google-apps.shortcut"
	MimeForm     = "application/vnd.google-apps.form"
)

// User is an account of the emulated Workspace domain.
type User struct {
	Email     string
	Name      string
	Admin     bool // may list users and groups with the Directory API
	Suspended bool
}

// Group is a Google group with its members' addresses.
type Group struct {
	ID      string
	Email   string
	Name    string
	Members []string
}

// SharedDrive is a shared drive and the users who are its members.
type SharedDrive struct {
	ID      string
	Name    string
	Created time.Time
	Members []string
}

// Permission is one entry of a file's sharing.
type Permission struct {
	ID   string
	Type string // user, group, domain or anyone
	Role string // owner, organizer, fileOrganizer, writer, commenter, reader
	// EmailAddress names the user or group; Domain the domain.
	EmailAddress string
	Domain       string
	// AllowFileDiscovery is false for "anyone with the link".
	AllowFileDiscovery bool
}

// Sheet is one sheet of a spreadsheet.
type Sheet struct {
	Name string
	Rows [][]string
}

// File is a file or folder.
type File struct {
	ID       string
	Name     string
	MimeType string
	// Parent is the folder (or shared drive root, whose id is the
	// drive's) holding the file; empty for a My Drive root item.
	Parent string
	// DriveID is the shared drive the file is in, empty for My Drive.
	DriveID string
	// Owner is the owner of a My Drive file.
	Owner    string
	Created  time.Time
	Modified time.Time
	Trashed  bool
	// Deleted files are gone from every listing; only changes name them.
	Deleted bool

	// Content is a binary file's bytes; Text a Google Doc's text (in
	// Markdown) or a presentation's, one slide per element of Slides;
	// Sheets a spreadsheet's sheets.
	Content []byte
	Text    string
	Slides  []string
	Sheets  []Sheet
	// Size, when set, is the size Drive reports instead of len(Content).
	Size int64

	// ShortcutTarget is the id a shortcut points at.
	ShortcutTarget string

	Permissions []Permission

	// Abusive files are refused for download without acknowledgeAbuse;
	// NoDownload files with fileNotDownloadable; ExportTooLarge Google
	// files with exportSizeLimitExceeded.
	Abusive        bool
	NoDownload     bool
	ExportTooLarge bool

	xlsx []byte // the workbook export, built once until the file changes
}

// change is one entry of the change log.
type change struct {
	seq     int
	fileID  string
	driveID string
	time    time.Time
}

// Data is the emulated domain.
type Data struct {
	Domain string
	Users  []*User
	Groups []*Group
	Drives []*SharedDrive
	Files  []*File
	// Mailboxes are the users' Gmail mailboxes by lower-cased address.
	Mailboxes map[string]*Mailbox

	byID    map[string]*File
	changes []change
	seq     int
	now     func() time.Time
}

// File returns the file with the id, or nil.
func (d *Data) File(id string) *File {
	d.index()
	return d.byID[id]
}

func (d *Data) index() {
	if d.byID != nil && len(d.byID) == len(d.Files) {
		return
	}
	d.byID = make(map[string]*File, len(d.Files))
	for _, f := range d.Files {
		d.byID[f.ID] = f
	}
}

// Add adds a file and records its creation as a change.
func (d *Data) Add(f *File) {
	d.Files = append(d.Files, f)
	d.index()
	d.logChange(f)
}

// Touch sets a file's modification time, as an edit does, and records a
// change.
func (d *Data) Touch(id string, t time.Time) {
	if f := d.File(id); f != nil {
		f.Modified, f.xlsx = t, nil
		d.logChange(f)
	}
}

// Trash moves a file to the trash and records a change.
func (d *Data) Trash(id string) {
	if f := d.File(id); f != nil {
		f.Trashed = true
		d.logChange(f)
	}
}

// Delete deletes a file for good and records a change.
func (d *Data) Delete(id string) {
	if f := d.File(id); f != nil {
		f.Deleted = true
		d.logChange(f)
	}
}

// Move puts a file in another folder (and shared drive, or My Drive when
// driveID is empty) without touching its modification time, and records
// a change, as Drive does.
func (d *Data) Move(id, driveID, parent string) {
	if f := d.File(id); f != nil {
		f.DriveID, f.Parent = driveID, parent
		d.logChange(f)
	}
}

// SetPermissions replaces a file's sharing without touching its content
// or modification time, and records a change, as Drive does.
func (d *Data) SetPermissions(id string, ps []Permission) {
	if f := d.File(id); f != nil {
		f.Permissions = slices.Clone(ps)
		d.logChange(f)
	}
}

func (d *Data) logChange(f *File) {
	d.seq++
	t := f.Modified
	if d.now != nil {
		t = d.now()
	}
	d.changes = append(d.changes, change{seq: d.seq, fileID: f.ID, driveID: f.DriveID, time: t})
}

// User returns the user with the address, or nil.
func (d *Data) User(email string) *User {
	for _, u := range d.Users {
		if strings.EqualFold(u.Email, email) {
			return u
		}
	}
	return nil
}

// Drive returns the shared drive with the id, or nil.
func (d *Data) Drive(id string) *SharedDrive {
	for _, sd := range d.Drives {
		if sd.ID == id {
			return sd
		}
	}
	return nil
}

// inGroup reports whether email is a member of the group with address g.
func (d *Data) inGroup(email, g string) bool {
	for _, gr := range d.Groups {
		if strings.EqualFold(gr.Email, g) {
			return slices.ContainsFunc(gr.Members, func(m string) bool { return strings.EqualFold(m, email) })
		}
	}
	return false
}

// granted reports whether a permission of f itself admits email (what
// "shared with me" lists).
func (d *Data) granted(f *File, email string) bool { return d.admits(f.Permissions, email) }

// inherited reports whether a permission of f or of a folder above it
// admits email, as folder sharing passes down to what the folder holds.
func (d *Data) inherited(f *File, email string) bool {
	for i := 0; f != nil && i < 64; i++ {
		if d.admits(f.Permissions, email) {
			return true
		}
		f = d.File(f.Parent)
	}
	return false
}

// effective returns f's permissions with those it inherits from the
// folders above it.
func (d *Data) effective(f *File) []Permission {
	var out []Permission
	for i := 0; f != nil && i < 64; i++ {
		out = append(out, f.Permissions...)
		f = d.File(f.Parent)
	}
	return out
}

func (d *Data) admits(perms []Permission, email string) bool {
	_, dom, _ := strings.Cut(email, "@")
	for _, p := range perms {
		switch p.Type {
		case "user":
			if strings.EqualFold(p.EmailAddress, email) {
				return true
			}
		case "group":
			if d.inGroup(email, p.EmailAddress) {
				return true
			}
		case "domain":
			if strings.EqualFold(p.Domain, dom) {
				return true
			}
		}
	}
	return false
}

// canSee reports whether email may read f (ignoring deletion).
func (d *Data) canSee(f *File, email string) bool {
	if f.DriveID != "" {
		if sd := d.Drive(f.DriveID); sd != nil && slices.ContainsFunc(sd.Members, func(m string) bool { return strings.EqualFold(m, email) }) {
			return true
		}
		return d.inherited(f, email)
	}
	return strings.EqualFold(f.Owner, email) || d.inherited(f, email)
}

// size is the size Drive reports for a binary file.
func (f *File) size() int64 {
	if f.Size > 0 {
		return f.Size
	}
	return int64(len(f.Content))
}

// native reports a Google format (Docs, Sheets, Slides, folders ...),
// which has no binary content.
func (f *File) native() bool { return strings.HasPrefix(f.MimeType, "application/vnd.google-apps.") }
