// Package zendeskemu emulates the parts of the Zendesk API that the
// Zendesk connector reads: the Help Center's categories, sections,
// articles and user segments, the incremental ticket export (cursor based,
// with deleted tickets), ticket comments, users, groups with their
// memberships, and organizations with their users. It serves the real paths and JSON shapes, authenticates
// with an API token over basic authentication ("{email}/token:{token}")
// or an OAuth bearer token, pages with Zendesk's cursor pagination
// (page[size], page[after], meta.has_more, links.next), answers 429 with
// Retry-After past the incremental exports' ten requests a minute, and
// injects faults on demand through the emulator kit.
package zendeskemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Roles of a user.
const (
	RoleEndUser = "end-user"
	RoleAgent   = "agent"
	RoleAdmin   = "admin"
)

// User is a Zendesk user.
type User struct {
	ID    int64
	Name  string
	Email string
	Role  string
}

// Group is a group of agents.
type Group struct {
	ID      int64
	Name    string
	Members []int64 // user ids
	Deleted bool
}

// Organization is a customer organization. With SharedTickets its
// members see each other's tickets in the Help Center.
type Organization struct {
	ID            int64
	Name          string
	SharedTickets bool
	Members       []int64 // user ids
}

// Segment is a Help Center user segment, which restricts who sees an
// article.
type Segment struct {
	ID       int64
	Name     string
	UserType string // signed_in_users or staff
	GroupIDs []int64
}

