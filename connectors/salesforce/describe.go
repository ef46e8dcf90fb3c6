package salesforce

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// describeAnswer is the part of GET /sobjects/{Object}/describe read.
type describeAnswer struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	KeyPrefix string `json:"keyPrefix"`
	Queryable bool   `json:"queryable"`
	Fields    []struct {
		Name             string   `json:"name"`
		Label            string   `json:"label"`
		Type             string   `json:"type"`
		NameField        bool     `json:"nameField"`
		HTMLFormatted    bool     `json:"htmlFormatted"`
		RelationshipName *string  `json:"relationshipName"`
		ReferenceTo      []string `json:"referenceTo"`
	} `json:"fields"`
}

// field is a field the connector reads.
type field struct {
	name, label, typ string
	html             bool
}

// objectInfo is what the connector reads of an object, chosen from its
// describe.
type objectInfo struct {
	name, label, prefix string
	title               string  // the field titling a record (Subject, Name ...)
	number              string  // CaseNumber, ArticleNumber: prefixed to a title
	text                []field // fields of the record's first section
	html                []field // rich text fields, a section each
	meta                []string
	owner               bool // OwnerId refers to users and groups through Owner
	fields              []string
}

// defaultFields are the fields read per standard object when the describe
// has them; other objects read their name field, Subject and Description.
var defaultFields = map[string][]string{
	ObjectAccount:     {"Name", "Type", "Industry", "Website", "Phone", "BillingCity", "BillingCountry", "Description"},
	ObjectContact:     {"Name", "Title", "Email", "Phone", "Department", "Description"},
	ObjectOpportunity: {"Name", "StageName", "Amount", "CloseDate", "Type", "NextStep", "Description"},
	ObjectCase:        {"CaseNumber", "Subject", "Status", "Priority", "Origin", "Type", "Description"},
	ObjectKnowledge:   {"Title", "ArticleNumber", "Summary", "UrlName"},
}

// metaTypes are the field types kept as metadata too.
var metaTypes = []string{"picklist", "boolean"}

// describe reads an object's describe once per connector and chooses its
// fields. An object the user cannot read (or the org lacks) fails with
// ErrInsufficientPermissions naming it; a field the settings name that the
// object lacks fails with ErrInvalidConfig naming settings.fields.
func (c *Connector) describe(ctx context.Context, name string) (*objectInfo, error) {
	c.mu.Lock()
	info := c.objects[name]
	c.mu.Unlock()
	if info != nil {
		return info, nil
	}
	var d describeAnswer
	if err := c.client.get(ctx, "/sobjects/"+url.PathEscape(name)+"/describe", &d); err != nil {
		if statusOf(err) == 404 {
			err = tributary.NewError("salesforce: describe "+name, tributary.ErrInsufficientPermissions,
				fmt.Errorf("the object %s is not readable by the user (or not in the org): %w", name, err))
		}
		return nil, fmt.Errorf("salesforce: describe %s: %w", name, err)
	}
	if len(d.Fields) == 0 || !strings.EqualFold(d.Name, name) {
		return nil, malformed("describe "+name, "an answer without fields or for another object")
	}
	info = &objectInfo{name: d.Name, label: d.Label, prefix: d.KeyPrefix}
	byName := map[string]field{}
	nameField := ""
	for _, f := range d.Fields {
		byName[strings.ToLower(f.Name)] = field{name: f.Name, label: f.Label, typ: f.Type, html: f.HTMLFormatted}
		if f.NameField {
			nameField = f.Name
		}
		if f.Name == "OwnerId" && f.RelationshipName != nil && *f.RelationshipName == "Owner" {
			info.owner = true
		}
	}
	for _, need := range []string{"Id", "SystemModstamp"} {
		if _, ok := byName[strings.ToLower(need)]; !ok {
			return nil, tributary.NewError("salesforce: describe "+name, tributary.ErrNotSupported,
				fmt.Errorf("the object %s has no %s field to read it by", name, need))
		}
	}
	wanted := defaultFields[name]
	if wanted == nil {
		wanted = []string{nameField, "Subject", "Description"}
	}
	var missing []string
	for _, f := range c.settings.Fields[name] {
		if _, ok := byName[strings.ToLower(f)]; !ok {
			missing = append(missing, f)
		}
		wanted = append(wanted, f)
	}
	if len(missing) > 0 {
		return nil, tributary.NewError("salesforce: describe "+name, tributary.ErrInvalidConfig,
			tributary.InvalidField("settings.fields", "%s has no field %s", name, strings.Join(missing, ", ")))
	}
	if name == ObjectKnowledge {
		for _, f := range c.settings.KnowledgeBodyFields {
			bf, ok := byName[strings.ToLower(f)]
			if !ok {
				return nil, tributary.NewError("salesforce: describe "+name, tributary.ErrInvalidConfig,
					tributary.InvalidField("settings.knowledge_body_fields", "%s has no field %s", name, f))
			}
			bf.html = true
			byName[strings.ToLower(f)] = bf
			wanted = append(wanted, bf.name)
		}
		if len(c.settings.KnowledgeBodyFields) == 0 {
			for _, f := range d.Fields {
				if f.HTMLFormatted {
					wanted = append(wanted, f.Name)
				}
			}
		}
	}
	for _, w := range wanted {
		f, ok := byName[strings.ToLower(w)]
		if !ok || slices.Contains(info.fields, f.name) {
			continue
		}
		info.fields = append(info.fields, f.name)
		if f.html {
			info.html = append(info.html, f)
		} else {
			info.text = append(info.text, f)
		}
		if slices.Contains(metaTypes, f.typ) {
			info.meta = append(info.meta, f.name)
		}
	}
	switch {
	case byName["subject"].name != "":
		info.title = byName["subject"].name
	case byName["title"].name != "" && name == ObjectKnowledge:
		info.title = byName["title"].name
	default:
		info.title = nameField
	}
	if nameField != info.title && (nameField == "CaseNumber" || nameField == "ArticleNumber") {
		info.number = nameField
	}
	for _, f := range []string{info.title, info.number} {
		if f != "" && !slices.Contains(info.fields, f) {
			info.fields = append(info.fields, f)
		}
	}
	info.fields = append(info.fields, "Id", "SystemModstamp")
	if _, ok := byName["createddate"]; ok {
		info.fields = append(info.fields, "CreatedDate")
	}
	if info.owner {
		info.fields = append(info.fields, "OwnerId", "Owner.Name", "Owner.Email")
	}
	c.mu.Lock()
	c.objects[name] = info
	c.mu.Unlock()
	return info, nil
}
