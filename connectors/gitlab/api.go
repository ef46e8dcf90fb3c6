package gitlab

import (
	"errors"
	"strings"
	"time"
)

// The REST API objects the connector reads, with only the fields it uses.
// Field names are GitLab's.

type apiUser struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	Name        string `json:"name"`
	State       string `json:"state"`
	WebURL      string `json:"web_url"`
	PublicEmail string `json:"public_email"`
	// Email is shown only to administrators, to the user, and to owners
	// of enterprise users' groups.
	Email       string `json:"email"`
	AccessLevel int    `json:"access_level"` // members only
}

type apiNamespace struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"` // group or user
	FullPath string `json:"full_path"`
	WebURL   string `json:"web_url"`
}

type apiShare struct {
	GroupID       int64  `json:"group_id"`
	GroupName     string `json:"group_name"`
	GroupFullPath string `json:"group_full_path"`
}

type apiProject struct {
	ID                       int64        `json:"id"`
	Name                     string       `json:"name"`
	NameWithNamespace        string       `json:"name_with_namespace"`
	Path                     string       `json:"path"`
	PathWithNamespace        string       `json:"path_with_namespace"`
	Description              *string      `json:"description"`
	WebURL                   string       `json:"web_url"`
	Visibility               string       `json:"visibility"` // public, internal or private
	Namespace                apiNamespace `json:"namespace"`
	Archived                 bool         `json:"archived"`
	CreatedAt                time.Time    `json:"created_at"`
	IssuesEnabled            *bool        `json:"issues_enabled"`
	MergeRequestsEnabled     *bool        `json:"merge_requests_enabled"`
	WikiEnabled              *bool        `json:"wiki_enabled"`
	IssuesAccessLevel        string       `json:"issues_access_level"`
	MergeRequestsAccessLevel string       `json:"merge_requests_access_level"`
	WikiAccessLevel          string       `json:"wiki_access_level"`
	SharedWithGroups         []apiShare   `json:"shared_with_groups"`
}

// check reports a project without what the connector names things by.
func (p *apiProject) check() error {
	if p.ID <= 0 || p.PathWithNamespace == "" || p.WebURL == "" {
		return errors.New("project lacks id, path_with_namespace or web_url")
	}
	return nil
}

// enabled reports whether a feature is on: its *_access_level when GitLab
// sends one, else the older *_enabled flag, else on.
func enabled(flag *bool, level string) bool {
	if level != "" {
		return level != "disabled"
	}
	return flag == nil || *flag
}

type apiGroup struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Path       string `json:"path"`
	FullName   string `json:"full_name"`
	FullPath   string `json:"full_path"`
	WebURL     string `json:"web_url"`
	Visibility string `json:"visibility"`
}

type apiMilestone struct {
	Title string `json:"title"`
}

// apiItem is an issue or a merge request as their listings return them.
type apiItem struct {
	ID             int64         `json:"id"`
	IID            int64         `json:"iid"`
	Title          string        `json:"title"`
	Description    *string       `json:"description"`
	State          string        `json:"state"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	ClosedAt       *time.Time    `json:"closed_at"`
	MergedAt       *time.Time    `json:"merged_at"`
	Labels         []string      `json:"labels"`
	Milestone      *apiMilestone `json:"milestone"`
	Author         *apiUser      `json:"author"`
	Assignees      []apiUser     `json:"assignees"`
	Reviewers      []apiUser     `json:"reviewers"`
	UserNotesCount *int          `json:"user_notes_count"`
	WebURL         string        `json:"web_url"`
	Confidential   bool          `json:"confidential"`
	SourceBranch   string        `json:"source_branch"`
	TargetBranch   string        `json:"target_branch"`
	Draft          bool          `json:"draft"`
}

// itemRef is what the connector can read of an item whose JSON does not
// decode as an apiItem: enough to name the failure with the document's id.
type itemRef struct {
	IID    int64  `json:"iid"`
	WebURL string `json:"web_url"`
}

type apiNote struct {
	ID        int64     `json:"id"`
	Body      string    `json:"body"`
	Author    *apiUser  `json:"author"`
	System    bool      `json:"system"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type apiWikiPage struct {
	Slug    string  `json:"slug"`
	Title   string  `json:"title"`
	Format  string  `json:"format"`
	Content *string `json:"content"`
}

// namespaceChain returns the full paths and names of the groups above a
// project, outermost first, read from its path_with_namespace and
// name_with_namespace ("acme/backend/api", "Acme / Backend / API"). A
// project in a user's namespace has none.
func namespaceChain(p *apiProject) (paths, names []string) {
	if p.Namespace.Kind != "group" {
		return nil, nil
	}
	segs := strings.Split(p.PathWithNamespace, "/")
	ns := strings.Split(p.NameWithNamespace, " / ")
	segs = segs[:len(segs)-1]
	for i := range segs {
		paths = append(paths, strings.Join(segs[:i+1], "/"))
		name := segs[i]
		if len(ns) == len(segs)+1 {
			name = ns[i]
		}
		names = append(names, name)
	}
	return paths, names
}
