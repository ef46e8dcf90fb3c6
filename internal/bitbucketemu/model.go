package bitbucketemu

import (
	"fmt"
	"strings"
	"time"
)

// Data is the content of an emulated Bitbucket Cloud: people, workspaces,
// repositories and their pull requests with comments. Tests change it
// through Server.Update while a client reads it.
type Data struct {
	Users      []*User
	Workspaces []*Workspace
	// Repositories are kept in creation order; listings sort them.
	Repositories []*Repository
}

// User is a Bitbucket account. Bitbucket never shows Email in a user
// object; the members listing reveals it only to a workspace administrator
// who filters by it.
type User struct {
	UUID        string // with its braces, as Bitbucket writes it
	AccountID   string
	DisplayName string
	Nickname    string
	Email       string
}

// Workspace holds repositories. Members belong to it; Admins may read
// its repositories' permissions.
type Workspace struct {
	Slug    string
	Name    string
	UUID    string
	Private bool
	Members []*User
	Admins  []*User
}

// Permission is one user's permission on a repository: read, write or
// admin.
type Permission struct {
	User  *User
	Level string
}

// Repository is a repository with its pull requests.
type Repository struct {
	Workspace   *Workspace
	Slug        string
	Name        string
	UUID        string
	Description string
	Private     bool
	ProjectKey  string
	CreatedOn   time.Time
	UpdatedOn   time.Time
	// Permissions are the users given explicit access. Workspace members
	// see a private repository only through these (or as admins).
	Permissions  []Permission
	PullRequests []*PullRequest
}

// FullName is "workspace/slug".
func (r *Repository) FullName() string { return r.Workspace.Slug + "/" + r.Slug }

// PullRequest is a pull request.
type PullRequest struct {
	ID           int64
	Title        string
	Description  string
	State        string // OPEN, MERGED, DECLINED or SUPERSEDED
	Author       *User
	Reviewers    []*User
	SourceBranch string
	DestBranch   string
	CreatedOn    time.Time
	UpdatedOn    time.Time
	Comments     []*Comment
	// Broken makes listings and the pull request's own answer leave out
	// updated_on, as a malformed upstream answer would.
	Broken bool
}

// Comment is a pull request comment; Inline names a file for a comment on
// the diff, Parent the comment it answers.
type Comment struct {
	ID        int64
	Body      string
	User      *User
	CreatedOn time.Time
	UpdatedOn time.Time
	Deleted   bool
	Inline    string
	Parent    int64
}

// The states of a pull request.
const (
	StateOpen       = "OPEN"
	StateMerged     = "MERGED"
	StateDeclined   = "DECLINED"
	StateSuperseded = "SUPERSEDED"
)

// Workspace returns the workspace with the slug (or braced UUID), or nil.
func (d *Data) Workspace(slug string) *Workspace {
	for _, w := range d.Workspaces {
		if strings.EqualFold(w.Slug, slug) || w.UUID == slug {
			return w
		}
	}
	return nil
}

// Repository returns the repository, or nil.
func (d *Data) Repository(ws, slug string) *Repository {
	for _, r := range d.Repositories {
		if (strings.EqualFold(r.Workspace.Slug, ws) || r.Workspace.UUID == ws) && (strings.EqualFold(r.Slug, slug) || r.UUID == slug) {
			return r
		}
	}
	return nil
}

// PullRequest returns the repository's pull request with the id, or nil.
func (r *Repository) PullRequest(id int64) *PullRequest {
	for _, p := range r.PullRequests {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// PullRequestURL is the web address of a pull request, the id of its
// document.
func PullRequestURL(web string, r *Repository, p *PullRequest) string {
	return fmt.Sprintf("%s/%s/pull-requests/%d", strings.TrimSuffix(web, "/"), r.FullName(), p.ID)
}

// isMember reports whether u belongs to the workspace.
func (w *Workspace) isMember(u *User) bool {
	for _, m := range w.Members {
		if m == u {
			return true
		}
	}
	return w.isAdmin(u)
}

func (w *Workspace) isAdmin(u *User) bool {
	for _, m := range w.Admins {
		if m == u {
			return true
		}
	}
	return false
}

// permission returns u's explicit permission on the repository, or "".
func (r *Repository) permission(u *User) string {
	for _, p := range r.Permissions {
		if p.User == u {
			return p.Level
		}
	}
	return ""
}
