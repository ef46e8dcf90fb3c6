package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The REST API objects the connector reads, with only the fields it uses.
// Field names are GitHub's.

type apiUser struct {
	Login string `json:"login"`
	Type  string `json:"type"` // User, Organization or Bot
	Name  string `json:"name"`
	Email string `json:"email"`
}

type apiRepo struct {
	ID         int64     `json:"id"`
	NodeID     string    `json:"node_id"`
	Name       string    `json:"name"`
	FullName   string    `json:"full_name"`
	Owner      apiUser   `json:"owner"`
	Private    bool      `json:"private"`
	Visibility string    `json:"visibility"` // public, private or internal
	HTMLURL    string    `json:"html_url"`
	HasIssues  *bool     `json:"has_issues"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// check reports what the connector cannot do without: the full name it
// builds every request from and the web address its ids are made of.
func (r *apiRepo) check() error {
	switch {
	case r.FullName == "" && r.HTMLURL == "":
		return errors.New("repository without full_name and html_url")
	case r.FullName == "":
		return fmt.Errorf("repository %s without full_name", r.HTMLURL)
	case r.HTMLURL == "":
		return fmt.Errorf("repository %s without html_url", r.FullName)
	}
	return nil
}

// nodeID is the id of the repository's hierarchy node: its GraphQL node_id,
// or its web address where the server sends no node_id (some GitHub-
// compatible servers and old GitHub Enterprise releases).
func (r *apiRepo) nodeID() string {
	if r.NodeID != "" {
		return r.NodeID
	}
	return r.HTMLURL
}

type apiLabel struct {
	Name string `json:"name"`
}

// apiItem is an issue or a pull request as the two listings return them:
// the issues listing marks pull requests with a pull_request object; the
// pull request listing carries merged_at, draft and the branches.
type apiItem struct {
	HTMLURL     string          `json:"html_url"`
	Number      int             `json:"number"`
	Title       string          `json:"title"`
	Body        *string         `json:"body"`
	State       string          `json:"state"`
	User        *apiUser        `json:"user"`
	Assignees   []apiUser       `json:"assignees"`
	Labels      []apiLabel      `json:"labels"`
	Comments    *int            `json:"comments"` // issues listing only
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	ClosedAt    *time.Time      `json:"closed_at"`
	MergedAt    *time.Time      `json:"merged_at"`
	Draft       bool            `json:"draft"`
	PullRequest json.RawMessage `json:"pull_request"`
	Base        *apiBranch      `json:"base"`
	Head        *apiBranch      `json:"head"`
}

type apiBranch struct {
	Ref string `json:"ref"`
}

// isPull reports whether an item of the issues listing is a pull request.
func (it *apiItem) isPull() bool {
	return len(it.PullRequest) > 0 && string(it.PullRequest) != "null"
}

type apiComment struct {
	HTMLURL   string    `json:"html_url"`
	Body      string    `json:"body"`
	User      *apiUser  `json:"user"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type apiTeam struct {
	Slug string `json:"slug"`
}

// itemRef is what the connector can read of an item whose JSON does not
// decode as an apiItem: enough to name the failure with the document's id.
type itemRef struct {
	HTMLURL string `json:"html_url"`
	Number  int    `json:"number"`
}
