package linear

import (
	"encoding/json"
	"time"
)

// The GraphQL operations the connector sends. Every listing orders by
// updatedAt, which Linear sorts newest first, and asks for pageInfo.

const userFields = `name displayName email`

const issueFields = `id identifier title description url priorityLabel createdAt updatedAt archivedAt
  creator { ` + userFields + ` } assignee { ` + userFields + ` }
  team { id key name private } project { id slugId name }
  state { name type } labels(first: 10) { nodes { name } }`

const commentFields = `id body url createdAt updatedAt user { ` + userFields + ` }`

// inlineComments is how many comments come with their issue (the
// comments(first: 20) of issuesQuery); more are read by
// issueCommentsQuery.
const inlineComments = 20

const issuesQuery = `query Issues($first: Int!, $after: String, $filter: IssueFilter, $archived: Boolean) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: $archived) {
    nodes { ` + issueFields + `
      comments(first: 20) { nodes { ` + commentFields + ` } pageInfo { hasNextPage endCursor } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// issuesNoCommentsQuery is issuesQuery without comments, when the
// settings leave them out: a cheaper query.
const issuesNoCommentsQuery = `query Issues($first: Int!, $after: String, $filter: IssueFilter, $archived: Boolean) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: $archived) {
    nodes { ` + issueFields + ` }
    pageInfo { hasNextPage endCursor }
  }
}`

const issuesSlimQuery = `query IssuesSlim($first: Int!, $after: String, $filter: IssueFilter, $archived: Boolean) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: $archived) {
    nodes { id identifier url updatedAt team { id key name private } project { id slugId name } }
    pageInfo { hasNextPage endCursor }
  }
}`

const issueCommentsQuery = `query IssueComments($id: String!, $after: String) {
  issue(id: $id) {
    comments(first: 100, after: $after) { nodes { ` + commentFields + ` } pageInfo { hasNextPage endCursor } }
  }
}`

const teamsQuery = `query Teams($first: Int!, $after: String) {
  teams(first: $first, after: $after) {
    nodes { id key name private createdAt updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}`

const projectFields = `id slugId name description content state url createdAt updatedAt archivedAt
  lead { ` + userFields + ` } creator { ` + userFields + ` }
  teams(first: 10) { nodes { id key name private } }`

const projectsQuery = `query Projects($first: Int!, $after: String, $filter: ProjectFilter, $archived: Boolean) {
  projects(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: $archived) {
    nodes { ` + projectFields + ` }
    pageInfo { hasNextPage endCursor }
  }
}`

const documentFields = `id slugId title content url createdAt updatedAt archivedAt
  creator { ` + userFields + ` }
  project { id slugId name url teams(first: 10) { nodes { id key name private } } }`

const documentsQuery = `query Documents($first: Int!, $after: String, $filter: DocumentFilter, $archived: Boolean) {
  documents(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: $archived) {
    nodes { ` + documentFields + ` }
    pageInfo { hasNextPage endCursor }
  }
}`

const viewerQuery = `query Viewer {
  viewer { id name email }
  organization { id name urlKey }
}`

// The objects, with only the fields the connector reads.

type apiUser struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
	Active      *bool  `json:"active"`
}

type apiOrganization struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	URLKey string `json:"urlKey"`
}

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type connection[T any] struct {
	Nodes    []T      `json:"nodes"`
	PageInfo pageInfo `json:"pageInfo"`
}

type apiTeam struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Name      string    `json:"name"`
	Private   bool      `json:"private"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type apiProjectRef struct {
	ID     string               `json:"id"`
	SlugID string               `json:"slugId"`
	Name   string               `json:"name"`
	URL    string               `json:"url"`
	Teams  *connection[apiTeam] `json:"teams"`
}

type apiComment struct {
	ID        string    `json:"id"`
	Body      string    `json:"body"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	User      *apiUser  `json:"user"`
}

type apiIssue struct {
	ID            string         `json:"id"`
	Identifier    string         `json:"identifier"`
	Title         string         `json:"title"`
	Description   *string        `json:"description"`
	URL           string         `json:"url"`
	PriorityLabel string         `json:"priorityLabel"`
	CreatedAt     time.Time      `json:"createdAt"`
	UpdatedAt     time.Time      `json:"updatedAt"`
	ArchivedAt    *time.Time     `json:"archivedAt"`
	Creator       *apiUser       `json:"creator"`
	Assignee      *apiUser       `json:"assignee"`
	Team          *apiTeam       `json:"team"`
	Project       *apiProjectRef `json:"project"`
	State         *struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"state"`
	Labels *connection[struct {
		Name string `json:"name"`
	}] `json:"labels"`
	Comments *connection[apiComment] `json:"comments"`
}

type apiProject struct {
	ID          string               `json:"id"`
	SlugID      string               `json:"slugId"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Content     *string              `json:"content"`
	State       string               `json:"state"`
	URL         string               `json:"url"`
	CreatedAt   time.Time            `json:"createdAt"`
	UpdatedAt   time.Time            `json:"updatedAt"`
	ArchivedAt  *time.Time           `json:"archivedAt"`
	Lead        *apiUser             `json:"lead"`
	Creator     *apiUser             `json:"creator"`
	Teams       *connection[apiTeam] `json:"teams"`
}

type apiDocument struct {
	ID         string         `json:"id"`
	SlugID     string         `json:"slugId"`
	Title      string         `json:"title"`
	Content    *string        `json:"content"`
	URL        string         `json:"url"`
	CreatedAt  time.Time      `json:"createdAt"`
	UpdatedAt  time.Time      `json:"updatedAt"`
	ArchivedAt *time.Time     `json:"archivedAt"`
	Creator    *apiUser       `json:"creator"`
	Project    *apiProjectRef `json:"project"`
}

// itemRef is what the listing reads of every node before decoding it
// whole: enough to place it in the order and to name a failure.
type itemRef struct {
	ID         string    `json:"id"`
	Identifier string    `json:"identifier"`
	SlugID     string    `json:"slugId"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// rawPage is one page of a listing with its nodes undecoded.
type rawPage = connection[json.RawMessage]
