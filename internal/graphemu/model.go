// Package graphemu emulates the parts of Microsoft Graph v1.0 and of the
// Microsoft identity platform that the Microsoft 365 connectors read.
//
// The core (server.go, token.go) is the token endpoint
// (POST /{tenant}/oauth2/v2.0/token, the client-credentials grant with a
// client secret or a certificate's signed client assertion), Graph's error
// objects ({"error":{"code","message","innerError"}}), paging through
// @odata.nextLink, throttling (429 and 503 with Retry-After) and faults on
// demand from the emulator kit. Each Graph resource family lives in its
// own file: sites (sites.go: getAllSites, by id, by host and path), drives
// and driveItems with delta queries (drives.go: delta links, deleted
// items, 410 resyncRequired, content with a 302 to a pre-authenticated
// download URL), site pages with their canvas (pages.go), sharing URLs
// resolved to driveItems (shares.go), JSON batching (batch.go), sharing
// permissions (permissions.go) and groups with transitive members
// (groups.go), and Teams: teams (teams.go), their channels and channel
// members (channels.go), and channel messages with their replies and the
// messages' delta query (messages.go).
//
// Access tokens carry the application permissions (roles) granted to the
// app: a request whose token lacks the one its resource needs is refused
// with 403, Authorization_RequestDenied for directory objects and
// accessDenied for SharePoint, as Graph does.
package graphemu

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Application permissions the emulator knows.
const (
	SitesReadAll       = "Sites.Read.All"
	FilesReadAll       = "Files.Read.All"
	GroupMemberReadAll = "GroupMember.Read.All"
	GroupReadAll       = "Group.Read.All"
	DirectoryReadAll   = "Directory.Read.All"
	// Teams' application permissions.
	TeamReadBasicAll      = "Team.ReadBasic.All"
	ChannelReadBasicAll   = "Channel.ReadBasic.All"
	ChannelMessageReadAll = "ChannelMessage.Read.All"
	ChannelMemberReadAll  = "ChannelMember.Read.All"
)

// User is an account of the tenant.
type User struct {
	ID          string
	DisplayName string
	Mail        string
	UPN         string // userPrincipalName
}

// Group is a Microsoft 365 or security group. Members holds user ids and,
// for nested groups, group ids.
type Group struct {
	ID          string
	DisplayName string
	Mail        string
	Members     []string
}

// Permission is one entry of a driveItem's sharing.
type Permission struct {
	ID    string
	Roles []string // read, write, owner
	// User and Group name a direct grant (user id, group id).
	User  string
	Group string
	// LinkScope, for a sharing link, is anonymous, organization or users;
	// LinkUsers are the users a "users" link was sent to.
	LinkScope string
	LinkType  string // view or edit
	LinkUsers []string
	// Inherited names the item the permission is inherited from.
	Inherited string
}

// Site is a SharePoint site.
type Site struct {
	ID          string // host,siteCollectionId,webId
	Name        string
	DisplayName string
	Path        string // server-relative, such as /sites/eng
	// Host is the site's host when it is not the tenant's SharePoint host
	// (a personal site on TENANT-my.sharepoint.com).
	Host     string
	Created  time.Time
	Modified time.Time
	Pages    []*Page
}

// WebPart is a text web part of a page's canvas.
type WebPart struct {
	HTML string
}

// Page is a modern site page.
type Page struct {
	ID         string
	Name       string // file name, such as Home.aspx
	Title      string
	Created    time.Time
	Modified   time.Time
	CreatedBy  string // user id
	ModifiedBy string
	// Sections are horizontal sections; each holds columns of web parts.
	Sections [][][]WebPart
	// Broken makes the page's canvas unreadable: asked for by id, the
	// page answers 400 invalidRequest, though listings still name it.
	Broken bool
}

// Drive is a document library.
type Drive struct {
	ID      string
	SiteID  string
	Name    string
	Created time.Time
	Root    *Item
	// Items holds every item ever made in the drive, deleted ones as
	// tombstones, in creation order.
	Items []*Item
	// floor is the oldest change a delta token may name; older tokens are
	// answered 410 resyncRequired.
	floor int64
	byID  map[string]*Item
}

// Item is a driveItem: a file or a folder.
type Item struct {
	ID       string
	Name     string
	ParentID string // "" for the root
	Folder   bool
	MimeType string
	Content  []byte
	Created  time.Time
	Modified time.Time
	// CreatedBy and ModifiedBy are user ids.
	CreatedBy, ModifiedBy string
	Permissions           []Permission
	Deleted               bool
	// NoContent makes /content answer 404 (a file whose stream is gone).
	NoContent bool

	seq int64 // the change number of the item's last change
	key int   // creation order within the drive
}

// Data is the tenant an emulator serves. Change it only through
// Server.Update while the server runs.
type Data struct {
	TenantID string
	// Domain is the tenant's initial domain, such as contoso.onmicrosoft.com.
	Domain string
	// Host is the SharePoint host, such as contoso.sharepoint.com.
	Host   string
	Users  []*User
	Groups []*Group
	Sites  []*Site
	Drives []*Drive
	// Teams are the tenant's teams (teams.go), each backed by the group of
	// the same id.
	Teams []*Team

	seq int64 // the last change number given
	now func() time.Time
}

// Now returns the emulator's time (the wall clock before the data is
// served).
func (d *Data) Now() time.Time {
	if d.now == nil {
		return time.Now().UTC()
	}
	return d.now().UTC()
}

// next returns a new change number.
func (d *Data) next() int64 { d.seq++; return d.seq }

