package hubspot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// maxEngagements bounds the notes and the e-mails read per record: the
// most recent ids (HubSpot's ids grow with time) are kept.
const maxEngagements = 50

// Metadata keys the connector sets.
const (
	MetaObjectType = "object_type"
	MetaNotes      = "notes"
	MetaEmails     = "emails"
)

// document maps a record to its document: a first section of its
// properties, then a section per note and per logged e-mail, newest
// first.
func (c *Connector) document(a *account, typ string, o *apiObject, eng *engagements, own *owners, slim bool) *tributary.Document {
	id := c.recordID(a, typ, o.ID)
	d := &tributary.Document{ID: id, Source: Source, ParentID: c.typeNodeID(a, typ), ExternalAccess: c.access(a),
		UpdatedAt: o.modified(typ)}
	if slim {
		return d
	}
	d.Title = title(typ, o)
	d.SemanticID = d.Title
	if t, ok := parseTime(o.prop("createdate")); ok {
		d.CreatedAt = t
	} else {
		d.CreatedAt = o.CreatedAt.UTC()
	}
	d.Metadata = tributary.Metadata{}
	d.Metadata.Add(MetaObjectType, typ)
	for _, p := range metaProperties {
		d.Metadata.Add(p, o.prop(p))
	}
	for _, p := range c.settings.Properties[typ] {
		d.Metadata.Add(p, o.prop(p))
	}
	if p, ok := own.person(o.prop("hubspot_owner_id")); ok {
		d.PrimaryOwners = []tributary.Person{p}
	}
	var lines []string
	for _, p := range c.properties(typ) {
		if v := strings.TrimSpace(o.prop(p)); v != "" && labels[p] != "" {
			lines = append(lines, labels[p]+": "+v)
		} else if v != "" && slices.Contains(c.settings.Properties[typ], p) {
			lines = append(lines, p+": "+v)
		}
	}
	d.Sections = []tributary.Section{tributary.TextSection(id, strings.Join(lines, "\n"))}
	if eng != nil {
		notes, emails := eng.of(o.ID)
		d.Metadata.Add(MetaNotes, strconv.Itoa(len(notes)))
		d.Metadata.Add(MetaEmails, strconv.Itoa(len(emails)))
		for _, n := range notes {
			d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: id,
				Heading: "Note" + dated(n), Text: htmlText(n.prop("hs_note_body"))})
			d.SecondaryOwners = own.add(d.SecondaryOwners, n.prop("hubspot_owner_id"))
		}
		for _, e := range emails {
			d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: id,
				Heading: cmp.Or(e.prop("hs_email_subject"), "E-mail") + dated(e), Text: strings.TrimSpace(e.prop("hs_email_text"))})
			d.SecondaryOwners = own.add(d.SecondaryOwners, e.prop("hubspot_owner_id"))
		}
	}
	return d
}

// title is a record's name, by type, or its type and id.
func title(typ string, o *apiObject) string {
	var t string
	switch typ {
	case TypeCompanies:
		t = o.prop("name")
	case TypeContacts:
		t = strings.TrimSpace(o.prop("firstname") + " " + o.prop("lastname"))
		t = cmp.Or(t, o.prop("email"))
	case TypeDeals:
		t = o.prop("dealname")
	case TypeTickets:
		t = o.prop("subject")
	}
	return cmp.Or(strings.TrimSpace(t), strings.TrimSuffix(typeName(typ), "s")+" "+o.ID)
}

func dated(o *apiObject) string {
	if t, ok := parseTime(o.prop("hs_timestamp")); ok {
		return " (" + t.Format("2006-01-02") + ")"
	}
	return ""
}

