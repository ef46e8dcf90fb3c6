// Package dropboxemu is an emulated Dropbox API v2 for tests and
// examples: the RPC endpoints of api.dropboxapi.com (users, files
// listings with cursors, sharing members, the OAuth token endpoint) and
// the content endpoints of content.dropboxapi.com (download, export),
// served from one handler, with Dropbox's JSON shapes, its 409 endpoint
// errors, its 401 token errors and its 429 rate limits with Retry-After,
// on top of the emulator kit's faults.
package dropboxemu

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"time"
)

// Account is the user whose Dropbox is served.
type Account struct {
	AccountID string // dbid:...
	Email     string
	Name      string
	// HomeNamespace is the user's own namespace; RootNamespace is the
	// team space's, equal to HomeNamespace for an account without one.
	HomeNamespace, RootNamespace string
}

// Team reports whether the account belongs to a team space.
func (a Account) Team() bool { return a.RootNamespace != "" && a.RootNamespace != a.HomeNamespace }

// Member is one member of a file's sharing: a user, a group or an
// invitee (an e-mail address without an account).
type Member struct {
	Email, Name string
	// Group, when set, makes the member the group of this id (g:...).
	Group string
	// Invitee makes the member an invitee.
	Invitee bool
	// Access is owner, editor, viewer or viewer_no_comment.
	Access string
}

// Entry is a file or folder.
type Entry struct {
	ID     string // id:...
	Path   string // display path, such as "/Docs/Plan.md"
	Folder bool
	// Content is a file's bytes; a Paper doc's Markdown export.
	Content                        []byte
	ClientModified, ServerModified time.Time
	Rev                            string
	// Paper marks a Paper doc (.paper): not downloadable, exported as
	// Markdown.
	Paper bool
	// NoExport marks a file that is neither downloadable nor exportable.
	NoExport bool
	// Restricted makes downloads answer 409 restricted_content.
	Restricted bool
	// Members share the file beyond the account itself, which is always
	// its owner; on a folder, they make it a shared folder, whose files
	// inherit them.
	Members []Member
	// SharedFolderID is a shared folder's id, given when missing.
	SharedFolderID string
	// Team places the entry in the team space rather than the user's
	// home namespace.
	Team bool
	// gone marks a tombstone: an entry deleted, which listings with
	// include_deleted report as a deleted entry; deletedAt is when.
	gone      bool
	deletedAt time.Time
}

func (e *Entry) lower() string { return strings.ToLower(e.Path) }

// ContentHash is Dropbox's content_hash of b: the SHA-256 of the
// concatenated SHA-256 digests of its 4 MiB blocks.
func ContentHash(b []byte) string {
	const block = 4 << 20
	outer := sha256.New()
	for off := 0; off < len(b); off += block {
		sum := sha256.Sum256(b[off:min(off+block, len(b))])
		outer.Write(sum[:])
	}
	return hex.EncodeToString(outer.Sum(nil))
}

// Data is what the emulator serves.
type Data struct {
	Account Account
	Entries []*Entry
	// Members and Groups are the team's, for team tokens.
	Members []TeamMember
	Groups  []Group
	revs    int // revisions issued, so that each is unique
	// tombs are the entries deleted and not since replaced, by
	// namespace and lower-cased path.
	tombs map[string]*Entry
	// shared maps the namespace and lower-cased path of each shared
	// folder to it.
	shared map[string]*Entry
}

func sharedKey(team bool, lower string) string { return fmt.Sprint(team, lower) }

// sharedParent returns the shared folder nearest above e (or e itself
// when from is e's own path and it is one), nil when none.
func (d *Data) sharedParent(e *Entry) *Entry {
	for p := path.Dir(e.lower()); p != "/" && p != "."; p = path.Dir(p) {
		if f := d.shared[sharedKey(e.Team, p)]; f != nil {
			return f
		}
	}
	return nil
}

// sharedFolder returns the shared folder of an id, nil when none.
func (d *Data) sharedFolder(id string) *Entry {
	for _, f := range d.shared {
		if f.SharedFolderID == id {
			return f
		}
	}
	return nil
}

// GenerateOptions size a generated Dropbox.
type GenerateOptions struct {
	Folders        int // top-level folders, each with one subfolder
	FilesPerFolder int // files in each folder and subfolder
	Seed           uint64
	// Team gives the account a team space holding one team folder with
	// a few files.
	Team bool
}

