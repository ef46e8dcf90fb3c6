package graphemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// TeamsOptions shape a generated tenant for Teams.
type TeamsOptions struct {
	// Domain is the tenant's domain; contoso.onmicrosoft.com when empty.
	Domain string
	// Users is the number of users, 5 when zero.
	Users int
	// Teams is the number of teams, 1 when zero. Each has its General
	// channel and Channels more: the first private, the second shared
	// (with the next team), the rest standard.
	Teams, Channels int
	// Threads is the number of root messages of each channel; Replies the
	// most replies of a thread (each has 0 to Replies).
	Threads, Replies int
	// Start is the earliest post; Span how long after it messages are
	// posted. Defaults: 2024-01-01 and ninety days.
	Start time.Time
	Span  time.Duration
	Seed  uint64
	// Light makes plain messages without mentions, attachments or
	// system events, for scale tests.
	Light bool
}

// GenerateTeams returns a tenant with users, teams with their groups,
// standard, private and shared channels, and threads of HTML messages
// with mentions, file attachments, edits, system events and replies.
func GenerateTeams(o TeamsOptions) *Data {
	if o.Domain == "" {
		o.Domain = "contoso.onmicrosoft.com"
	}
	if o.Users <= 0 {
		o.Users = 5
	}
	o.Teams = max(o.Teams, 1)
	if o.Start.IsZero() {
		o.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 90 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x7ea5))
	tenant := strings.Split(o.Domain, ".")[0]
	d := &Data{TenantID: guid(rng), Domain: o.Domain, Host: tenant + ".sharepoint.com"}
	names := []string{"Adele Vance", "Bianca Pisani", "Diego Siciliani", "Grady Archie", "Isaiah Langer", "Johanna Lorenz", "Lee Gu"}
	for i := range o.Users {
		name := names[i%len(names)]
		first := strings.ToLower(strings.Fields(name)[0])
		if i >= len(names) {
			name += fmt.Sprint(" ", i)
			first += fmt.Sprint(i)
		}
		mail := first + "@" + tenant + ".test"
		d.Users = append(d.Users, &User{ID: guid(rng), DisplayName: name, Mail: mail, UPN: mail})
	}
	user := func() string { return d.Users[rng.IntN(len(d.Users))].ID }
	for ti := range o.Teams {
		var members []string
		for j, u := range d.Users {
			if j%o.Teams == ti || j == 0 {
				members = append(members, u.ID)
			}
		}
		t := d.AddTeam(guid(rng), fmt.Sprintf("Team %c", 'A'+ti%26), members, o.Start.Add(-24*time.Hour))
		for ci := range o.Channels {
			kind, chMembers := "standard", []string(nil)
			switch ci {
			case 0:
				kind, chMembers = "private", members[:min(2, len(members))]
			case 1:
				kind, chMembers = "shared", []string{d.Users[len(d.Users)-1].ID, members[0]}
			}
			ch := d.AddChannel(t.ID, "19:"+idOf(rng, hexa, 32)+"@thread.tacv2", fmt.Sprintf("Channel %d", ci+1), kind, chMembers, t.Created)
			if kind == "shared" && o.Teams > 1 {
				ch.SharedWith = []string{""} // filled below
			}
		}
	}
	for ti, t := range d.Teams {
		for _, ch := range t.Channels {
			if len(ch.SharedWith) > 0 {
				ch.SharedWith = []string{d.Teams[(ti+1)%len(d.Teams)].ID}
			}
		}
	}
	at := func() time.Time {
		return o.Start.Add(time.Duration(rng.Int64N(int64(o.Span/time.Millisecond))) * time.Millisecond).Truncate(time.Second)
	}
	for _, t := range d.Teams {
		for _, ch := range t.Channels {
			authors := ch.Members
			if ch.MembershipType == "standard" {
				authors = d.Group(t.ID).Members
			}
			author := func() string { return authors[rng.IntN(len(authors))] }
			var posts []time.Time
			for range o.Threads {
				posts = append(posts, at())
			}
			sortTimes(posts)
			for i, when := range posts {
				m := &Message{From: author(), Created: when, Modified: when,
					HTML: fmt.Sprintf("<div><p>Thread %d in %s: <b>status</b> update.</p></div>", i+1, ch.DisplayName)}
				if !o.Light {
					switch i % 6 {
					case 1:
						u := d.User(user())
						m.HTML = fmt.Sprintf(`<div><at id="0">%s</at> please review the <i>plan</i> for thread %d.</div>`, u.DisplayName, i+1)
						m.Mentions = []string{u.ID}
					case 2:
						m.Subject = fmt.Sprintf("Release %d", i)
						m.Attachments = []Attachment{{ID: guid(rng), ContentType: "reference", Name: fmt.Sprintf("spec-%d.docx", i),
							ContentURL: "https://" + d.Host + "/sites/" + strings.ReplaceAll(t.DisplayName, " ", "") + "/Shared%20Documents/spec.docx"}}
						m.HTML = fmt.Sprintf(`<div>See the spec for release %d.<attachment id="%s"></attachment></div>`, i, m.Attachments[0].ID)
					case 3:
						m.Modified = when.Add(time.Duration(1+rng.IntN(3600)) * time.Second)
					case 5:
						if i == 5 {
							m.Type, m.From, m.HTML = "systemEventMessage", "", "<systemEventMessage/>"
						}
					}
				}
				d.Post(t.ID, ch.ID, m)
				if m.Type != "message" {
					continue
				}
				for j := range rng.IntN(o.Replies + 1) {
					rt := when.Add(time.Duration(1+j) * time.Duration(1+rng.IntN(7200)) * time.Second)
					d.Reply(t.ID, ch.ID, m.ID, &Message{From: author(), Created: rt, Modified: rt,
						HTML: fmt.Sprintf("<p>Reply %d to thread %d.</p>", j+1, i+1)})
				}
			}
		}
	}
	return d
}

func sortTimes(ts []time.Time) { slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) }) }