// htmlText is the text of a note's HTML body.
func htmlText(body string) string {
	if !strings.Contains(body, "<") {
		return strings.TrimSpace(body)
	}
	h, err := extract.HTML([]byte("<html><body>"+body+"</body></html>"), "text/html; charset=utf-8", extract.HTMLOptions{MaxText: 1 << 20})
	if err != nil || len(h.Sections) == 0 {
		return strings.TrimSpace(body)
	}
	var parts []string
	for _, s := range h.Sections {
		parts = append(parts, s.Text)
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// engagements are the notes and e-mails of a page's records.
type engagements struct {
	notes, emails map[string][]*apiObject // by record id, newest first
	// failed are the records whose associations HubSpot could not read
	// (an error for that input of a batch).
	failed map[string]error
}

func (e *engagements) of(id string) (notes, emails []*apiObject) { return e.notes[id], e.emails[id] }

// failure is why a record's notes or e-mails could not be read, or nil.
func (e *engagements) failure(id string) error {
	if e == nil {
		return nil
	}
	return e.failed[id]
}

// engagementsOf reads the notes and e-mails the settings ask for of a
// page of records: their associations in one batch per kind, then the
// engagements in batches of 100.
func (c *Connector) engagementsOf(ctx context.Context, typ string, recs []*apiObject) (*engagements, error) {
	e := &engagements{notes: map[string][]*apiObject{}, emails: map[string][]*apiObject{}, failed: map[string]error{}}
	if c.settings.IncludeNotes {
		if err := c.engagementKind(ctx, typ, "notes", noteProperties, recs, e.notes, e.failed); err != nil {
			return nil, err
		}
	}
	if c.settings.IncludeEmails {
		if err := c.engagementKind(ctx, typ, "emails", emailProperties, recs, e.emails, e.failed); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (c *Connector) engagementKind(ctx context.Context, typ, kind string, props []string, recs []*apiObject, out map[string][]*apiObject, failed map[string]error) error {
	inputs := make([]map[string]string, len(recs))
	for i, o := range recs {
		inputs[i] = map[string]string{"id": o.ID}
	}
	var as assocAnswer
	if err := c.client.post(ctx, "/crm/v4/associations/"+typ+"/"+kind+"/batch/read", map[string]any{"inputs": inputs}, &as, false); err != nil {
		return fmt.Errorf("hubspot: %s of %s: %w", kind, typ, err)
	}
	for _, e := range as.Errors {
		if e.Category == "NO_ASSOCIATIONS_FOUND" {
			continue
		}
		for _, id := range e.Context["fromObjectId"] {
			failed[id] = tributary.NewError("hubspot: "+kind+" of "+typ, tributary.ErrTransient,
				fmt.Errorf("%s: %s", e.Category, e.Message))
		}
	}
	byRecord := map[string][]int64{}
	var all []int64
	for _, res := range as.Results {
		var ids []int64
		for _, to := range res.To {
			if n, err := strconv.ParseInt(to.ToObjectID.String(), 10, 64); err == nil && n > 0 {
				ids = append(ids, n)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) > maxEngagements {
			ids = ids[len(ids)-maxEngagements:]
		}
		byRecord[res.From.ID] = ids
		all = append(all, ids...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	got := map[int64]*apiObject{}
	for chunk := range slices.Chunk(all, 100) {
		in := make([]map[string]string, len(chunk))
		for i, id := range chunk {
			in[i] = map[string]string{"id": strconv.FormatInt(id, 10)}
		}
		var b batchAnswer
		if err := c.client.post(ctx, "/crm/v3/objects/"+kind+"/batch/read", map[string]any{"properties": props, "inputs": in}, &b, false); err != nil {
			return fmt.Errorf("hubspot: read %s: %w", kind, err)
		}
		for _, raw := range b.Results {
			var o apiObject
			if json.Unmarshal(raw, &o) == nil && o.id() > 0 {
				got[o.id()] = &o
			}
		}
	}
	for rec, ids := range byRecord {
		for i := len(ids) - 1; i >= 0; i-- { // newest first; one deleted meanwhile is left out
			if o := got[ids[i]]; o != nil {
				out[rec] = append(out[rec], o)
			}
		}
	}
	return nil
}
