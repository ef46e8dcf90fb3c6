// Package notionemu emulates the parts of the Notion public API that the
// notion connector reads: POST /v1/search (filtered to pages or databases,
// sorted by last_edited_time, paged with start_cursor, next_cursor and
// has_more), POST /v1/databases/{id}/query (timestamp filters on
// last_edited_time, combined with "and", and timestamp sorts), GET
// /v1/blocks/{id}/children (a page's or a block's children, paged),
// GET /v1/pages/{id}, /v1/databases/{id} and /v1/blocks/{id}, and the
// users (/v1/users, /v1/users/{id}, /v1/users/me).
//
// Like Notion it wants "Authorization: Bearer TOKEN" and a Notion-Version
// header on every request, answers errors as {"object":"error","status",
// "code","message"} (unauthorized, restricted_resource, object_not_found,
// validation_error, missing_version, rate_limited), reports created_time
// and last_edited_time rounded down to the minute, reads the datetimes of
// a filter to the minute too, and hides pages and databases not shared
// with the integration (404 object_not_found, absent from search). A rate
// limit of three requests a second on average with bursts answers 429
// with Retry-After in seconds. Faults and the request log come from the
// emulator kit.
package notionemu

import (
	"time"
)

// User is a member of the workspace or a bot.
type User struct {
	ID    string
	Name  string
	Email string // shown only when the integration may read e-mail addresses
	Bot   bool
}

// Parent types, as Notion names them.
const (
	ParentWorkspace = "workspace"
	ParentPage      = "page_id"
	ParentDatabase  = "database_id"
	ParentBlock     = "block_id"
)

// Parent is where a page, database or block lives.
type Parent struct {
	Type string // one of the Parent* constants
	ID   string // empty for the workspace
}

// Page is a page, or a row of a database when its parent is one.
type Page struct {
	ID      string
	Title   string
	Parent  Parent
	Created time.Time
	Edited  time.Time
	// CreatedBy and EditedBy are user ids.
	CreatedBy, EditedBy string
	Archived            bool
	// Unshared pages are hidden from the integration.
	Unshared bool
	// Properties are a database row's properties besides its title, by
	// name, as JSON-ready property values ({"type":"select",...}).
	Properties map[string]map[string]any
	// TitleProperty names the title property; "title" for a page, "Name"
	// by default for a row.
	TitleProperty string
	Blocks        []*Block
}

// Database is a database (a collection of pages).
type Database struct {
	ID       string
	Title    string
	Parent   Parent
	Created  time.Time
	Edited   time.Time
	Archived bool
	Unshared bool
	Inline   bool
	// Schema names the row properties and their types besides the title.
	Schema map[string]string
}

// Block is a block of a page's content. Text is its rich text (one plain
// run); child_page and child_database blocks carry the child's title and
// share its id.
type Block struct {
	ID      string
	Type    string // paragraph, heading_1, to_do, synced_block, child_page ...
	Text    string
	Link    string // a link on the text, or the URL of a bookmark, embed or file
	Checked bool   // to_do
	// Language is a code block's language.
	Language string
	// Cells are a table_row's cells.
	Cells []string
	// SyncedFrom, on a synced_block, is the id of the original block whose
	// children it shows; empty for an original.
	SyncedFrom string
	Created    time.Time
	Edited     time.Time
	Children   []*Block
}

// Data is the emulated workspace.
type Data struct {
	Workspace string
	Users     []*User
	Pages     []*Page
	Databases []*Database
}

// Page returns the page with the id, or nil.
func (d *Data) Page(id string) *Page {
	for _, p := range d.Pages {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Database returns the database with the id, or nil.
func (d *Data) Database(id string) *Database {
	for _, db := range d.Databases {
		if db.ID == id {
			return db
		}
	}
	return nil
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
