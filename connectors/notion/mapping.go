package notion

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on documents. A database row also carries each
// select, multi-select and status property under the property's name.
const (
	MetaType     = "type"     // "page", or "database_row"
	MetaDatabase = "database" // a row's database id
	MetaParent   = "parent"   // the parent page, database or block id
)

// property is a page property value, with the fields of the types read.
type property struct {
	Type        string                  `json:"type"`
	Title       []apiRichText           `json:"title"`
	RichText    []apiRichText           `json:"rich_text"`
	Number      *float64                `json:"number"`
	Select      *struct{ Name string }  `json:"select"`
	Status      *struct{ Name string }  `json:"status"`
	MultiSelect []struct{ Name string } `json:"multi_select"`
	Checkbox    *bool                   `json:"checkbox"`
	URL         *string                 `json:"url"`
	Email       *string                 `json:"email"`
	Phone       *string                 `json:"phone_number"`
	Date        *struct {
		Start string  `json:"start"`
		End   *string `json:"end"`
	} `json:"date"`
	People []apiUser `json:"people"`
}

// titleOf returns a page's title (its title property) or a database's.
func titleOf(o *apiObject) string {
	if o.Object == "database" {
		return strings.TrimSpace(plain(o.Title))
	}
	for _, raw := range o.Properties {
		var p property
		if json.Unmarshal(raw, &p) == nil && p.Type == "title" {
			return strings.TrimSpace(plain(p.Title))
		}
	}
	return ""
}

// propertyText renders a property's value as text, "" for types not read.
func (p *property) text() string {
	switch p.Type {
	case "rich_text":
		return plain(p.RichText)
	case "number":
		if p.Number != nil {
			return strconv.FormatFloat(*p.Number, 'f', -1, 64)
		}
	case "select":
		if p.Select != nil {
			return p.Select.Name
		}
	case "status":
		if p.Status != nil {
			return p.Status.Name
		}
	case "multi_select":
		names := make([]string, 0, len(p.MultiSelect))
		for _, o := range p.MultiSelect {
			names = append(names, o.Name)
		}
		return strings.Join(names, ", ")
	case "checkbox":
		if p.Checkbox != nil {
			return strconv.FormatBool(*p.Checkbox)
		}
	case "url", "email", "phone_number":
		for _, s := range []*string{p.URL, p.Email, p.Phone} {
			if s != nil {
				return *s
			}
		}
	case "date":
		if p.Date != nil {
			if p.Date.End != nil {
				return p.Date.Start + " – " + *p.Date.End
			}
			return p.Date.Start
		}
	case "people":
		names := make([]string, 0, len(p.People))
		for _, u := range p.People {
			names = append(names, u.Name)
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// properties renders a row's properties besides its title as lines
// "Name: value", in name order, and adds the choice properties to m.
func properties(o *apiObject, m tributary.Metadata) (string, error) {
	names := make([]string, 0, len(o.Properties))
	for name := range o.Properties {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		var p property
		if err := json.Unmarshal(o.Properties[name], &p); err != nil {
			return "", fmt.Errorf("%w: property %q: %v", ErrMalformed, name, err)
		}
		if p.Type == "title" {
			continue
		}
		v := strings.TrimSpace(p.text())
		if v == "" {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", name, v)
		switch p.Type {
		case "select", "status":
			m.Add(name, v)
		case "multi_select":
			for _, o := range p.MultiSelect {
				m.Add(name, o.Name)
			}
		}
	}
	return strings.TrimSpace(b.String()), nil
}

// toDocument maps a page or row with its content to a document. Times are
// Notion's own (to the minute); the creator is the primary owner and the
// last editor, when another person, the secondary.
func (r *run) toDocument(o *apiObject, parent string, sections []tributary.Section) (*tributary.Document, error) {
	id := pageID(o.ID)
	title := titleOf(o)
	d := &tributary.Document{
		ID:         id,
		Source:     Source,
		SemanticID: title,
		Title:      title,
		Metadata:   tributary.Metadata{},
		UpdatedAt:  o.LastEditedTime.UTC(),
		CreatedAt:  o.CreatedTime.UTC(),
		ParentID:   parent,
	}
	if d.SemanticID == "" {
		d.SemanticID = "Untitled"
	}
	kind := "page"
	if o.Parent.Type == "database_id" {
		kind = "database_row"
		d.Metadata.Add(MetaDatabase, key(o.Parent.DatabaseID))
	}
	d.Metadata.Add(MetaType, kind)
	if p := o.Parent.id(); p != "" {
		d.Metadata.Add(MetaParent, key(p))
	}
	props, err := properties(o, d.Metadata)
	if err != nil {
		return nil, err
	}
	if !r.slim {
		switch {
		case props != "" && len(sections) > 0 && sections[0].Heading == "":
			sections[0].Text = props + "\n" + sections[0].Text
		case props != "":
			sections = append([]tributary.Section{tributary.TextSection(id, props)}, sections...)
		case len(sections) == 0:
			sections = []tributary.Section{tributary.TextSection(id, d.SemanticID)}
		}
		d.Sections = sections
	}
	if !r.slim {
		creator, editor, err := r.owners(o)
		if err != nil {
			return nil, err
		}
		d.PrimaryOwners, d.SecondaryOwners = creator, editor
	}
	return d, nil
}

// owners looks up the page's creator and last editor.
func (r *run) owners(o *apiObject) (creator, editor []tributary.Person, err error) {
	var cid, eid string
	if o.CreatedBy != nil {
		cid = o.CreatedBy.ID
	}
	if o.LastEditedBy != nil {
		eid = o.LastEditedBy.ID
	}
	if p, err := r.person(cid); err != nil {
		return nil, nil, err
	} else if p != nil {
		creator = []tributary.Person{*p}
	}
	if eid != cid {
		if p, err := r.person(eid); err != nil {
			return nil, nil, err
		} else if p != nil {
			editor = []tributary.Person{*p}
		}
	}
	return creator, editor, nil
}

// person returns the user with the id as a person, nil when unknown: the
// integration may lack the capability to read users (then no user is
// asked for again in the run), or the user may have left the workspace.
func (r *run) person(id string) (*tributary.Person, error) {
	if id == "" || r.noUsers || !objectID.MatchString(id) {
		return nil, nil
	}
	if p, ok := r.people.get(key(id)); ok {
		return p, nil
	}
	var u apiUser
	err := r.c.client.get(r.ctx, "/users/"+pathID(id), nil, &u)
	switch {
	case err != nil && errors.Is(err, tributary.ErrInsufficientPermissions):
		r.c.env.Log().Info("notion: the integration may not read users; documents carry no owners")
		r.noUsers = true
		return nil, nil
	case err != nil && gone(err):
		r.people.put(key(id), nil)
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("notion: read user: %w", err)
	}
	p := &tributary.Person{DisplayName: u.Name}
	if u.Person != nil {
		p.Email = strings.ToLower(u.Person.Email)
	}
	if p.DisplayName == "" && p.Email == "" {
		p = nil
	}
	r.people.put(key(id), p)
	return p, nil
}
