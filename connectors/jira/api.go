package jira

import (
	"encoding/json"
	"strings"
	"time"
)

// The REST API objects the connector reads, with only the fields it uses.
// Field names are Jira's.

type apiUser struct {
	AccountID    string `json:"accountId"` // Cloud
	Name         string `json:"name"`      // Server
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"` // absent when the profile hides it
	TimeZone     string `json:"timeZone"`
}

func (u *apiUser) id() string {
	if u.AccountID != "" {
		return u.AccountID
	}
	return u.Name
}

type apiProject struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

type apiNamed struct {
	Name string `json:"name"`
}

type apiIssue struct {
	ID     string    `json:"id"`
	Key    string    `json:"key"`
	Fields apiFields `json:"fields"`
}

type apiFields struct {
	Summary     string          `json:"summary"`
	Description json.RawMessage `json:"description"` // ADF on Cloud, text on Server
	Created     jiraTime        `json:"created"`
	Updated     jiraTime        `json:"updated"`
	Reporter    *apiUser        `json:"reporter"`
	Creator     *apiUser        `json:"creator"`
	Assignee    *apiUser        `json:"assignee"`
	Labels      []string        `json:"labels"`
	Status      *apiNamed       `json:"status"`
	Priority    *apiNamed       `json:"priority"`
	IssueType   *apiNamed       `json:"issuetype"`
	Resolution  *apiNamed       `json:"resolution"`
	Project     *apiProject     `json:"project"`
	Comment     *apiCommentPage `json:"comment"`
	Security    json.RawMessage `json:"security"` // the issue security level, when set
}

type apiCommentPage struct {
	StartAt  int           `json:"startAt"`
	Total    int           `json:"total"`
	Comments []*apiComment `json:"comments"`
}

type apiComment struct {
	ID      string          `json:"id"`
	Author  *apiUser        `json:"author"`
	Body    json.RawMessage `json:"body"`
	Created jiraTime        `json:"created"`
	Updated jiraTime        `json:"updated"`
}

// cloudPage is a page of the enhanced search (/rest/api/3/search/jql).
type cloudPage struct {
	Issues        []json.RawMessage `json:"issues"`
	NextPageToken string            `json:"nextPageToken"`
	IsLast        *bool             `json:"isLast"`
}

// serverPage is a page of the offset search (/rest/api/2/search).
type serverPage struct {
	StartAt    int               `json:"startAt"`
	MaxResults int               `json:"maxResults"`
	Total      *int              `json:"total"`
	Issues     []json.RawMessage `json:"issues"`
}

type projectPage struct {
	IsLast *bool         `json:"isLast"`
	Values []*apiProject `json:"values"`
}

type apiPermissions struct {
	Permissions map[string]struct {
		HavePermission bool `json:"havePermission"`
	} `json:"permissions"`
}

// jiraTime reads Jira's timestamps ("2024-05-01T10:20:30.123+0200") and
// RFC 3339 ones; null or "" stays zero.
type jiraTime struct{ time.Time }

func (t *jiraTime) UnmarshalJSON(b []byte) error {
	var s string
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return &time.ParseError{Layout: "2006-01-02T15:04:05.000-0700", Value: s, Message: ": not a Jira time"}
}

// issueRef is what the connector can read of an issue that does not decode
// fully: enough to name the failure with the document's id.
type issueRef struct {
	Key string `json:"key"`
}

// bodyText returns a description or comment body as text: ADF rendered to
// plain text on Cloud, the string as is on Server.
func bodyText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	}
	var n adfNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return renderADF(&n), nil
}