// Category is a top-level Help Center container.
type Category struct {
	ID          int64
	Name        string
	Description string
	Position    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Section groups articles inside a category or a parent section.
type Section struct {
	ID              int64
	Name            string
	Description     string
	CategoryID      int64
	ParentSectionID int64 // 0 for a top-level section
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Article is one translation of a Help Center article: the same id in two
// locales is two articles here.
type Article struct {
	ID            int64
	Locale        string
	SourceLocale  string
	Title         string
	Body          string // HTML
	SectionID     int64
	AuthorID      int64
	Draft         bool
	UserSegmentID int64 // 0: everyone
	Labels        []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	EditedAt      time.Time
}

// Comment is one comment of a ticket.
type Comment struct {
	ID        int64
	AuthorID  int64
	Body      string
	HTMLBody  string
	Public    bool
	CreatedAt time.Time
}

// Ticket is a support ticket.
type Ticket struct {
	ID             int64
	Subject        string
	Description    string
	Status         string // new, open, pending, hold, solved, closed, deleted
	Priority       string
	Type           string
	RequesterID    int64
	SubmitterID    int64
	AssigneeID     int64
	GroupID        int64
	OrganizationID int64
	Tags           []string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Generated is when the ticket last changed in any way (the export's
	// generated_timestamp): never before UpdatedAt. Zero means UpdatedAt.
	Generated time.Time
	Comments  []Comment
}

// generated returns the export's sort time of t.
func (t *Ticket) generated() time.Time {
	if t.Generated.IsZero() {
		return t.UpdatedAt
	}
	return t.Generated
}

// Data is one Zendesk account.
type Data struct {
	Users         []*User
	Groups        []*Group
	Organizations []*Organization
	Segments      []*Segment
	Categories    []*Category
	Sections      []*Section
	Articles      []*Article
	Tickets       []*Ticket
}

// User returns the user with id, or nil.
func (d *Data) User(id int64) *User {
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// Ticket returns the ticket with id, or nil.
func (d *Data) Ticket(id int64) *Ticket {
	for _, t := range d.Tickets {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// GenerateOptions size a generated account.
type GenerateOptions struct {
	Categories int // each with Sections sections
	Sections   int
	Articles   int // per section and locale
	Locales    []string
	Tickets    int
	Comments   int // per ticket
	Deleted    int // tickets among Tickets with status deleted
	// RestrictedEvery puts every k-th article behind a user segment.
	RestrictedEvery int
	// DraftEvery makes every k-th article a draft.
	DraftEvery int
	Seed       uint64
	// Start is the time of the oldest item; zero means 2024-01-01.
	Start time.Time
}

// Base is the time generated data starts at by default.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Generate builds an account: admins and agents in two groups, end users,
// a segment for signed-in users and one for staff, categories of sections
// of articles in every locale, and tickets with comments, every item a
// few minutes after the one before so that windows can cut between them.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	at := o.Start
	if at.IsZero() {
		at = Base
	}
	next := func() time.Time {
		at = at.Add(time.Duration(1+rng.IntN(5)) * time.Minute).Add(time.Duration(rng.IntN(60)) * time.Second)
		return at
	}
	if len(o.Locales) == 0 {
		o.Locales = []string{"en-us"}
	}
	d := &Data{}
	for i, role := range []string{RoleAdmin, RoleAgent, RoleAgent, RoleAgent, RoleEndUser, RoleEndUser, RoleEndUser} {
		id := int64(1000 + i)
		d.Users = append(d.Users, &User{ID: id, Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("user%d@example.com", i), Role: role})
	}
	d.Groups = []*Group{{ID: 200, Name: "Support", Members: []int64{1000, 1001, 1002}}, {ID: 201, Name: "Billing", Members: []int64{1002, 1003}}}
	d.Organizations = []*Organization{{ID: 400, Name: "Acme Corp", SharedTickets: true, Members: []int64{1004, 1005}},
		{ID: 401, Name: "Private Ltd", Members: []int64{1006}}}
	d.Segments = []*Segment{{ID: 300, Name: "Signed-in users", UserType: "signed_in_users"}, {ID: 301, Name: "Billing agents", UserType: "staff", GroupIDs: []int64{201}}}
	var id int64 = 5000
	n := 0
	for c := range o.Categories {
		created := next()
		cat := &Category{ID: id, Name: fmt.Sprintf("Category %d", c), Description: "About category " + fmt.Sprint(c), Position: c, CreatedAt: created, UpdatedAt: created}
		id++
		d.Categories = append(d.Categories, cat)
		for s := range o.Sections {
			created := next()
			sec := &Section{ID: id, Name: fmt.Sprintf("Section %d.%d", c, s), CategoryID: cat.ID, CreatedAt: created, UpdatedAt: created}
			if s > 0 && s%2 == 0 {
				sec.ParentSectionID = id - 1
			}
			id++
			d.Sections = append(d.Sections, sec)
			for a := range o.Articles {
				aid := id
				id++
				n++
				for _, loc := range o.Locales {
					created := next()
					art := &Article{ID: aid, Locale: loc, SourceLocale: o.Locales[0], SectionID: sec.ID,
						Title:    fmt.Sprintf("How to do thing %d.%d.%d (%s)", c, s, a, loc),
						Body:     fmt.Sprintf("<h2>Steps</h2><p>First open the <a href=\"https://example.com/%d\">settings</a>.</p><ul><li>Step one of %d</li></ul>", aid, aid),
						AuthorID: d.Users[rng.IntN(4)].ID, Labels: []string{"howto"}, CreatedAt: created, UpdatedAt: next()}
					art.EditedAt = art.UpdatedAt
					if o.RestrictedEvery > 0 && n%o.RestrictedEvery == 0 {
						art.UserSegmentID = d.Segments[n/o.RestrictedEvery%2].ID
					}
					if o.DraftEvery > 0 && n%o.DraftEvery == 0 {
						art.Draft = true
					}
					d.Articles = append(d.Articles, art)
				}
			}
		}
	}
	statuses := []string{"new", "open", "pending", "solved", "closed"}
	for i := range o.Tickets {
		created := next()
		t := &Ticket{ID: int64(i + 1), Subject: fmt.Sprintf("Problem number %d", i+1), Status: statuses[rng.IntN(len(statuses))],
			Priority: "normal", Type: "question", RequesterID: d.Users[4+rng.IntN(3)].ID, SubmitterID: 0,
			Tags: []string{"tag" + fmt.Sprint(i%3)}, CreatedAt: created}
		t.SubmitterID = t.RequesterID
		for _, o := range d.Organizations {
			if slices.Contains(o.Members, t.RequesterID) {
				t.OrganizationID = o.ID
			}
		}
		if i%3 != 0 {
			t.AssigneeID, t.GroupID = d.Users[1+i%3].ID, d.Groups[i%2].ID
		}
		t.Description = fmt.Sprintf("My thing %d does not work.", i+1)
		t.Comments = append(t.Comments, Comment{ID: int64(90000 + i*100), AuthorID: t.RequesterID, Body: t.Description,
			HTMLBody: "<p>" + t.Description + "</p>", Public: true, CreatedAt: created})
		for k := 1; k < o.Comments; k++ {
			author := t.RequesterID
			if k%2 == 1 {
				author = d.Users[1+k%3].ID
			}
			body := fmt.Sprintf("Reply %d on ticket %d.", k, i+1)
			t.Comments = append(t.Comments, Comment{ID: int64(90000 + i*100 + k), AuthorID: author, Body: body,
				HTMLBody: "<p>" + body + "</p>", Public: k%4 != 3, CreatedAt: created.Add(time.Duration(k) * time.Second)})
		}
		t.UpdatedAt = next()
		if i >= o.Tickets-o.Deleted {
			t.Status = "deleted"
		}
		d.Tickets = append(d.Tickets, t)
	}
	return d
}
