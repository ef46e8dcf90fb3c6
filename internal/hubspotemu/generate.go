package hubspotemu

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// GenerateOptions say what Generate fills an account with.
type GenerateOptions struct {
	// Records per type.
	Companies, Contacts, Deals, Tickets int
	// Notes and Emails are how many of each a record has, at most; each
	// record gets between none and this many.
	Notes, Emails int
	// Owners are the account's users; zero means 4.
	Owners int
	// Archived is how many records of each type are archived.
	Archived int
	Seed     uint64
	// Start is the first creation time; zero means DefaultStart.
	Start time.Time
}

// DefaultStart is when generated records begin.
var DefaultStart = time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC)

// DefaultPortal is the portal id of generated accounts.
const DefaultPortal = 7700123

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus"}
	industries = []string{"COMPUTER_SOFTWARE", "FINANCIAL_SERVICES", "HOSPITAL_HEALTH_CARE", "RETAIL"}
	stages     = []string{"appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "closedwon", "closedlost"}
	topics     = []string{"renewal", "onboarding", "pricing", "integration", "security review", "expansion"}
)

// Generate returns an account filled as o says. Records are created a
// few minutes apart; a quarter share their millisecond with the record
// before, and some are edited later, so that update times tie and move.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x51f15e))
	d := NewData(DefaultPortal)
	if o.Owners == 0 {
		o.Owners = 4
	}
	teams := []Team{{ID: 41, Name: "Sales"}, {ID: 42, Name: "Support"}}
	for i := range o.Owners {
		t := teams[i%2]
		t.Primary = true
		d.Owners = append(d.Owners, &Owner{ID: int64(501 + i), UserID: int64(9001 + i),
			Email:     fmt.Sprintf("%s.%s@example.com", lower(firstNames[i%len(firstNames)]), lower(lastNames[i%len(lastNames)])),
			FirstName: firstNames[i%len(firstNames)], LastName: lastNames[i%len(lastNames)], Teams: []Team{t}})
	}
	at := o.Start
	if at.IsZero() {
		at = DefaultStart
	}
	next := func() time.Time {
		if rng.IntN(4) != 0 {
			at = at.Add(time.Duration(1+rng.IntN(600))*time.Second + time.Duration(rng.IntN(1000))*time.Millisecond)
		}
		return at
	}
	owner := func() string { return strconv.FormatInt(d.Owners[rng.IntN(len(d.Owners))].ID, 10) }
	engage := func(rec *Object) {
		for j := range rng.IntN(o.Notes + 1) {
			n := d.Add(Notes, next(), map[string]string{"hs_note_body": fmt.Sprintf("<p>Call %d about <b>%s</b>.</p><p>Next step: send the proposal.</p>",
				j+1, topics[rng.IntN(len(topics))]), "hubspot_owner_id": owner()})
			n.Properties["hs_timestamp"] = stamp(n.CreatedAt)
			d.Associate(rec, n)
		}
		for j := range rng.IntN(o.Emails + 1) {
			e := d.Add(Emails, next(), map[string]string{"hs_email_subject": fmt.Sprintf("Re: %s (%d)", topics[rng.IntN(len(topics))], j+1),
				"hs_email_text": "Thanks for the call. Attached is the summary we discussed.", "hs_email_direction": "EMAIL",
				"hubspot_owner_id": owner()})
			e.Properties["hs_timestamp"] = stamp(e.CreatedAt)
			d.Associate(rec, e)
		}
	}
	var records []*Object
	for i := range o.Companies {
		c := d.Add("companies", next(), map[string]string{"name": fmt.Sprintf("Company %05d", i), "domain": fmt.Sprintf("company%05d.example", i),
			"industry": industries[rng.IntN(len(industries))], "city": "Lisbon", "hubspot_owner_id": owner(),
			"description": fmt.Sprintf("A customer interested in %s.", topics[rng.IntN(len(topics))])})
		records = append(records, c)
	}
	for i := range o.Contacts {
		f, l := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		c := d.Add("contacts", next(), map[string]string{"firstname": f, "lastname": fmt.Sprintf("%s %05d", l, i),
			"email": fmt.Sprintf("%s.%05d@customer.example", lower(f), i), "jobtitle": "Engineer", "lifecyclestage": "customer",
			"hubspot_owner_id": owner()})
		records = append(records, c)
	}
	for i := range o.Deals {
		c := d.Add("deals", next(), map[string]string{"dealname": fmt.Sprintf("Deal %05d: %s", i, topics[rng.IntN(len(topics))]),
			"amount": strconv.Itoa(1000 * (1 + rng.IntN(90))), "dealstage": stages[rng.IntN(len(stages))], "pipeline": "default",
			"hubspot_owner_id": owner(), "description": "Multi-year agreement."})
		records = append(records, c)
	}
	for i := range o.Tickets {
		c := d.Add("tickets", next(), map[string]string{"subject": fmt.Sprintf("Ticket %05d: %s", i, topics[rng.IntN(len(topics))]),
			"content": "The customer reports the export stops halfway.", "hs_pipeline": "0", "hs_pipeline_stage": "1",
			"hs_ticket_priority": "MEDIUM", "hubspot_owner_id": owner()})
		records = append(records, c)
	}
	for _, rec := range records {
		engage(rec)
	}
	for range len(records) / 5 {
		rec := records[rng.IntN(len(records))]
		d.Touch(rec, next(), nil)
	}
	for _, typ := range []string{"companies", "contacts", "deals", "tickets"} {
		objs := d.Objects[typ]
		for i := 0; i < o.Archived && i < len(objs); i++ {
			d.Archive(objs[len(objs)-1-i*2%len(objs)], next())
		}
	}
	return d
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
