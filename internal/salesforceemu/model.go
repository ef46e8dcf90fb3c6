package salesforceemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Field is a field of an object, as describe lists it.
type Field struct {
	Name  string
	Label string
	// Type is Salesforce's field type: id, string, textarea, datetime,
	// boolean, reference, picklist, currency, date, email, phone, url.
	Type string
	// NameField marks the object's name field (Name, CaseNumber).
	NameField bool
	// HTML marks a rich text area (htmlFormatted in describe).
	HTML bool
	// ReferenceTo and RelationshipName describe a reference (OwnerId
	// refers to User and Group through Owner).
	ReferenceTo      []string
	RelationshipName string
}

// Object is an sObject type with its records.
type Object struct {
	Name, Label, KeyPrefix string
	Fields                 []Field
	Records                []*Record
}

// Record is one record. Fields hold every value by the field's name:
// time.Time for datetimes, bool, float64, string, or nil. Id,
// SystemModstamp, CreatedDate and IsDeleted are always set.
type Record struct {
	Fields map[string]any
	// Broken makes queries answer the record with a SystemModstamp that
	// is not a datetime.
	Broken bool
}

// ID is the record's 18-character id.
func (r *Record) ID() string { s, _ := r.Fields["Id"].(string); return s }

// Modstamp is the record's SystemModstamp.
func (r *Record) Modstamp() time.Time { t, _ := r.Fields["SystemModstamp"].(time.Time); return t }

// Deleted reports whether the record is in the recycle bin.
func (r *Record) Deleted() bool { b, _ := r.Fields["IsDeleted"].(bool); return b }

// Data is an org: its objects (Account, User, Group, Organization ...),
// keyed by API name.
type Data struct {
	OrgID string
	// InstanceURL is what the token endpoint answers as instance_url;
	// empty means the address the request came to.
	InstanceURL string
	Objects     map[string]*Object
	// Users' usernames and whether their API access is on, by user id.
	Usernames map[string]string
	NoAPI     map[string]bool
	// Hidden are objects a user may not read, by user id.
	Hidden map[string][]string
}

// Object returns the object with the name, or nil.
func (d *Data) Object(name string) *Object {
	for n, o := range d.Objects {
		if strings.EqualFold(n, name) {
			return o
		}
	}
	return nil
}

// Find returns the record with the id, of any object, or nil.
func (d *Data) Find(id string) (*Object, *Record) {
	for _, o := range d.Objects {
		if !strings.HasPrefix(id, o.KeyPrefix) {
			continue
		}
		for _, r := range o.Records {
			if r.ID() == id {
				return o, r
			}
		}
	}
	return nil, nil
}

// ID18 returns the 18-character form of a 15-character id: three
// characters that encode which of its letters are upper case.
func ID18(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	if len(id15) != 15 {
		return id15
	}
	suffix := make([]byte, 3)
	for chunk := range 3 {
		n := 0
		for i := range 5 {
			if c := id15[chunk*5+i]; c >= 'A' && c <= 'Z' {
				n |= 1 << i
			}
		}
		suffix[chunk] = alphabet[n]
	}
	return id15 + string(suffix)
}

// MakeID returns the 18-character id of the n-th record with a key
// prefix.
func MakeID(prefix string, n int) string {
	return ID18(fmt.Sprintf("%s5g%010d", prefix, n))
}

// The objects of a generated org.
const (
	Account      = "Account"
	Contact      = "Contact"
	Opportunity  = "Opportunity"
	Case         = "Case"
	Knowledge    = "KnowledgeArticleVersion"
	User         = "User"
	Group        = "Group"
	GroupMember  = "GroupMember"
	Organization = "Organization"
)

// GenerateOptions size a generated org.
type GenerateOptions struct {
	Accounts, Contacts, Opportunities, Cases, Articles int
	// Users are the org's users (5 when zero); the first is the
	// integration user.
	Users int
	// Deleted records of each object are in the recycle bin.
	Deleted int
	// Tied makes every Tied-th record share the SystemModstamp of the one
	// before it.
	Tied int
	Seed uint64
	// Start is the first SystemModstamp; 2024-03-01 when zero.
	Start time.Time
}

// Integration is the username of a generated org's first user.
const Integration = "integration@acme.example"

var common = []Field{
	{Name: "Id", Label: "Record ID", Type: "id"},
	{Name: "IsDeleted", Label: "Deleted", Type: "boolean"},
	{Name: "CreatedDate", Label: "Created Date", Type: "datetime"},
	{Name: "SystemModstamp", Label: "System Modstamp", Type: "datetime"},
	{Name: "LastModifiedDate", Label: "Last Modified Date", Type: "datetime"},
}

var owner = Field{Name: "OwnerId", Label: "Owner ID", Type: "reference", ReferenceTo: []string{"User", "Group"}, RelationshipName: "Owner"}

func fields(extra ...Field) []Field {
	out := append([]Field{}, common...)
	return append(out, extra...)
}

