package githubemu

import (
	"fmt"
	"time"
)

// The JSON objects below carry a subset of the fields GitHub documents, each
// with its documented name and type. Times are ISO 8601 in UTC with second
// precision ("2011-01-26T19:01:12Z"); absent times are null.

type simpleUser struct {
	Login     string  `json:"login"`
	ID        int64   `json:"id"`
	NodeID    string  `json:"node_id"`
	AvatarURL string  `json:"avatar_url"`
	URL       string  `json:"url"`
	HTMLURL   string  `json:"html_url"`
	Type      string  `json:"type"`
	SiteAdmin bool    `json:"site_admin"`
	Name      *string `json:"name,omitempty"`
	Email     *string `json:"email,omitempty"`
}

type userJSON struct {
	simpleUser
	Company     *string `json:"company"`
	PublicRepos int     `json:"public_repos"`
	CreatedAt   string  `json:"created_at"`
}

type repoJSON struct {
	ID            int64           `json:"id"`
	NodeID        string          `json:"node_id,omitempty"`
	Name          string          `json:"name"`
	FullName      string          `json:"full_name"`
	Owner         simpleUser      `json:"owner"`
	Private       bool            `json:"private"`
	HTMLURL       string          `json:"html_url"`
	Description   *string         `json:"description"`
	Fork          bool            `json:"fork"`
	URL           string          `json:"url"`
	Visibility    string          `json:"visibility"`
	DefaultBranch string          `json:"default_branch"`
	HasIssues     bool            `json:"has_issues"`
	Archived      bool            `json:"archived"`
	CreatedAt     *string         `json:"created_at"`
	UpdatedAt     *string         `json:"updated_at"`
	PushedAt      *string         `json:"pushed_at"`
	Permissions   *repoPermission `json:"permissions,omitempty"`
}

type repoPermission struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

type labelJSON struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
	Description *string `json:"description"`
}

type issuePullRef struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *string `json:"merged_at"`
}

type issueJSON struct {
	ID                int64         `json:"id"`
	NodeID            string        `json:"node_id"`
	URL               string        `json:"url"`
	RepositoryURL     string        `json:"repository_url"`
	HTMLURL           string        `json:"html_url"`
	Number            int           `json:"number"`
	State             string        `json:"state"`
	StateReason       *string       `json:"state_reason"`
	Title             string        `json:"title"`
	Body              *string       `json:"body"`
	User              simpleUser    `json:"user"`
	Labels            []labelJSON   `json:"labels"`
	Assignees         []simpleUser  `json:"assignees"`
	Locked            bool          `json:"locked"`
	Comments          int           `json:"comments"`
	PullRequest       *issuePullRef `json:"pull_request,omitempty"`
	ClosedAt          *string       `json:"closed_at"`
	CreatedAt         string        `json:"created_at"`
	UpdatedAt         string        `json:"updated_at"`
	AuthorAssociation string        `json:"author_association"`
}

type branchJSON struct {
	Label string     `json:"label"`
	Ref   string     `json:"ref"`
	SHA   string     `json:"sha"`
	User  simpleUser `json:"user"`
}

type pullJSON struct {
	ID                int64        `json:"id"`
	NodeID            string       `json:"node_id"`
	URL               string       `json:"url"`
	HTMLURL           string       `json:"html_url"`
	DiffURL           string       `json:"diff_url"`
	PatchURL          string       `json:"patch_url"`
	IssueURL          string       `json:"issue_url"`
	Number            int          `json:"number"`
	State             string       `json:"state"`
	Locked            bool         `json:"locked"`
	Title             string       `json:"title"`
	User              simpleUser   `json:"user"`
	Body              *string      `json:"body"`
	Labels            []labelJSON  `json:"labels"`
	CreatedAt         string       `json:"created_at"`
	UpdatedAt         string       `json:"updated_at"`
	ClosedAt          *string      `json:"closed_at"`
	MergedAt          *string      `json:"merged_at"`
	MergeCommitSHA    *string      `json:"merge_commit_sha"`
	Assignees         []simpleUser `json:"assignees"`
	Head              branchJSON   `json:"head"`
	Base              branchJSON   `json:"base"`
	Draft             bool         `json:"draft"`
	AuthorAssociation string       `json:"author_association"`
}

type commentJSON struct {
	ID                int64      `json:"id"`
	NodeID            string     `json:"node_id"`
	URL               string     `json:"url"`
	HTMLURL           string     `json:"html_url"`
	IssueURL          string     `json:"issue_url"`
	Body              string     `json:"body"`
	User              simpleUser `json:"user"`
	CreatedAt         string     `json:"created_at"`
	UpdatedAt         string     `json:"updated_at"`
	AuthorAssociation string     `json:"author_association"`
}

type teamJSON struct {
	ID         int64  `json:"id"`
	NodeID     string `json:"node_id"`
	Name       string `json:"name"`
	Slug       string `json:"slug"`
	Permission string `json:"permission"`
	Privacy    string `json:"privacy"`
	HTMLURL    string `json:"html_url"`
}

