package hubspot

import (
	"encoding/json"
	"strconv"
	"time"
)

// apiObject is a CRM record or engagement as the API writes it.
type apiObject struct {
	ID         string             `json:"id"`
	Properties map[string]*string `json:"properties"`
	CreatedAt  time.Time          `json:"createdAt"`
	UpdatedAt  time.Time          `json:"updatedAt"`
	Archived   bool               `json:"archived"`
	ArchivedAt *time.Time         `json:"archivedAt"`
}

// prop returns a property's value, "" when unset.
func (o *apiObject) prop(name string) string {
	if v := o.Properties[name]; v != nil {
		return *v
	}
	return ""
}

// id returns the record's numeric id, or 0 when it has none.
func (o *apiObject) id() int64 {
	n, err := strconv.ParseInt(o.ID, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// modified is the record's last modification time, from the property
// the search filters on (to the millisecond), else updatedAt.
func (o *apiObject) modified(typ string) time.Time {
	if t, ok := parseTime(o.prop(modifiedProperty(typ))); ok {
		return t
	}
	return o.UpdatedAt.UTC()
}

// parseTime reads a HubSpot time property: ISO 8601, or milliseconds
// since the epoch.
func parseTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), true
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
		return time.UnixMilli(ms).UTC(), true
	}
	return time.Time{}, false
}

// modifiedProperty is the property holding a type's modification time.
func modifiedProperty(typ string) string {
	if typ == TypeContacts {
		return "lastmodifieddate"
	}
	return "hs_lastmodifieddate"
}

// searchAnswer is a page of a search.
type searchAnswer struct {
	Total   int               `json:"total"`
	Results []json.RawMessage `json:"results"`
	Paging  *paging           `json:"paging"`
}

type paging struct {
	Next *struct {
		After string `json:"after"`
		Link  string `json:"link"`
	} `json:"next"`
}

// after is the cursor of the next page, "" after the last.
func (p *paging) after() string {
	if p == nil || p.Next == nil {
		return ""
	}
	return p.Next.After
}

// listAnswer is a page of a list, of owners or of archived records.
type listAnswer struct {
	Results []json.RawMessage `json:"results"`
	Paging  *paging           `json:"paging"`
}

// apiOwner is a user who may own records.
type apiOwner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Archived  bool   `json:"archived"`
	Teams     []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"teams"`
}

// batchAnswer is the answer of a batch read (200, or 207 with errors for
// some inputs).
type batchAnswer struct {
	Results []json.RawMessage `json:"results"`
}

// assocAnswer is the answer of a batch association read.
type assocAnswer struct {
	Results []struct {
		From struct {
			ID string `json:"id"`
		} `json:"from"`
		To []struct {
			ToObjectID json.Number `json:"toObjectId"`
		} `json:"to"`
	} `json:"results"`
	Errors []struct {
		Category string              `json:"category"`
		Message  string              `json:"message"`
		Context  map[string][]string `json:"context"`
	} `json:"errors"`
}

// The properties read per type, besides the system ones and the
// settings' extra properties.
var readProperties = map[string][]string{
	TypeCompanies: {"name", "domain", "website", "industry", "description", "city", "country", "phone", "lifecyclestage",
		"numberofemployees", "hubspot_owner_id"},
	TypeContacts: {"firstname", "lastname", "email", "jobtitle", "company", "phone", "lifecyclestage", "hubspot_owner_id"},
	TypeDeals:    {"dealname", "amount", "dealstage", "pipeline", "dealtype", "closedate", "description", "hubspot_owner_id"},
	TypeTickets: {"subject", "content", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hs_ticket_category",
		"hubspot_owner_id"},
}

// labels name properties in a record's text.
var labels = map[string]string{
	"name": "Name", "domain": "Domain", "website": "Website", "industry": "Industry", "description": "Description",
	"city": "City", "country": "Country", "phone": "Phone", "lifecyclestage": "Lifecycle stage",
	"numberofemployees": "Employees", "firstname": "First name", "lastname": "Last name", "email": "E-mail",
	"jobtitle": "Job title", "company": "Company", "dealname": "Deal", "amount": "Amount", "dealstage": "Deal stage",
	"pipeline": "Pipeline", "dealtype": "Deal type", "closedate": "Close date", "subject": "Subject", "content": "Content",
	"hs_pipeline": "Pipeline", "hs_pipeline_stage": "Stage", "hs_ticket_priority": "Priority", "hs_ticket_category": "Category",
}

// The properties kept as metadata.
var metaProperties = []string{"lifecyclestage", "industry", "dealstage", "pipeline", "dealtype", "hs_pipeline",
	"hs_pipeline_stage", "hs_ticket_priority", "hs_ticket_category"}

// Engagement properties.
var (
	noteProperties  = []string{"hs_note_body", "hs_timestamp", "hubspot_owner_id"}
	emailProperties = []string{"hs_email_subject", "hs_email_text", "hs_email_direction", "hs_timestamp", "hubspot_owner_id"}
)
