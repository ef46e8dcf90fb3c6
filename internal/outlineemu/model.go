// Package outlineemu emulates the parts of the Outline API that the outline
// connector reads. Like Outline, every method is a POST to /api/METHOD with
// a JSON body and "Authorization: Bearer API_KEY"; listings page by offset
// and limit (at most 100, 25 by default) and answer
// {"pagination":{"offset","limit","nextPath","total"},"data":...}; errors
// are {"ok":false,"error","status","message"} (authentication_required,
// authorization_error, not_found, validation_error, invalid_request,
// rate_limit_exceeded).
//
// Methods served: auth.info; collections.list, collections.info,
// collections.documents (the navigation tree), collections.memberships and
// collections.group_memberships; documents.list (collectionId,
// parentDocumentId, sort and direction; published, not archived, not
// deleted documents of collections the key's user may read),
// documents.info (by id or urlId; an archived document, and a deleted one
// for its creator or an admin, too), documents.memberships and
// documents.group_memberships; groups.list and groups.memberships;
// users.list and users.info (e-mail addresses for admins only); and
// events.list (activity events, which non-admins must narrow to a
// collection or a document).
//
// A collection whose Permission is "" admits only its members, direct or
// through a group; "read" and "read_write" admit every member of the
// workspace who is not a guest. Documents report their times in
// milliseconds, as Outline's JSON does.
//
// Rate limits follow Outline's: with Options.RateLimit, each key has a
// budget per minute (documents.list a smaller one of its own), and a
// request past it is answered 429 rate_limit_exceeded with Retry-After,
// RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds).
// Faults and the request log come from the emulator kit.
package outlineemu

import (
	"time"
)

// User roles, as Outline names them.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
	RoleViewer = "viewer"
	RoleGuest  = "guest"
)

// Collection permissions: "" admits members only.
const (
	PermissionNone      = ""
	PermissionRead      = "read"
	PermissionReadWrite = "read_write"
)

// User is a member of the workspace.
type User struct {
	ID        string
	Name      string
	Email     string
	Role      string
	Suspended bool
}

// Group is a group of users.
type Group struct {
	ID        string
	Name      string
	Members   []string // user ids
	CreatedAt time.Time
}

// Membership gives a user or a group a permission on a collection or a
// document.
type Membership struct {
	UserID, GroupID string
	Permission      string
}

// Collection is a collection of documents.
type Collection struct {
	ID          string
	URLID       string
	Name        string
	Description string
	Permission  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Deleted     bool
	Members     []Membership
}

// Document is a document of a collection.
type Document struct {
	ID           string
	URLID        string
	Title        string
	Text         string // markdown
	CollectionID string
	ParentID     string // the parent document's id, "" at the top
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// PublishedAt is zero for a draft.
	PublishedAt   time.Time
	ArchivedAt    time.Time
	DeletedAt     time.Time
	CreatedBy     string // user ids
	UpdatedBy     string
	Collaborators []string
	// Members are memberships on the document itself.
	Members []Membership
	// Broken documents are answered without their text, as a client that
	// asks for API version 3 gets them (ProseMirror data instead).
	Broken bool
	// Malformed documents are answered without their updatedAt.
	Malformed bool
}

// Event is an entry of the activity log.
type Event struct {
	ID           string
	Name         string // documents.delete, documents.archive ...
	DocumentID   string
	CollectionID string
	ActorID      string
	CreatedAt    time.Time
}

// Data is the emulated workspace.
type Data struct {
	TeamID, TeamName string
	Users            []*User
	Groups           []*Group
	Collections      []*Collection
	Documents        []*Document
	Events           []*Event
}

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

// Collection returns the collection with the id or urlId, or nil.
func (d *Data) Collection(id string) *Collection {
	for _, c := range d.Collections {
		if c.ID == id || c.URLID == id {
			return c
		}
	}
	return nil
}

// Document returns the document with the id or urlId, or nil.
func (d *Data) Document(id string) *Document {
	for _, doc := range d.Documents {
		if doc.ID == id || doc.URLID == id {
			return doc
		}
	}
	return nil
}

// Path is a document's path as Outline gives it: /doc/SLUG-URLID.
func (doc *Document) Path() string { return "/doc/" + Slug(doc.Title) + "-" + doc.URLID }

// Path is a collection's path: /collection/SLUG-URLID.
func (c *Collection) Path() string { return "/collection/" + Slug(c.Name) + "-" + c.URLID }

// Live reports a document that documents.list lists: published, neither
// archived nor deleted.
func (doc *Document) Live() bool {
	return !doc.PublishedAt.IsZero() && doc.ArchivedAt.IsZero() && doc.DeletedAt.IsZero()
}
