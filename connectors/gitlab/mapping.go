package gitlab

import (
	"cmp"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on documents.
const (
	MetaKind         = "kind"          // "issue", "merge_request" or "wiki_page"
	MetaProject      = "project"       // the project's full path
	MetaState        = "state"         // opened, closed, merged or locked
	MetaLabel        = "label"         // one value per label
	MetaMilestone    = "milestone"     // the milestone's title
	MetaIID          = "iid"           // the item's number in its project
	MetaAuthor       = "author"        // the author's username
	MetaConfidential = "confidential"  // issues: "true" or "false"
	MetaMerged       = "merged"        // merge requests: "true" or "false"
	MetaDraft        = "draft"         // merge requests: "true" or "false"
	MetaSource       = "source_branch" // merge requests
	MetaTarget       = "target_branch" // merge requests
	MetaFormat       = "format"        // wiki pages: markdown, rdoc, asciidoc or org
)

// NodeGroup is the kind of a group's hierarchy node.
const NodeGroup tributary.NodeKind = "group"

// groupNodeID returns the id of a group's node: the group's web address,
// which GitLab puts under /groups/.
func groupNodeID(web, fullPath string) string { return web + "/groups/" + fullPath }

// projectNodes returns the nodes of the groups above a project, outermost
// first, and then the project's own node, whose id (the project's web
// address) documents name as their parent.
func projectNodes(web string, p *apiProject, access *tributary.ExternalAccess) []*tributary.HierarchyNode {
	paths, names := namespaceChain(p)
	var out []*tributary.HierarchyNode
	parent := ""
	for i, path := range paths {
		id := groupNodeID(web, path)
		out = append(out, &tributary.HierarchyNode{ID: id, ParentID: parent, Name: names[i], Link: id, Kind: NodeGroup})
		parent = id
	}
	return append(out, &tributary.HierarchyNode{ID: p.WebURL, ParentID: parent, Name: cmp.Or(p.NameWithNamespace, p.PathWithNamespace),
		Link: p.WebURL, Kind: tributary.NodeProject, ExternalAccess: access})
}

// itemID returns the document id of an item: its web_url, the canonical
// web address. When the API left it out, the id is built the way GitLab
// builds it, so that a failure still names the document.
func itemID(p *apiProject, webURL string, iid int64, mr bool) string {
	if webURL != "" {
		return webURL
	}
	kind := kindIssues
	if mr {
		kind = kindMRs
	}
	return p.WebURL + "/-/" + kind + "/" + strconv.FormatInt(iid, 10)
}

// wikiID returns a wiki page's web address.
func wikiID(p *apiProject, slug string) string {
	return p.WebURL + "/-/wikis/" + (&url.URL{Path: slug}).EscapedPath()
}

func person(u *apiUser) tributary.Person {
	return tributary.Person{DisplayName: cmp.Or(u.Name, u.Username), Email: strings.ToLower(cmp.Or(u.PublicEmail, u.Email))}
}

// toDocument maps an issue or merge request to a document. Times are
// GitLab's own; a missing creation time stays zero.
func toDocument(p *apiProject, it *apiItem, mr bool, access *tributary.ExternalAccess) (*tributary.Document, error) {
	if it.IID <= 0 || it.UpdatedAt.IsZero() {
		return nil, fmt.Errorf("item without iid or updated_at")
	}
	id := itemID(p, it.WebURL, it.IID, mr)
	body := ""
	if it.Description != nil {
		body = strings.TrimSpace(*it.Description)
	}
	if body == "" {
		body = it.Title
	}
	sigil := "#"
	if mr {
		sigil = "!"
	}
	d := &tributary.Document{
		ID:             id,
		Source:         Source,
		SemanticID:     fmt.Sprintf("%s%s%d: %s", p.PathWithNamespace, sigil, it.IID, it.Title),
		Title:          it.Title,
		Sections:       []tributary.Section{tributary.TextSection(id, body)},
		Metadata:       tributary.Metadata{},
		UpdatedAt:      it.UpdatedAt.UTC(),
		CreatedAt:      it.CreatedAt.UTC(),
		ParentID:       p.WebURL,
		ExternalAccess: access,
	}
	if it.CreatedAt.IsZero() {
		d.CreatedAt = time.Time{}
	}
	if it.Author != nil && (it.Author.Name != "" || it.Author.Username != "") {
		d.PrimaryOwners = []tributary.Person{person(it.Author)}
	}
	for _, group := range [][]apiUser{it.Assignees, it.Reviewers} {
		for i := range group {
			if group[i].Name != "" || group[i].Username != "" {
				d.SecondaryOwners = append(d.SecondaryOwners, person(&group[i]))
			}
		}
	}
	fillMetadata(d.Metadata, p, it, mr)
	return d, nil
}

func fillMetadata(m tributary.Metadata, p *apiProject, it *apiItem, mr bool) {
	kind := "issue"
	if mr {
		kind = "merge_request"
	}
	m.Add(MetaKind, kind)
	m.Add(MetaProject, p.PathWithNamespace)
	m.Add(MetaState, it.State)
	m.Add(MetaIID, strconv.FormatInt(it.IID, 10))
	if it.Author != nil {
		m.Add(MetaAuthor, it.Author.Username)
	}
	m.Add(MetaLabel, it.Labels...)
	if it.Milestone != nil {
		m.Add(MetaMilestone, it.Milestone.Title)
	}
	if mr {
		m.Add(MetaMerged, strconv.FormatBool(it.State == "merged" || it.MergedAt != nil && !it.MergedAt.IsZero()))
		m.Add(MetaDraft, strconv.FormatBool(it.Draft))
		m.Add(MetaSource, it.SourceBranch)
		m.Add(MetaTarget, it.TargetBranch)
	} else {
		m.Add(MetaConfidential, strconv.FormatBool(it.Confidential))
	}
}

// noteSection maps a note to a section linking to the note itself.
func noteSection(itemURL string, n *apiNote) tributary.Section {
	heading := "Note"
	if n.Author != nil && (n.Author.Name != "" || n.Author.Username != "") {
		heading = "Note by " + cmp.Or(n.Author.Name, n.Author.Username)
	}
	s := tributary.TextSection(itemURL+"#note_"+strconv.FormatInt(n.ID, 10), n.Body)
	s.Heading = heading
	return s
}

// wikiDocument maps a wiki page. GitLab's REST API gives wiki pages no
// times and no authors, so the document has none.
func wikiDocument(p *apiProject, w *apiWikiPage, access *tributary.ExternalAccess) *tributary.Document {
	id := wikiID(p, w.Slug)
	text := ""
	if w.Content != nil {
		text = *w.Content
	}
	title := cmp.Or(w.Title, w.Slug)
	d := &tributary.Document{
		ID:             id,
		Source:         Source,
		SemanticID:     p.PathWithNamespace + " wiki: " + title,
		Title:          title,
		Sections:       []tributary.Section{tributary.TextSection(id, cmp.Or(text, title))},
		Metadata:       tributary.Metadata{},
		ParentID:       p.WebURL,
		ExternalAccess: access,
	}
	d.Metadata.Add(MetaKind, "wiki_page")
	d.Metadata.Add(MetaProject, p.PathWithNamespace)
	d.Metadata.Add(MetaFormat, w.Format)
	return d
}

func lower(s string) string { return strings.ToLower(s) }
