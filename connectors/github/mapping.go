package github

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on every document.
const (
	MetaKind   = "kind"   // "pull_request" or "issue"
	MetaRepo   = "repo"   // "owner/name"
	MetaState  = "state"  // "open" or "closed"
	MetaLabel  = "label"  // one value per label
	MetaNumber = "number" // the item's number in its repository
	MetaAuthor = "author" // the author's login
	MetaMerged = "merged" // pull requests: "true" or "false"
	MetaDraft  = "draft"  // pull requests: "true" or "false"
	MetaBase   = "base"   // pull requests: the target branch
)

// repoNode returns the hierarchy node of a repository.
func repoNode(r *apiRepo, access *tributary.ExternalAccess) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: r.nodeID(), Name: r.FullName, Link: r.HTMLURL,
		Kind: tributary.NodeRepository, ExternalAccess: access}
}

// itemID returns the document id of an item: its html_url, the canonical
// web address. When the API left it out, the id is built the way GitHub
// builds it, so that a failure still names the document.
func itemID(repo *apiRepo, htmlURL string, number int, pull bool) string {
	if htmlURL != "" {
		return htmlURL
	}
	kind := "issues"
	if pull {
		kind = "pull"
	}
	return repo.HTMLURL + "/" + kind + "/" + strconv.Itoa(number)
}

// toDocument maps an issue or pull request to a document. pull says which
// listing it came from. Times are GitHub's own; a missing time stays zero.
func toDocument(repo *apiRepo, it *apiItem, pull bool, access *tributary.ExternalAccess) (*tributary.Document, error) {
	if it.HTMLURL == "" || it.Number <= 0 {
		return nil, fmt.Errorf("item without html_url or number")
	}
	if it.UpdatedAt.IsZero() {
		return nil, fmt.Errorf("item without updated_at")
	}
	body := ""
	if it.Body != nil {
		body = strings.TrimSpace(*it.Body)
	}
	if body == "" {
		body = it.Title
	}
	d := &tributary.Document{
		ID:         it.HTMLURL,
		Source:     tributary.SourceGitHub,
		SemanticID: fmt.Sprintf("%s#%d: %s", repo.FullName, it.Number, it.Title),
		Title:      it.Title,
		Sections:   []tributary.Section{tributary.TextSection(it.HTMLURL, body)},
		Metadata:   tributary.Metadata{},
		UpdatedAt:  it.UpdatedAt.UTC(),
		CreatedAt:  it.CreatedAt.UTC(),
		ParentID:   repo.nodeID(),
	}
	if it.User != nil && it.User.Login != "" {
		d.PrimaryOwners = []tributary.Person{{DisplayName: it.User.Login}}
	}
	for _, a := range it.Assignees {
		if a.Login != "" {
			d.SecondaryOwners = append(d.SecondaryOwners, tributary.Person{DisplayName: a.Login})
		}
	}
	if it.CreatedAt.IsZero() {
		d.CreatedAt = time.Time{}
	}
	d.ExternalAccess = cloneAccess(access)
	fillMetadata(d.Metadata, repo, it, pull)
	return d, nil
}

func fillMetadata(m tributary.Metadata, repo *apiRepo, it *apiItem, pull bool) {
	kind := "issue"
	if pull {
		kind = "pull_request"
	}
	m.Add(MetaKind, kind)
	m.Add(MetaRepo, repo.FullName)
	m.Add(MetaState, it.State)
	m.Add(MetaNumber, strconv.Itoa(it.Number))
	if it.User != nil {
		m.Add(MetaAuthor, it.User.Login)
	}
	for _, l := range it.Labels {
		m.Add(MetaLabel, l.Name)
	}
	if pull {
		m.Add(MetaMerged, strconv.FormatBool(it.MergedAt != nil && !it.MergedAt.IsZero()))
		m.Add(MetaDraft, strconv.FormatBool(it.Draft))
		if it.Base != nil {
			m.Add(MetaBase, it.Base.Ref)
		}
	}
}

// commentSection maps a comment to a section with its own deep link.
func commentSection(c *apiComment) tributary.Section {
	heading := "Comment"
	if c.User != nil && c.User.Login != "" {
		heading = "Comment by " + c.User.Login
	}
	s := tributary.TextSection(c.HTMLURL, c.Body)
	s.Heading = heading
	return s
}

// cloneAccess copies access so that no two documents share slices.
func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{
		UserEmails: append([]string(nil), a.UserEmails...),
		GroupIDs:   append([]string(nil), a.GroupIDs...),
		Public:     a.Public,
	}
}
