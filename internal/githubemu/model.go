// Package githubemu emulates the parts of the GitHub REST API that the
// github connector reads: the authenticated user, users and organizations,
// repositories, and the issue and pull request listings sorted by update
// time, with Link-header pagination, token authentication, primary and
// secondary rate limits and faults on demand.
//
// Paths, parameters, JSON field names and headers follow GitHub's REST API
// documentation (API version 2022-11-28). Objects carry a subset of the
// documented fields, each with its documented name and type.
package githubemu

import (
	"fmt"
	"strings"
	"time"
)

// User is a GitHub account: a person or an organization.
type User struct {
	Login string
	ID    int64
	// Organization marks an organization account.
	Organization bool
	// Name and Email are the account's public profile fields; either may
	// be empty, as on GitHub.
	Name  string
	Email string
}

// NodeID returns the account's GraphQL node id.
func (u *User) NodeID() string {
	if u.Organization {
		return fmt.Sprintf("O_kgDO%08d", u.ID)
	}
	return fmt.Sprintf("U_kgDO%08d", u.ID)
}

// Team is an organization team that has access to a repository. The
// organization's teams are those its repositories name, once by slug.
type Team struct {
	ID         int64
	Slug       string
	Name       string
	Permission string // pull, triage, push, maintain or admin
	// Members are the team's members, listed without e-mail addresses.
	Members []*User
}

// Label is an issue label.
type Label struct {
	ID    int64
	Name  string
	Color string
}

// Comment is a comment on an issue or pull request.
type Comment struct {
	ID        int64
	User      *User
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Item is an issue or a pull request: on GitHub both share a repository's
// number space, and the issues listing returns both.
type Item struct {
	ID        int64
	Number    int
	PR        bool
	Title     string
	Body      string
	User      *User
	Assignees []*User
	State     string // open or closed
	Labels    []Label
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  time.Time // zero while open
	MergedAt  time.Time // pull requests only; zero unless merged
	Draft     bool
	HeadRef   string
	BaseRef   string
	Comments  []Comment
	// Deleted marks an issue deleted from its repository: it leaves the
	// listings and GET answers 410 Gone, as on GitHub. Pull requests
	// cannot be deleted on GitHub.
	Deleted bool
}

// NodeID returns the item's GraphQL node id.
func (it *Item) NodeID() string {
	if it.PR {
		return fmt.Sprintf("PR_kwDO%010d", it.ID)
	}
	return fmt.Sprintf("I_kwDO%010d", it.ID)
}

// Repo is a repository with its issues and pull requests.
type Repo struct {
	ID            int64
	Owner         *User
	Name          string
	Private       bool
	Description   string
	DefaultBranch string
	// IssuesDisabled turns the repository's issues off: the issues listing
	// answers 410 Gone, as on GitHub.
	IssuesDisabled bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PushedAt       time.Time
	// Collaborators and Teams are who may see a private repository.
	Collaborators []*User
	Teams         []Team
	// Items holds issues and pull requests, Items[i].Number == i+1.
	Items []*Item
}

// FullName returns "owner/name".
func (r *Repo) FullName() string { return r.Owner.Login + "/" + r.Name }

// NodeID returns the repository's GraphQL node id.
func (r *Repo) NodeID() string { return fmt.Sprintf("R_kgDO%08d", r.ID) }

// Visibility returns "private" or "public".
func (r *Repo) Visibility() string {
	if r.Private {
		return "private"
	}
	return "public"
}

// Permissions says what a token may read. GitHub's fine-grained tokens
// grant these per repository; the emulator grants them per token.
type Permissions struct {
	// Issues and PullRequests allow the issue and pull request listings;
	// without them the listing answers 403 "Resource not accessible by
	// personal access token".
	Issues       bool
	PullRequests bool
	// Private allows the token to see private repositories it collaborates
	// on; without it they answer 404, as GitHub hides them.
	Private bool
	// Collaborators allows listing a repository's collaborators and teams
	// (push access on GitHub).
	Collaborators bool
	// Members allows listing an organization's teams and their members
	// (read:org for a classic token, the Members organization permission
	// for a fine-grained one).
	Members bool
}

// FullAccess returns what a classic token with the repo scope may read.
func FullAccess() Permissions {
	return Permissions{Issues: true, PullRequests: true, Private: true, Collaborators: true, Members: true}
}

// Token is an access token the emulator accepts.
type Token struct {
	User        *User
	Permissions Permissions
	// Classic marks a classic personal access token: responses then carry
	// the X-OAuth-Scopes header.
	Classic bool
	// RateLimit is the token's primary limit per hour; zero means 5,000.
	RateLimit int
}

// Data is everything the emulator serves.
type Data struct {
	Users []*User
	Repos []*Repo
}

// Repo returns the repository with the full name, or nil.
func (d *Data) Repo(fullName string) *Repo {
	for _, r := range d.Repos {
		if strings.EqualFold(r.FullName(), fullName) {
			return r
		}
	}
	return nil
}

// User returns the account with the login, or nil.
func (d *Data) User(login string) *User {
	for _, u := range d.Users {
		if strings.EqualFold(u.Login, login) {
			return u
		}
	}
	return nil
}

// Count returns the number of issues and of pull requests in all
// repositories.
func (d *Data) Count() (issues, pulls int) {
	for _, r := range d.Repos {
		for _, it := range r.Items {
			if it.PR {
				pulls++
			} else {
				issues++
			}
		}
	}
	return issues, pulls
}
