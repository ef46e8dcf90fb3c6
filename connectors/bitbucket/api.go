package bitbucket

import (
	"errors"
	"time"
)

// The REST API objects the connector reads, with only the fields it uses.
// Field names are Bitbucket's.

type apiLink struct {
	Href string `json:"href"`
}

type apiLinks struct {
	HTML apiLink `json:"html"`
	Self apiLink `json:"self"`
}

type apiUser struct {
	DisplayName string   `json:"display_name"`
	Nickname    string   `json:"nickname"`
	UUID        string   `json:"uuid"`
	AccountID   string   `json:"account_id"`
	Email       string   `json:"email"` // only when filtered by it, for admins
	Links       apiLinks `json:"links"`
}

type apiWorkspace struct {
	UUID  string   `json:"uuid"`
	Name  string   `json:"name"`
	Slug  string   `json:"slug"`
	Links apiLinks `json:"links"`
}

type apiRepository struct {
	UUID        string       `json:"uuid"`
	FullName    string       `json:"full_name"`
	Name        string       `json:"name"`
	Slug        string       `json:"slug"`
	Description string       `json:"description"`
	IsPrivate   *bool        `json:"is_private"`
	Workspace   apiWorkspace `json:"workspace"`
	Project     struct {
		Key  string `json:"key"`
		Name string `json:"name"`
	} `json:"project"`
	Links apiLinks `json:"links"`
}

// check reports a repository without what the connector names things by.
func (r *apiRepository) check() error {
	if r.Slug == "" || r.Workspace.Slug == "" || r.IsPrivate == nil {
		return errors.New("repository lacks slug, workspace.slug or is_private")
	}
	return nil
}

// fullName is "workspace/slug" as the connector keys it: lower-cased, as
// Bitbucket's slugs are case-insensitive.
func (r *apiRepository) fullName() string { return lower(r.Workspace.Slug + "/" + r.Slug) }

type apiBranch struct {
	Branch struct {
		Name string `json:"name"`
	} `json:"branch"`
}

type apiPullRequest struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	State        string     `json:"state"`
	Author       *apiUser   `json:"author"`
	Reviewers    []apiUser  `json:"reviewers"`
	Source       apiBranch  `json:"source"`
	Destination  apiBranch  `json:"destination"`
	CommentCount *int       `json:"comment_count"`
	TaskCount    int        `json:"task_count"`
	CreatedOn    time.Time  `json:"created_on"`
	UpdatedOn    *time.Time `json:"updated_on"`
	Links        apiLinks   `json:"links"`
}

// prRef is what the connector can read of a pull request whose JSON does
// not decode: enough to name the failure with the document's id.
type prRef struct {
	ID    int64    `json:"id"`
	Links apiLinks `json:"links"`
}

type apiComment struct {
	ID      int64 `json:"id"`
	Content struct {
		Raw string `json:"raw"`
	} `json:"content"`
	User      *apiUser  `json:"user"`
	CreatedOn time.Time `json:"created_on"`
	UpdatedOn time.Time `json:"updated_on"`
	Deleted   bool      `json:"deleted"`
	Inline    *struct {
		Path string `json:"path"`
	} `json:"inline"`
	Parent *struct {
		ID int64 `json:"id"`
	} `json:"parent"`
	Links apiLinks `json:"links"`
}

type apiMembership struct {
	User *apiUser `json:"user"`
}

type apiRepoPermission struct {
	Permission string   `json:"permission"`
	User       *apiUser `json:"user"`
}