func text(name, label string) Field { return Field{Name: name, Label: label, Type: "string"} }

// Generate makes an org: users, a public group and a role, and records of
// the standard objects with owners, created a few minutes apart.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5f))
	if o.Users == 0 {
		o.Users = 5
	}
	start := o.Start
	if start.IsZero() {
		start = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	d := &Data{OrgID: ID18("00D5g0000012345"), InstanceURL: "https://acme.my.salesforce.com", Objects: map[string]*Object{},
		Usernames: map[string]string{}, NoAPI: map[string]bool{}, Hidden: map[string][]string{}}
	add := func(name, label, prefix string, fs ...Field) *Object {
		ob := &Object{Name: name, Label: label, KeyPrefix: prefix, Fields: fs}
		d.Objects[name] = ob
		return ob
	}
	users := add(User, "User", "005", fields(text("Username", "Username"), text("Name", "Full Name"), Field{Name: "Email", Label: "Email", Type: "email"},
		Field{Name: "IsActive", Label: "Active", Type: "boolean"}, text("UserType", "User Type"),
		Field{Name: "UserRoleId", Label: "Role ID", Type: "reference", ReferenceTo: []string{"UserRole"}})...)
	users.Fields[6].NameField = true
	groups := add(Group, "Group", "00G", fields(Field{Name: "Name", Label: "Name", Type: "string", NameField: true}, text("DeveloperName", "Developer Name"),
		Field{Name: "Type", Label: "Type", Type: "picklist"}, Field{Name: "RelatedId", Label: "Related ID", Type: "reference"})...)
	members := add(GroupMember, "Group Member", "011", fields(Field{Name: "GroupId", Label: "Group ID", Type: "reference"},
		Field{Name: "UserOrGroupId", Label: "User/Group ID", Type: "reference"})...)
	org := add(Organization, "Organization", "00D", fields(Field{Name: "Name", Label: "Name", Type: "string", NameField: true},
		Field{Name: "DefaultAccountAccess", Type: "picklist"}, Field{Name: "DefaultContactAccess", Type: "picklist"},
		Field{Name: "DefaultOpportunityAccess", Type: "picklist"}, Field{Name: "DefaultCaseAccess", Type: "picklist"})...)
	at := start.Add(-time.Hour)
	rec := func(ob *Object, n int, vals map[string]any) *Record {
		r := &Record{Fields: map[string]any{"Id": MakeID(ob.KeyPrefix, n), "IsDeleted": false, "CreatedDate": at, "SystemModstamp": at, "LastModifiedDate": at}}
		for k, v := range vals {
			r.Fields[k] = v
		}
		ob.Records = append(ob.Records, r)
		return r
	}
	rec(org, 12345, map[string]any{"Name": "Acme", "DefaultAccountAccess": "Read", "DefaultContactAccess": "ControlledByParent",
		"DefaultOpportunityAccess": "None", "DefaultCaseAccess": "None"})
	roleID := ID18("00E5g0000000001")
	var userIDs []string
	for i := range o.Users {
		name := fmt.Sprintf("user%d@acme.example", i)
		if i == 0 {
			name = Integration
		}
		u := rec(users, i+1, map[string]any{"Username": name, "Name": fmt.Sprintf("User %d", i), "Email": strings.ToUpper(name[:1]) + name[1:],
			"IsActive": i != o.Users-1 || o.Users < 3, "UserType": "Standard", "UserRoleId": nil})
		if i%2 == 1 {
			u.Fields["UserRoleId"] = roleID
		}
		d.Usernames[u.ID()] = name
		userIDs = append(userIDs, u.ID())
	}
	sales := rec(groups, 1, map[string]any{"Name": "Sales", "DeveloperName": "Sales", "Type": "Regular", "RelatedId": nil})
	rec(groups, 2, map[string]any{"Name": "Support Manager", "DeveloperName": "SupportManager", "Type": "Role", "RelatedId": roleID})
	queue := rec(groups, 3, map[string]any{"Name": "Support Queue", "DeveloperName": "SupportQueue", "Type": "Queue", "RelatedId": nil})
	for i, u := range userIDs {
		if i%2 == 0 {
			rec(members, i+1, map[string]any{"GroupId": sales.ID(), "UserOrGroupId": u})
		}
	}
	rec(members, 100, map[string]any{"GroupId": queue.ID(), "UserOrGroupId": userIDs[len(userIDs)-1]})
	// The public group is nested in the queue.
	rec(members, 101, map[string]any{"GroupId": queue.ID(), "UserOrGroupId": sales.ID()})

	kinds := []struct {
		name, label, prefix string
		n                   int
		fs                  []Field
		vals                func(i int) map[string]any
	}{
		{Account, "Account", "001", o.Accounts, fields(Field{Name: "Name", Label: "Account Name", Type: "string", NameField: true}, owner,
			Field{Name: "Description", Label: "Account Description", Type: "textarea"}, Field{Name: "Industry", Label: "Industry", Type: "picklist"},
			Field{Name: "Type", Label: "Account Type", Type: "picklist"}, Field{Name: "Website", Label: "Website", Type: "url"}, text("BillingCity", "Billing City")),
			func(i int) map[string]any {
				return map[string]any{"Name": fmt.Sprintf("Account %05d", i), "Description": pick(rng, "Key customer in the north.", "Prospect.", ""),
					"Industry": pick(rng, "Energy", "Banking", "Retail"), "Type": "Customer", "Website": fmt.Sprintf("https://a%d.example", i), "BillingCity": "Lyon"}
			}},
		{Contact, "Contact", "003", o.Contacts, fields(Field{Name: "Name", Label: "Full Name", Type: "string", NameField: true}, owner,
			Field{Name: "Email", Label: "Email", Type: "email"}, text("Title", "Title"), text("Phone", "Business Phone"),
			Field{Name: "Description", Label: "Contact Description", Type: "textarea"}, Field{Name: "AccountId", Label: "Account ID", Type: "reference", ReferenceTo: []string{Account}, RelationshipName: "Account"}),
			func(i int) map[string]any {
				return map[string]any{"Name": fmt.Sprintf("Contact %05d", i), "Email": fmt.Sprintf("c%d@customer.example", i), "Title": "Buyer",
					"Phone": "+33 1 00 00 00", "Description": nil, "AccountId": nil}
			}},
		{Opportunity, "Opportunity", "006", o.Opportunities, fields(Field{Name: "Name", Label: "Name", Type: "string", NameField: true}, owner,
			Field{Name: "StageName", Label: "Stage", Type: "picklist"}, Field{Name: "Amount", Label: "Amount", Type: "currency"},
			Field{Name: "CloseDate", Label: "Close Date", Type: "date"}, Field{Name: "Description", Label: "Description", Type: "textarea"}),
			func(i int) map[string]any {
				return map[string]any{"Name": fmt.Sprintf("Opportunity %05d", i), "StageName": pick(rng, "Prospecting", "Closed Won"),
					"Amount": float64(1000 * (i + 1)), "CloseDate": "2024-06-30", "Description": "Renewal of the yearly plan."}
			}},
		{Case, "Case", "500", o.Cases, fields(Field{Name: "CaseNumber", Label: "Case Number", Type: "string", NameField: true}, owner,
			text("Subject", "Subject"), Field{Name: "Description", Label: "Description", Type: "textarea"}, Field{Name: "Status", Label: "Status", Type: "picklist"},
			Field{Name: "Priority", Label: "Priority", Type: "picklist"}),
			func(i int) map[string]any {
				return map[string]any{"CaseNumber": fmt.Sprintf("%08d", i+1), "Subject": fmt.Sprintf("Printer %d jams", i),
					"Description": "It jams on every second page.", "Status": pick(rng, "New", "Closed"), "Priority": "Medium"}
			}},
		{Knowledge, "Knowledge Article Version", "ka0", o.Articles, fields(text("Title", "Title"), owner, Field{Name: "Summary", Label: "Summary", Type: "textarea"},
			text("UrlName", "URL Name"), Field{Name: "ArticleNumber", Label: "Article Number", Type: "string", NameField: true},
			Field{Name: "PublishStatus", Label: "Publication Status", Type: "picklist"}, Field{Name: "Language", Label: "Language", Type: "picklist"},
			Field{Name: "Body__c", Label: "Body", Type: "textarea", HTML: true}),
			func(i int) map[string]any {
				status := "Online"
				if i%4 == 3 {
					status = "Draft"
				}
				return map[string]any{"Title": fmt.Sprintf("How to reset device %d", i), "Summary": "Steps to reset.", "UrlName": fmt.Sprintf("reset-%d", i),
					"ArticleNumber": fmt.Sprintf("%09d", 1000+i), "PublishStatus": status, "Language": "en_US",
					"Body__c": fmt.Sprintf("<p>Hold <b>power</b> for %d seconds.</p><ul><li>Release</li></ul>", 5+i%10)}
			}},
	}
	n := 0
	for _, k := range kinds {
		ob := add(k.name, k.label, k.prefix, k.fs...)
		if k.n == 0 && k.name == Knowledge {
			continue
		}
		for i := range k.n + o.Deleted*min(k.n, 1) {
			if o.Tied <= 0 || n%o.Tied != 0 || n == 0 {
				at = start.Add(time.Duration(n)*7*time.Minute + time.Duration(rng.IntN(1000))*time.Millisecond)
			}
			n++
			vals := k.vals(i)
			vals["OwnerId"] = userIDs[i%len(userIDs)]
			if k.name == Case && i%3 == 2 {
				vals["OwnerId"] = queue.ID()
			}
			vals["CreatedDate"] = at.Add(-24 * time.Hour)
			r := rec(ob, i+1, vals)
			if i >= k.n {
				r.Fields["IsDeleted"] = true
			}
		}
	}
	return d
}

func pick(rng *rand.Rand, vs ...string) string { return vs[rng.IntN(len(vs))] }