// errorJSON is GitHub's error body.
type errorJSON struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status,omitempty"`
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func isoTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoTime(t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// urls builds the API and web addresses of objects.
type urls struct {
	api, web string
	// noNodeIDs leaves node_id out of repositories (Options.NoNodeIDs).
	noNodeIDs bool
}

func (u urls) user(x *User) simpleUser {
	typ := "User"
	if x.Organization {
		typ = "Organization"
	}
	return simpleUser{
		Login: x.Login, ID: x.ID, NodeID: x.NodeID(), Type: typ,
		AvatarURL: fmt.Sprintf("%s/avatars/%d", u.web, x.ID),
		URL:       u.api + "/users/" + x.Login, HTMLURL: u.web + "/" + x.Login,
	}
}

func (u urls) users(xs []*User) []simpleUser {
	out := make([]simpleUser, 0, len(xs))
	for _, x := range xs {
		out = append(out, u.user(x))
	}
	return out
}

func (u urls) fullUser(x *User) userJSON {
	su := u.user(x)
	su.Name, su.Email = strPtr(x.Name), strPtr(x.Email)
	return userJSON{simpleUser: su, CreatedAt: "2015-03-04T05:06:07Z"}
}

func (u urls) repo(r *Repo, perm *repoPermission) repoJSON {
	j := repoJSON{
		ID: r.ID, NodeID: r.NodeID(), Name: r.Name, FullName: r.FullName(), Owner: u.user(r.Owner),
		Private: r.Private, HTMLURL: u.web + "/" + r.FullName(), Description: strPtr(r.Description),
		URL: u.api + "/repos/" + r.FullName(), Visibility: r.Visibility(), DefaultBranch: r.DefaultBranch,
		HasIssues: !r.IssuesDisabled, CreatedAt: isoTimePtr(r.CreatedAt), UpdatedAt: isoTimePtr(r.UpdatedAt),
		PushedAt: isoTimePtr(r.PushedAt), Permissions: perm,
	}
	if u.noNodeIDs {
		j.NodeID = ""
	}
	return j
}

func (u urls) itemHTML(r *Repo, it *Item) string {
	if it.PR {
		return fmt.Sprintf("%s/%s/pull/%d", u.web, r.FullName(), it.Number)
	}
	return fmt.Sprintf("%s/%s/issues/%d", u.web, r.FullName(), it.Number)
}

func (u urls) labels(r *Repo, it *Item) []labelJSON {
	out := make([]labelJSON, 0, len(it.Labels))
	for _, l := range it.Labels {
		out = append(out, labelJSON{ID: l.ID, NodeID: fmt.Sprintf("LA_kwDO%08d", l.ID),
			URL: u.api + "/repos/" + r.FullName() + "/labels/" + l.Name, Name: l.Name, Color: l.Color})
	}
	return out
}

func (u urls) issue(r *Repo, it *Item) issueJSON {
	apiBase := u.api + "/repos/" + r.FullName()
	j := issueJSON{
		ID: it.ID, NodeID: it.NodeID(), URL: fmt.Sprintf("%s/issues/%d", apiBase, it.Number),
		RepositoryURL: apiBase, HTMLURL: u.itemHTML(r, it), Number: it.Number, State: it.State,
		Title: it.Title, Body: strPtr(it.Body), User: u.user(it.User), Labels: u.labels(r, it),
		Assignees: u.users(it.Assignees), Comments: len(it.Comments), ClosedAt: isoTimePtr(it.ClosedAt),
		CreatedAt: isoTime(it.CreatedAt), UpdatedAt: isoTime(it.UpdatedAt), AuthorAssociation: "MEMBER",
	}
	if it.State == "closed" {
		j.StateReason = strPtr("completed")
	}
	if it.PR {
		html := u.itemHTML(r, it)
		j.PullRequest = &issuePullRef{URL: fmt.Sprintf("%s/pulls/%d", apiBase, it.Number), HTMLURL: html,
			DiffURL: html + ".diff", PatchURL: html + ".patch", MergedAt: isoTimePtr(it.MergedAt)}
	}
	return j
}

func (u urls) pull(r *Repo, it *Item) pullJSON {
	apiBase := u.api + "/repos/" + r.FullName()
	html := u.itemHTML(r, it)
	j := pullJSON{
		ID: it.ID, NodeID: it.NodeID(), URL: fmt.Sprintf("%s/pulls/%d", apiBase, it.Number),
		HTMLURL: html, DiffURL: html + ".diff", PatchURL: html + ".patch",
		IssueURL: fmt.Sprintf("%s/issues/%d", apiBase, it.Number), Number: it.Number, State: it.State,
		Title: it.Title, User: u.user(it.User), Body: strPtr(it.Body), Labels: u.labels(r, it),
		CreatedAt: isoTime(it.CreatedAt), UpdatedAt: isoTime(it.UpdatedAt), ClosedAt: isoTimePtr(it.ClosedAt),
		MergedAt: isoTimePtr(it.MergedAt), Assignees: u.users(it.Assignees), Draft: it.Draft, AuthorAssociation: "MEMBER",
		Head: branchJSON{Label: r.Owner.Login + ":" + it.HeadRef, Ref: it.HeadRef, SHA: sha(it.ID, 1), User: u.user(r.Owner)},
		Base: branchJSON{Label: r.Owner.Login + ":" + it.BaseRef, Ref: it.BaseRef, SHA: sha(it.ID, 2), User: u.user(r.Owner)},
	}
	if !it.MergedAt.IsZero() {
		j.MergeCommitSHA = strPtr(sha(it.ID, 3))
	}
	return j
}

func (u urls) comment(r *Repo, it *Item, c Comment) commentJSON {
	return commentJSON{
		ID: c.ID, NodeID: fmt.Sprintf("IC_kwDO%010d", c.ID),
		URL:      fmt.Sprintf("%s/repos/%s/issues/comments/%d", u.api, r.FullName(), c.ID),
		HTMLURL:  fmt.Sprintf("%s#issuecomment-%d", u.itemHTML(r, it), c.ID),
		IssueURL: fmt.Sprintf("%s/repos/%s/issues/%d", u.api, r.FullName(), it.Number),
		Body:     c.Body, User: u.user(c.User), CreatedAt: isoTime(c.CreatedAt), UpdatedAt: isoTime(c.UpdatedAt),
		AuthorAssociation: "MEMBER",
	}
}

func sha(id int64, salt int) string { return fmt.Sprintf("%040x", id*7919+int64(salt)) }