// User returns the user with the id, or nil.
func (d *Data) User(id string) *User {
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// Group returns the group with the id, or nil.
func (d *Data) Group(id string) *Group {
	for _, g := range d.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// Site returns the site with the id, or nil.
func (d *Data) Site(id string) *Site {
	for _, s := range d.Sites {
		if strings.EqualFold(s.ID, id) {
			return s
		}
	}
	return nil
}

// Drive returns the drive with the id, or nil.
func (d *Data) Drive(id string) *Drive {
	for _, dr := range d.Drives {
		if dr.ID == id {
			return dr
		}
	}
	return nil
}

// SiteDrives returns a site's drives.
func (d *Data) SiteDrives(siteID string) []*Drive {
	var out []*Drive
	for _, dr := range d.Drives {
		if dr.SiteID == siteID {
			out = append(out, dr)
		}
	}
	return out
}

// AddSite adds a site at the server-relative path with a default document
// library named "Documents".
func (d *Data) AddSite(id, path, displayName string, created time.Time) *Site {
	s := &Site{ID: id, Name: strings.TrimPrefix(path[strings.LastIndexByte(path, '/')+1:], "/"), DisplayName: displayName,
		Path: path, Created: created, Modified: created}
	d.Sites = append(d.Sites, s)
	return s
}

// AddDrive adds a document library to a site, with its root folder.
func (d *Data) AddDrive(siteID, id, name string, created time.Time) *Drive {
	dr := &Drive{ID: id, SiteID: siteID, Name: name, Created: created, byID: map[string]*Item{}}
	root := &Item{ID: fmt.Sprintf("01ROOT%026d", len(d.Drives)+1), Name: "root", Folder: true, Created: created, Modified: created}
	dr.Root = root
	dr.add(d, root)
	d.Drives = append(d.Drives, dr)
	return dr
}

func (dr *Drive) add(d *Data, it *Item) {
	if dr.byID == nil {
		dr.byID = map[string]*Item{}
		for _, x := range dr.Items {
			dr.byID[x.ID] = x
		}
	}
	it.key = len(dr.Items)
	it.seq = d.next()
	dr.Items = append(dr.Items, it)
	dr.byID[it.ID] = it
}

// Item returns the item with the id, deleted or not, or nil.
func (dr *Drive) Item(id string) *Item {
	if dr.byID == nil {
		dr.byID = map[string]*Item{}
		for _, x := range dr.Items {
			dr.byID[x.ID] = x
		}
	}
	return dr.byID[id]
}

// AddItem adds a file or folder (Folder set) under parent ("" for the
// root). Zero times are the emulator's now.
func (d *Data) AddItem(driveID, parent string, it *Item) *Item {
	dr := d.Drive(driveID)
	if parent == "" {
		parent = dr.Root.ID
	}
	it.ParentID = parent
	if it.Created.IsZero() {
		it.Created = d.Now()
	}
	if it.Modified.IsZero() {
		it.Modified = it.Created
	}
	dr.add(d, it)
	return it
}

// Touch records a change of an item made at the emulator's now (content
// changed: a new lastModifiedDateTime).
func (d *Data) Touch(driveID, itemID string, content []byte) {
	it := d.Drive(driveID).Item(itemID)
	it.Content = content
	it.Modified = d.Now()
	it.seq = d.next()
}

// Delete deletes an item and, for a folder, everything under it; delta
// reports each as deleted.
func (d *Data) Delete(driveID, itemID string) {
	dr := d.Drive(driveID)
	gone := map[string]bool{itemID: true}
	for _, it := range dr.Items { // children come after their parents
		if gone[it.ID] || gone[it.ParentID] && !it.Deleted {
			gone[it.ID] = true
			it.Deleted = true
			it.seq = d.next()
		}
	}
}

// Move moves an item under another folder ("" for the root) without
// changing its lastModifiedDateTime, as a move in a library does not.
func (d *Data) Move(driveID, itemID, parent string) {
	dr := d.Drive(driveID)
	if parent == "" {
		parent = dr.Root.ID
	}
	it := dr.Item(itemID)
	it.ParentID = parent
	it.seq = d.next()
}

// SetPermissions replaces an item's permissions, a change delta reports.
func (d *Data) SetPermissions(driveID, itemID string, perms []Permission) {
	it := d.Drive(driveID).Item(itemID)
	it.Permissions = perms
	it.seq = d.next()
}

// ExpireDeltaTokens makes every delta token of the drive issued so far
// too old: using one answers 410 resyncRequired.
func (d *Data) ExpireDeltaTokens(driveID string) {
	dr := d.Drive(driveID)
	dr.floor = d.seq + 1
	d.next()
}

// Files returns the drive's live files (not folders), in creation order.
func (dr *Drive) Files() []*Item {
	var out []*Item
	for _, it := range dr.Items {
		if !it.Deleted && !it.Folder {
			out = append(out, it)
		}
	}
	return out
}

// depth returns how far an item is below the root.
func (dr *Drive) depth(it *Item) int {
	n := 0
	for it != nil && it.ParentID != "" && n < 64 {
		it = dr.Item(it.ParentID)
		n++
	}
	return n
}

// path returns the folder names from the root down to the item,
// excluding the root.
func (dr *Drive) path(it *Item) []string {
	var names []string
	for it != nil && it.ParentID != "" && len(names) < 64 {
		names = append(names, it.Name)
		it = dr.Item(it.ParentID)
	}
	slices.Reverse(names)
	return names
}
