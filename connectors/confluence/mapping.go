package confluence

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// Metadata keys of Confluence documents.
const (
	MetaSpace   = "space"   // the space key
	MetaType    = "type"    // the content type: page
	MetaLabel   = "label"   // each label
	MetaVersion = "version" // the version number
	MetaParent  = "parent"  // the id of the parent page, when there is one
)

// spaceNodeID and pageNodeID are the hierarchy node ids of a space and of
// a page that has children: "space:KEY" and "page:ID".
func spaceNodeID(key string) string { return "space:" + key }
func pageNodeID(id string) string   { return "page:" + id }

func (r *run) spaceNode(sp *apiSpace, access *tributary.ExternalAccess) *tributary.HierarchyNode {
	name := sp.Name
	if name == "" {
		name = sp.Key
	}
	n := &tributary.HierarchyNode{ID: spaceNodeID(sp.Key), Name: name, Kind: tributary.NodeSpace, ExternalAccess: cloneAccess(access)}
	if sp.Links.WebUI != "" {
		n.Link = r.c.client.site + sp.Links.WebUI
	}
	return n
}

// toDocument maps a page. Its id is the page's web address.
func (c *Connector) toDocument(key string, p *apiContent, access *tributary.ExternalAccess) *tributary.Document {
	id := c.client.site + p.Links.WebUI
	d := &tributary.Document{
		ID: id, Source: Source, SemanticID: p.Title, Title: p.Title,
		UpdatedAt: p.Version.When.UTC(), Metadata: tributary.Metadata{},
		ParentID: spaceNodeID(key), ExternalAccess: access,
	}
	if d.SemanticID == "" {
		d.SemanticID = "Untitled page " + p.ID
	}
	var body string
	if p.Body != nil {
		body = storageText(p.Body.Storage.Value)
	}
	d.Sections = []tributary.Section{{Kind: tributary.SectionText, Link: id, Text: body}}
	d.Metadata.Add(MetaSpace, key)
	d.Metadata.Add(MetaType, p.Type)
	d.Metadata.Add(MetaVersion, strconv.Itoa(p.Version.Number))
	if p.Metadata != nil && p.Metadata.Labels != nil {
		for _, l := range p.Metadata.Labels.Results {
			d.Metadata.Add(MetaLabel, l.Name)
		}
	}
	if n := len(p.Ancestors); n > 0 {
		d.ParentID = pageNodeID(p.Ancestors[n-1].ID)
		d.Metadata.Add(MetaParent, p.Ancestors[n-1].ID)
	}
	if p.History != nil {
		d.CreatedAt = p.History.CreatedDate.UTC()
		if u := person(p.History.CreatedBy); u != nil {
			d.PrimaryOwners = []tributary.Person{*u}
		}
	}
	if u := person(p.Version.By); u != nil && !slices.Contains(d.PrimaryOwners, *u) {
		d.SecondaryOwners = []tributary.Person{*u}
	}
	return d
}

// person maps a user, or returns nil for none or an anonymous one.
// Confluence hides e-mail addresses by privacy settings on Cloud and never
// sends them on Server.
func person(u *apiUser) *tributary.Person {
	if u == nil || u.Type == "anonymous" {
		return nil
	}
	name := u.DisplayName
	if name == "" {
		name = u.PublicName
	}
	if name == "" && u.Email == "" {
		return nil
	}
	return &tributary.Person{DisplayName: name, Email: u.Email}
}

func (c *Connector) commentSection(page, cm *apiContent) tributary.Section {
	link := c.client.site + page.Links.WebUI
	if cm.Links.WebUI != "" {
		link = c.client.site + cm.Links.WebUI
	}
	s := tributary.Section{Kind: tributary.SectionText, Link: link, Heading: "Comment"}
	if cm.History != nil {
		if u := person(cm.History.CreatedBy); u != nil {
			s.Heading = "Comment by " + u.DisplayName
		}
	}
	if cm.Body != nil {
		s.Text = storageText(cm.Body.Storage.Value)
	}
	return s
}

func (c *Connector) attachmentSection(page, a *apiContent) tributary.Section {
	link := c.client.site + page.Links.WebUI
	switch {
	case a.Links.Download != "":
		link = c.client.site + a.Links.Download
	case a.Links.WebUI != "":
		link = c.client.site + a.Links.WebUI
	}
	text := "Attachment " + a.Title
	media := ""
	if a.Metadata != nil {
		media = a.Metadata.MediaType
	}
	if a.Extensions != nil {
		media = cmpOr(media, a.Extensions.MediaType)
		if a.Extensions.FileSize > 0 {
			text += fmt.Sprintf(" (%s, %d bytes)", cmpOr(media, "unknown type"), a.Extensions.FileSize)
			media = ""
		}
	}
	if media != "" {
		text += " (" + media + ")"
	}
	if u, err := url.Parse(link); err == nil {
		link = u.String()
	}
	return tributary.Section{Kind: tributary.SectionText, Link: link, Heading: "Attachment: " + a.Title, Text: text}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
