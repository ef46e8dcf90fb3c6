// Package jiraemu emulates the parts of the Jira REST API that the jira
// connector reads, for Jira Cloud (version 3: the enhanced JQL search
// /rest/api/3/search/jql with nextPageToken and isLast, Atlassian Document
// Format bodies, basic authentication with an e-mail and an API token) and
// Jira Server and Data Center (version 2: /rest/api/2/search with startAt,
// maxResults and total, plain-text bodies, bearer personal access tokens).
//
// Both versions serve /myself, the project listings, a project by key,
// /mypermissions, an issue by key (a moved issue's old key still finds it)
// and an issue's paginated comments. Searches accept the
// subset of JQL the connector sends (project = and in, updated and created
// compared with "yyyy/MM/dd HH:mm" dates read in the caller's time zone,
// labels and status equality, key = and in (a key no issue has or had is
// refused with 400, as Jira refuses it), AND, parentheses, ORDER BY updated, created
// and key) and answer anything else with 400 and errorMessages, as Jira
// does for JQL it cannot parse. Faults, rate limits (429 with Retry-After)
// and the request log come from the emulator kit.
package jiraemu

import (
	"fmt"
	"time"
)

// User is a Jira account.
type User struct {
	AccountID   string // Cloud account id; Server uses Name as its key
	Name        string // Server user name
	DisplayName string
	// Email is the address; HideEmail hides it from others, as Atlassian
	// profile visibility does.
	Email     string
	HideEmail bool
	TimeZone  string // IANA name, such as "Europe/Berlin"
	// Admin may read permission schemes and project roles (Administer
	// Jira); others are refused with 403.
	Admin bool
	// BrowseUsers grants the Browse users and groups global permission.
	BrowseUsers bool
}

// Grant is one holder of a permission in a project's permission scheme.
type Grant struct {
	Permission string // such as BROWSE_PROJECTS
	// Type is the holder type: anyone, group, user, projectRole,
	// applicationRole, reporter, assignee, projectLead ...
	Type string
	// Parameter names the holder: a group name, an account id, a role id.
	Parameter string
}

// Role is a project role with its members.
type Role struct {
	ID     string
	Name   string
	Users  []*User
	Groups []string
}

// Project is a Jira project.
type Project struct {
	ID     string
	Key    string
	Name   string
	Issues []*Issue
	// NoBrowse lists account ids that can see the project exists but may
	// not browse its issues.
	NoBrowse []string
	// Grants is the project's permission scheme; Roles its project roles.
	Grants []Grant
	Roles  []*Role
}

// Issue is one work item. Description and comment bodies are ADF documents
// (as decoded JSON); Server answers with their plain text.
type Issue struct {
	ID          string
	Key         string
	Summary     string
	Description map[string]any // ADF; nil for none
	Created     time.Time
	Updated     time.Time
	Reporter    *User
	Creator     *User
	Assignee    *User
	Labels      []string
	Status      string
	Priority    string
	IssueType   string
	Resolution  string
	// SecurityLevel, when set, restricts the issue to the level's members.
	SecurityLevel string
	Comments      []*Comment
	// FormerKeys are the keys the issue had before it was moved to
	// another project; they still find it.
	FormerKeys []string
}

// Comment is a comment on an issue.
type Comment struct {
	ID      string
	Author  *User
	Body    map[string]any // ADF
	Created time.Time
	Updated time.Time
}

// Data is the emulated site's content.
type Data struct {
	Users    []*User
	Projects []*Project
	// Groups and AppRoles are the site's groups and application roles.
	Groups   []*Group
	AppRoles []*AppRole
}

// Project returns the project with the key, or nil.
func (d *Data) Project(key string) *Project {
	for _, p := range d.Projects {
		if p.Key == key {
			return p
		}
	}
	return nil
}

// Issue returns the issue with the key, or nil.
func (d *Data) Issue(key string) *Issue {
	for _, p := range d.Projects {
		for _, is := range p.Issues {
			if is.Key == key {
				return is
			}
		}
	}
	return nil
}

// Touch sets an issue's update time, as an edit does.
func (is *Issue) Touch(t time.Time) { is.Updated = t }

// String names the issue.
func (is *Issue) String() string { return fmt.Sprintf("%s (%s)", is.Key, is.Summary) }
