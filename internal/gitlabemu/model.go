// Package gitlabemu emulates the parts of the GitLab REST API (v4) that the
// gitlab connector reads: the token's user and the token itself, users,
// groups with subgroups and members, projects with members and shared
// groups, issues and merge requests with notes, labels and milestones,
// and project wikis. It serves gitlab.com or a self-managed instance
// alike, under /api/v4.
//
// Paths, parameters, JSON field names and headers follow GitLab's REST API
// documentation: PRIVATE-TOKEN or Authorization: Bearer authentication,
// offset pagination with X-Page, X-Next-Page, X-Total and Link headers
// (the totals left out past 10,000 items, as GitLab does), keyset
// pagination (pagination=keyset&order_by=id) on the project listings,
// updated_after and updated_before (both inclusive), RateLimit-* headers
// with an epoch RateLimit-Reset, 429 "Retry later" with Retry-After, and
// 403 insufficient_scope for a token without read_api. Objects carry a
// subset of the documented fields, each with its documented name and type.
package gitlabemu

import (
	"fmt"
	"strings"
	"time"
)

// Access levels, as GitLab numbers them.
const (
	Guest      = 10
	Reporter   = 20
	Developer  = 30
	Maintainer = 40
	Owner      = 50
)

// User is a GitLab account.
type User struct {
	ID       int64
	Username string
	Name     string
	// Email is the account's address, shown only to administrators (and
	// group owners of enterprise users); PublicEmail is the profile's
	// public address, which anyone may read. Either may be empty.
	Email       string
	PublicEmail string
	Bot         bool
}

// Member is a user's membership of a group or project.
type Member struct {
	User        *User
	AccessLevel int
}

// Group is a group or subgroup.
type Group struct {
	ID          int64
	Path        string
	Name        string
	Parent      *Group // nil for a top-level group
	Visibility  string // public, internal or private
	Description string
	CreatedAt   time.Time
	Members     []Member // direct members
}

// FullPath returns the group's path with its ancestors' ("acme/backend").
func (g *Group) FullPath() string {
	if g.Parent == nil {
		return g.Path
	}
	return g.Parent.FullPath() + "/" + g.Path
}

// FullName returns the names of the group and its ancestors, joined by
// " / " as GitLab shows them.
func (g *Group) FullName() string {
	if g.Parent == nil {
		return g.Name
	}
	return g.Parent.FullName() + " / " + g.Name
}

// Within reports whether g is a or a descendant of a.
func (g *Group) Within(a *Group) bool {
	for x := g; x != nil; x = x.Parent {
		if x == a {
			return true
		}
	}
	return false
}

// Share gives a group access to a project.
type Share struct {
	Group       *Group
	AccessLevel int
}

// Milestone is a project milestone.
type Milestone struct {
	ID, IID int64
	Title   string
	State   string // active or closed
}

// Note is a comment on an issue or merge request. System notes record
// changes ("changed the description") rather than what someone wrote.
type Note struct {
	ID        int64
	Body      string
	Author    *User
	System    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Item is an issue or a merge request; MR marks a merge request.
type Item struct {
	ID           int64
	IID          int64
	MR           bool
	Title        string
	Description  string
	State        string // opened or closed; merge requests also merged or locked
	Author       *User
	Assignees    []*User
	Reviewers    []*User // merge requests
	Labels       []string
	Milestone    *Milestone
	Confidential bool // issues
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     time.Time // zero while open
	MergedAt     time.Time // merge requests; zero unless merged
	SourceBranch string
	TargetBranch string
	Draft        bool
	Notes        []Note
}

// WikiPage is a page of a project's wiki. GitLab's REST API gives a page
// no times.
type WikiPage struct {
	Slug    string
	Title   string
	Content string
	Format  string // markdown, rdoc, asciidoc or org
}

// Project is a project with its issues, merge requests and wiki.
type Project struct {
	ID          int64
	Path        string
	Name        string
	Namespace   *Group // nil for a project in a user's namespace
	Owner       *User  // the user of a personal project
	Visibility  string // public, internal or private
	Description string
	Archived    bool
	CreatedAt   time.Time
	// LastActivityAt is the project's last activity.
	LastActivityAt time.Time
	Members        []Member // direct members
	SharedWith     []Share
	// IssuesDisabled, MergeRequestsDisabled and WikiDisabled turn the
	// features off: their listings answer 403, as on GitLab.
	IssuesDisabled        bool
	MergeRequestsDisabled bool
	WikiDisabled          bool
	Issues                []*Item // Issues[i].IID == i+1
	MergeRequests         []*Item // MergeRequests[i].IID == i+1
	Wiki                  []*WikiPage
}

// PathWithNamespace returns the project's full path ("acme/backend/api").
func (p *Project) PathWithNamespace() string {
	if p.Namespace != nil {
		return p.Namespace.FullPath() + "/" + p.Path
	}
	return p.Owner.Username + "/" + p.Path
}

// NameWithNamespace returns the names of the project and its namespace,
// joined by " / ".
func (p *Project) NameWithNamespace() string {
	if p.Namespace != nil {
		return p.Namespace.FullName() + " / " + p.Name
	}
	return p.Owner.Name + " / " + p.Name
}

// Token is an access token the emulator accepts: a personal, project or
// group access token, or an OAuth access token, acting as User.
type Token struct {
	User *User
	// Scopes are the token's scopes: read_api or api is needed for every
	// route but /user (read_user also allows that one).
	Scopes []string
	// Name names the token in /personal_access_tokens/self.
	Name string
	// ExpiresAt, when set, is the day the token stops working.
	ExpiresAt time.Time
}

// ReadAPI returns the scopes of a token that can read everything the
// connector reads.
func ReadAPI() []string { return []string{"read_api"} }

// Data is everything the emulator serves.
type Data struct {
	Users    []*User
	Groups   []*Group
	Projects []*Project
	// Admins are users who see every project and every member's e-mail.
	Admins []*User
}

// Group returns the group with the full path or the numeric id, or nil.
func (d *Data) Group(idOrPath string) *Group {
	for _, g := range d.Groups {
		if strings.EqualFold(g.FullPath(), idOrPath) || fmt.Sprint(g.ID) == idOrPath {
			return g
		}
	}
	return nil
}

// Project returns the project with the full path or the numeric id, or nil.
func (d *Data) Project(idOrPath string) *Project {
	for _, p := range d.Projects {
		if strings.EqualFold(p.PathWithNamespace(), idOrPath) || fmt.Sprint(p.ID) == idOrPath {
			return p
		}
	}
	return nil
}

// User returns the user with the numeric id or username, or nil.
func (d *Data) User(idOrName string) *User {
	for _, u := range d.Users {
		if fmt.Sprint(u.ID) == idOrName || strings.EqualFold(u.Username, idOrName) {
			return u
		}
	}
	return nil
}

// Count returns the number of issues, merge requests and wiki pages.
func (d *Data) Count() (issues, mrs, wiki int) {
	for _, p := range d.Projects {
		issues += len(p.Issues)
		mrs += len(p.MergeRequests)
		wiki += len(p.Wiki)
	}
	return issues, mrs, wiki
}
