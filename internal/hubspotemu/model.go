// Package hubspotemu emulates the parts of the HubSpot API that the
// HubSpot connector reads: account details, CRM objects (companies,
// contacts, deals, tickets) listed, read and searched, the notes and
// e-mails associated with them (associations v4 and batch reads), and
// owners with their teams. It follows HubSpot's documented shapes
// (results with paging.next.after, search filter groups and sorts, the
// 10,000-result cap of a search, error bodies with a category),
// private app tokens with scopes, and the rate limits: a rolling budget
// per ten seconds, a few searches per second and a daily budget, each
// refused with 429 and its policyName.
package hubspotemu

import (
	"slices"
	"strconv"
	"time"
)

// The CRM object types the emulator serves, and their HubSpot type ids.
var ObjectTypes = map[string]string{"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"}

// Engagement types: the notes and e-mails associated with records.
const (
	Notes  = "notes"
	Emails = "emails"
)

// Object is a CRM record or an engagement. Properties hold HubSpot's
// string values; the emulator keeps createdate, hs_lastmodifieddate
// (and lastmodifieddate for contacts) and hs_object_id current from the
// times and id.
type Object struct {
	Type       string
	ID         int64
	Properties map[string]string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt time.Time // zero unless archived
	// Associations are the ids of associated engagements, by type.
	Associations map[string][]int64
	// Broken makes a batch read of its associations report an error for
	// it (a 207 answer), as HubSpot does when one input of a batch fails.
	Broken bool
}

// Archived reports whether the record was archived (deleted).
func (o *Object) Archived() bool { return !o.ArchivedAt.IsZero() }

// Team is an owner's team.
type Team struct {
	ID      int64
	Name    string
	Primary bool
}

// Owner is a HubSpot user who may own records.
type Owner struct {
	ID        int64
	UserID    int64
	Email     string
	FirstName string
	LastName  string
	Teams     []Team
	Archived  bool
}

// Data is the account the emulator serves.
type Data struct {
	PortalID int64
	UIDomain string // app.hubspot.com, or app-eu1.hubspot.com
	TimeZone string
	Owners   []*Owner
	// Objects holds records and engagements by type, each in id order.
	Objects map[string][]*Object
	nextID  int64
}

// NewData returns an empty account.
func NewData(portal int64) *Data {
	return &Data{PortalID: portal, UIDomain: "app.hubspot.com", TimeZone: "US/Eastern", Objects: map[string][]*Object{}, nextID: 1000}
}

// Add stores a new object of the type with the properties, created and
// updated at, and returns it.
func (d *Data) Add(typ string, at time.Time, props map[string]string) *Object {
	d.nextID++
	o := &Object{Type: typ, ID: d.nextID, Properties: map[string]string{}, CreatedAt: at, UpdatedAt: at, Associations: map[string][]int64{}}
	for k, v := range props {
		o.Properties[k] = v
	}
	d.Objects[typ] = append(d.Objects[typ], o)
	return o
}

// Associate links an engagement to a record.
func (d *Data) Associate(record, engagement *Object) {
	record.Associations[engagement.Type] = append(record.Associations[engagement.Type], engagement.ID)
}

// Touch changes a record's property and moves its update time to at.
func (d *Data) Touch(o *Object, at time.Time, props map[string]string) {
	for k, v := range props {
		o.Properties[k] = v
	}
	o.UpdatedAt = at
}

// Archive deletes a record at at, as HubSpot's archive does.
func (d *Data) Archive(o *Object, at time.Time) { o.ArchivedAt = at }

// Get returns the object of the type with the id, or nil.
func (d *Data) Get(typ string, id int64) *Object {
	objs := d.Objects[typ]
	i, ok := slices.BinarySearchFunc(objs, id, func(o *Object, id int64) int { return int(o.ID - id) })
	if !ok {
		return nil
	}
	return objs[i]
}

// Owner returns the owner with the id, or nil.
func (d *Data) Owner(id int64) *Owner {
	for _, o := range d.Owners {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// ModifiedProperty is the property that holds a type's last
// modification time: lastmodifieddate for contacts, hs_lastmodifieddate
// for the others.
func ModifiedProperty(typ string) string {
	if typ == "contacts" {
		return "lastmodifieddate"
	}
	return "hs_lastmodifieddate"
}

// props returns an object's properties as HubSpot writes them, with the
// system properties current.
func (o *Object) props() map[string]string {
	p := make(map[string]string, len(o.Properties)+4)
	for k, v := range o.Properties {
		p[k] = v
	}
	p["hs_object_id"] = strconv.FormatInt(o.ID, 10)
	p["createdate"] = stamp(o.CreatedAt)
	p["hs_lastmodifieddate"] = stamp(o.UpdatedAt)
	if o.Type == "contacts" {
		p["lastmodifieddate"] = stamp(o.UpdatedAt)
	}
	return p
}

// stamp writes a time as HubSpot does: UTC, milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
