package clickup

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// document makes a task's document: its description (the markdown one
// when ClickUp gives it, else the plain text) as the first section, then
// its comments oldest first, each a section linking to the comment.
func (c *Connector) document(p *place, access *tributary.ExternalAccess, k *apiTask, comments []apiComment) *tributary.Document {
	id := TaskID(k.ID)
	text := strings.TrimSpace(cmp.Or(str(k.Markdown), k.TextContent))
	if text == "" {
		text = k.Name
	}
	sections := []tributary.Section{tributary.TextSection(id, text)}
	for i := len(comments) - 1; i >= 0; i-- {
		cm := comments[i]
		if strings.TrimSpace(cm.Text) == "" {
			continue
		}
		s := tributary.TextSection(id+"?comment="+cm.ID, cm.Text)
		if cm.User != nil && cm.User.Username != "" {
			s.Heading = "Comment by " + cm.User.Username
		}
		sections = append(sections, s)
	}
	semantic := k.Name
	if cid := str(k.CustomID); cid != "" {
		semantic = cid + ": " + k.Name
	}
	md := tributary.Metadata{}
	md.Add("status", k.Status.Status)
	md.Add("list", p.list.Name)
	md.Add("space", p.space.Name)
	if p.folder != nil {
		md.Add("folder", p.folder.Name)
	}
	md.Add("workspace", p.team.Name)
	md.Add("custom_id", str(k.CustomID))
	if parent := str(k.Parent); parent != "" {
		md.Add("parent", TaskID(parent))
	}
	if k.Priority != nil {
		md.Add("priority", k.Priority.Priority)
	}
	for _, t := range k.Tags {
		md.Add("tags", t.Name)
	}
	if k.Due.ok {
		md.Add("due_date", k.Due.t.Format("2006-01-02"))
	}
	if k.Points != 0 {
		md.Add("points", strconv.FormatFloat(k.Points, 'f', -1, 64))
	}
	d := &tributary.Document{ID: id, Source: Source, SemanticID: semantic, Title: k.Name, Sections: sections, Metadata: md,
		UpdatedAt: k.Updated.t, CreatedAt: k.Created.t, ParentID: listID(p.team.ID, p.list.ID)}
	if k.Creator != nil {
		d.PrimaryOwners = []tributary.Person{person(*k.Creator)}
	}
	for _, u := range k.Assignees {
		d.SecondaryOwners = append(d.SecondaryOwners, person(u))
	}
	if access != nil {
		d.ExternalAccess = &tributary.ExternalAccess{UserEmails: slices.Clone(access.UserEmails), GroupIDs: slices.Clone(access.GroupIDs)}
	}
	return d
}

func person(u apiUser) tributary.Person {
	return tributary.Person{DisplayName: u.Username, Email: strings.ToLower(u.Email)}
}