// Base is the first modification time of generated files.
var Base = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// Generate makes a Dropbox of text and Markdown files in nested folders,
// a Paper doc, and files shared with members; modification times are
// distinct and spread over months.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	d := &Data{Account: Account{AccountID: "dbid:AAEmulatedAccount01", Email: "ana@acme.test", Name: "Ana Lima",
		HomeNamespace: "1001", RootNamespace: "1001"}}
	if o.Team {
		d.Account.RootNamespace = "2002"
		d.generateTeam()
	}
	n := 0
	next := func() time.Time {
		n++
		return Base.Add(time.Duration(n)*7*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
	}
	addFiles := func(dir string, team bool) {
		for i := range o.FilesPerFolder {
			t := next()
			name := fmt.Sprintf("note %d.txt", i)
			if i%3 == 1 {
				name = fmt.Sprintf("Plan %d.md", i)
			}
			e := &Entry{Path: path.Join(dir, name), Content: fmt.Appendf(nil, "Notes of %s, item %d.\n\nSeed %d.", dir, i, rng.IntN(1000)),
				ClientModified: t.Add(-time.Hour), ServerModified: t, Team: team}
			if i%4 == 2 {
				e.Members = []Member{{Email: "bo@acme.test", Name: "Bo Ek", Access: "editor"}, {Group: "g:engineering", Name: "Engineering", Access: "viewer"}}
			}
			d.Entries = append(d.Entries, e)
		}
	}
	for f := range o.Folders {
		dir := fmt.Sprintf("/Folder %d", f)
		folder := &Entry{Path: dir, Folder: true}
		if f == 1 {
			// A shared folder: its files inherit its members.
			folder.Members = []Member{{Email: "Dee@Partner.test", Name: "Dee Ray", Access: "editor"},
				{Group: "g:everyone", Name: "Everyone at Acme", Access: "viewer"}, {Email: "eve@outside.test", Invitee: true, Access: "viewer"}}
		}
		d.Entries = append(d.Entries, folder, &Entry{Path: dir + "/Sub", Folder: true})
		addFiles(dir, false)
		addFiles(dir+"/Sub", false)
	}
	if o.Folders > 0 {
		t := next()
		d.Entries = append(d.Entries, &Entry{Path: "/Folder 0/Roadmap.paper", Paper: true, Content: []byte("# Roadmap\n\nShip the connector."),
			ClientModified: t, ServerModified: t})
	}
	if o.Team {
		d.Entries = append(d.Entries, &Entry{Path: "/Team Handbook", Folder: true, Team: true})
		addFiles("/Team Handbook", true)
	}
	for i, e := range d.Entries {
		e.ID = fmt.Sprintf("id:emu%06d", i)
	}
	return d
}

// Fill completes entries: ids, revisions and times where missing.
func (d *Data) fill() {
	d.shared = map[string]*Entry{}
	for i, e := range d.Entries {
		if e.Folder && len(e.Members) > 0 {
			if e.SharedFolderID == "" {
				e.SharedFolderID = fmt.Sprint(84528192000 + i)
			}
			d.shared[sharedKey(e.Team, e.lower())] = e
		}
		if e.ID == "" {
			d.revs++
			e.ID = fmt.Sprintf("id:new%06d", d.revs)
		}
		if !e.Folder && e.Rev == "" {
			d.revs++
			e.Rev = fmt.Sprintf("%09x", 0x15a000000+d.revs)
		}
		if !e.Folder && e.ServerModified.IsZero() {
			e.ServerModified = Base
		}
		if !e.Folder && e.ClientModified.IsZero() {
			e.ClientModified = e.ServerModified
		}
	}
}

// sorted returns the entries of one namespace under root (a lower-cased
// path, "" for all), parents before children.
func (d *Data) sorted(team bool, root string) []*Entry {
	var out []*Entry
	for _, e := range d.Entries {
		if e.Team == team && under(e.lower(), root) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.lower(), b.lower()) })
	return out
}

// gone returns the tombstones of one namespace under root, parents
// before children.
func (d *Data) gone(team bool, root string) []*Entry {
	var out []*Entry
	for _, e := range d.tombs {
		if e.Team == team && under(e.lower(), root) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.lower(), b.lower()) })
	return out
}

// bury replaces the tombstone at e's path, if any, with e's: deleted
// when gone is set, else removed (the path holds e again).
func (d *Data) bury(e *Entry, gone bool) {
	key := sharedKey(e.Team, e.lower())
	delete(d.tombs, key)
	if gone {
		if d.tombs == nil {
			d.tombs = map[string]*Entry{}
		}
		t := *e
		t.gone = true
		d.tombs[key] = &t
	}
}

// under reports whether p is root or inside it.
func under(p, root string) bool {
	return root == "" || p == root || strings.HasPrefix(p, root+"/")
}
