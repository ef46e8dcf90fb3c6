package jira

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on documents.
const (
	MetaProject    = "project"    // the project key
	MetaKey        = "key"        // the issue key, such as ENG-42
	MetaStatus     = "status"     // the status name, such as In Progress
	MetaPriority   = "priority"   // the priority name
	MetaIssueType  = "issuetype"  // Bug, Task, Story ...
	MetaResolution = "resolution" // the resolution name, when resolved
	MetaLabel      = "label"      // one value per label
	MetaReporter   = "reporter"   // the reporter's display name
	MetaAssignee   = "assignee"   // the assignee's display name
)

// toDocument maps an issue of the project to a document. Times are Jira's
// own; a missing creation time stays zero.
func (c *Connector) toDocument(project string, is *apiIssue) (*tributary.Document, error) {
	f := &is.Fields
	id := c.issueID(is.Key)
	text, err := bodyText(f.Description)
	if err != nil {
		return nil, fmt.Errorf("jira: description of %s: %w", is.Key, err)
	}
	if text == "" {
		text = f.Summary
	}
	d := &tributary.Document{
		ID:         id,
		Source:     Source,
		SemanticID: is.Key + ": " + f.Summary,
		Title:      f.Summary,
		Sections:   []tributary.Section{tributary.TextSection(id, text)},
		Metadata:   tributary.Metadata{},
		UpdatedAt:  f.Updated.Time,
		CreatedAt:  f.Created.Time,
		ParentID:   c.projectID(project),
	}
	if d.SemanticID == is.Key+": " {
		d.SemanticID = is.Key
	}
	d.PrimaryOwners = people(f.Reporter, f.Creator)
	d.SecondaryOwners = people(f.Assignee)
	m := d.Metadata
	m.Add(MetaProject, project)
	m.Add(MetaKey, is.Key)
	for _, x := range []struct {
		key string
		v   *apiNamed
	}{{MetaStatus, f.Status}, {MetaPriority, f.Priority}, {MetaIssueType, f.IssueType}, {MetaResolution, f.Resolution}} {
		if x.v != nil {
			m.Add(x.key, x.v.Name)
		}
	}
	m.Add(MetaLabel, f.Labels...)
	if f.Reporter != nil {
		m.Add(MetaReporter, f.Reporter.DisplayName)
	}
	if f.Assignee != nil {
		m.Add(MetaAssignee, f.Assignee.DisplayName)
	}
	return d, nil
}

// people maps accounts to persons, once each. Jira hides e-mail addresses
// that their owners keep private; those persons carry a name only.
func people(users ...*apiUser) []tributary.Person {
	var out []tributary.Person
	seen := map[string]bool{}
	for _, u := range users {
		if u == nil || u.DisplayName == "" && u.EmailAddress == "" || seen[u.id()] {
			continue
		}
		seen[u.id()] = true
		out = append(out, tributary.Person{DisplayName: u.DisplayName, Email: u.EmailAddress})
	}
	return out
}

// commentSections maps comments to sections, each linking to the issue
// with the comment in focus.
func (c *Connector) commentSections(key string, comments []*apiComment) ([]tributary.Section, error) {
	out := make([]tributary.Section, 0, len(comments))
	for _, cm := range comments {
		if cm == nil || cm.ID == "" {
			return nil, tributary.NewError("jira: comments of "+key, tributary.ErrMalformedResponse, errors.New("comment without id"))
		}
		text, err := bodyText(cm.Body)
		if err != nil {
			return nil, fmt.Errorf("comment %s: %w", cm.ID, err)
		}
		heading := "Comment"
		if cm.Author != nil && cm.Author.DisplayName != "" {
			heading = "Comment by " + cm.Author.DisplayName
		}
		s := tributary.TextSection(c.issueID(key)+"?focusedCommentId="+url.QueryEscape(cm.ID), text)
		s.Heading = heading
		out = append(out, s)
	}
	return out, nil
}
