// Package boxemu is an emulated Box Content API (api.box.com/2.0) for
// tests and examples: folder listings with marker paging and fields=,
// files and their content (a 302 to the download host, as Box answers),
// collaborations, shared links, the events stream (stream_type=changes),
// groups with their memberships, and the OAuth 2.0 token endpoint with
// rotating refresh tokens and the Client Credentials Grant, with Box's
// JSON shapes, its error bodies, its 401 with WWW-Authenticate and its
// 429 with Retry-After, on top of the emulator kit's faults.
package boxemu

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Base is the time generated data is modified around.
var Base = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// User is a Box user.
type User struct {
	ID, Name, Login string
}

// Group is a Box group and the ids of its members.
type Group struct {
	ID, Name string
	Members  []string // user ids
}

// Collab is a collaboration on a folder or file: a user or a group with
// a role.
type Collab struct {
	UserID, GroupID string
	Role            string // editor, viewer ...; editor when empty
	// Pending leaves the collaboration unaccepted.
	Pending bool
}

// Item is a file or a folder.
type Item struct {
	ID     string
	Folder bool
	Name   string
	Parent string // the parent folder's id; "" only for the root "0"
	// Content is a file's bytes; its sha1 and size follow from it.
	Content                                  []byte
	CreatedAt, ModifiedAt, ContentModifiedAt time.Time
	Owner, ModifiedBy                        string // user ids; the account's user when empty
	// SharedLink is a shared link's access: open, company or
	// collaborators; empty for none.
	SharedLink string
	Collabs    []Collab
	// Status is active, trashed or deleted ("" is active).
	Status    string
	TrashedAt time.Time
	// WrongSHA1 makes the listing report a sha1 the content does not
	// have.
	WrongSHA1 bool
	// Forbidden makes downloads answer 403 access_denied_insufficient_permissions.
	Forbidden bool
}

func (it *Item) active() bool { return it.Status == "" || it.Status == "active" }

// SHA1 is the hex SHA-1 of b, as Box reports a file's sha1.
func SHA1(b []byte) string {
	h := sha1.Sum(b)
	return hex.EncodeToString(h[:])
}

// Data is what the emulator serves: the account's user, the enterprise's
// other users and groups, and the items. Item "0" is the root, "All
// Files".
type Data struct {
	Me           User
	EnterpriseID string
	Users        []User
	Groups       []Group
	Items        []*Item
}

// GenerateOptions shape generated data.
type GenerateOptions struct {
	// Folders under the root, each with FilesPerFolder files and, when
	// Depth > 1, a subfolder of its own, Depth levels deep.
	Folders, FilesPerFolder, Depth int
	Seed                           uint64
}

// Generate returns a deterministic account: users, two groups, folders
// shared with users and groups, and text files modified at distinct
// times.
func Generate(o GenerateOptions) *Data {
	rnd := rand.New(rand.NewPCG(o.Seed, 7))
	d := &Data{
		Me:           User{ID: "1001", Name: "Ana Admin", Login: "ana@acme.test"},
		EnterpriseID: "5001",
		Users: []User{{ID: "1002", Name: "Bo Brown", Login: "bo@acme.test"},
			{ID: "1003", Name: "Cy Chen", Login: "cy@acme.test"}, {ID: "1004", Name: "Di Diaz", Login: "di@acme.test"}},
		Groups: []Group{{ID: "2001", Name: "Engineering", Members: []string{"1001", "1002"}},
			{ID: "2002", Name: "Sales", Members: []string{"1003", "1004"}}},
	}
	d.Items = append(d.Items, &Item{ID: "0", Folder: true, Name: "All Files", CreatedAt: Base.AddDate(-1, 0, 0), ModifiedAt: Base.AddDate(-1, 0, 0)})
	next := 100000
	id := func() string { next++; return strconv.Itoa(next) }
	seq := 0
	when := func() time.Time {
		seq++
		return Base.Add(time.Duration(seq)*time.Minute + time.Duration(rnd.IntN(50))*time.Second)
	}
	depth := max(o.Depth, 1)
	for f := range o.Folders {
		parent := "0"
		for level := range depth {
			folder := &Item{ID: id(), Folder: true, Name: fmt.Sprintf("Folder %d", f), Parent: parent, CreatedAt: Base.AddDate(0, -1, 0), ModifiedAt: Base.AddDate(0, -1, 0)}
			if level > 0 {
				folder.Name = fmt.Sprintf("Sub %d.%d", f, level)
			}
			switch f % 3 {
			case 1:
				folder.Collabs = []Collab{{UserID: "1002", Role: "editor"}, {GroupID: "2002", Role: "viewer"}, {UserID: "1004", Pending: true}}
			case 2:
				folder.Collabs = []Collab{{GroupID: "2001", Role: "viewer"}}
			}
			d.Items = append(d.Items, folder)
			for n := range o.FilesPerFolder {
				t := when()
				file := &Item{ID: id(), Name: fmt.Sprintf("note %d.txt", n), Parent: folder.ID, CreatedAt: t.Add(-time.Hour), ModifiedAt: t, ContentModifiedAt: t,
					Content: fmt.Appendf(nil, "Note %d of %s.\nWritten for the emulator, seed %d.", n, folder.Name, rnd.IntN(1000))}
				switch n % 4 {
				case 1:
					file.Collabs = []Collab{{UserID: "1003", Role: "viewer"}}
				case 2:
					file.SharedLink = "open"
				}
				d.Items = append(d.Items, file)
			}
			parent = folder.ID
		}
	}
	return d
}
