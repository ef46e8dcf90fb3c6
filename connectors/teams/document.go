package teams

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Ids are Graph URLs, which stay the same when a team or channel is
// renamed: a team's node is .../teams/{team}, a channel's
// .../teams/{team}/channels/{channel}, a thread's
// .../teams/{team}/channels/{channel}/messages/{root message}.
func (c *Connector) teamNodeID(team string) string { return c.client.Root + "/teams/" + team }

func (c *Connector) channelNodeID(team, channel string) string {
	return c.teamNodeID(team) + "/channels/" + url.PathEscape(channel)
}

func (c *Connector) threadID(team, channel, root string) string {
	return c.channelNodeID(team, channel) + "/messages/" + root
}

// groupID is the id access and group sync give a team's Microsoft 365
// group, the form SharePoint gives Entra ID groups.
func groupID(id string) string { return "group:" + strings.ToLower(id) }

// maxTitle bounds a title made from a message's text, in runes.
const maxTitle = 80

// document makes the thread's document: the root message and its live
// replies, oldest first, one section each.
func (c *Connector) document(t apiTeam, ch apiChannel, access *tributary.ExternalAccess, root *apiMessage, replies []apiMessage) *tributary.Document {
	replies = slices.Clone(replies)
	slices.SortFunc(replies, func(a, b apiMessage) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
	id := c.threadID(t.ID, ch.ID, root.ID)
	d := &tributary.Document{ID: id, Source: Source, ParentID: c.channelNodeID(t.ID, ch.ID), CreatedAt: root.Created.UTC(),
		UpdatedAt: root.modified(), ExternalAccess: cloneAccess(access), Metadata: tributary.Metadata{}}
	d.Metadata.Add("team", t.DisplayName)
	d.Metadata.Add("channel", ch.DisplayName)
	d.Metadata.Add("channel_type", cmp.Or(ch.MembershipType, "standard"))
	people := map[string]bool{}
	addPerson := func(u *apiUser, primary bool) {
		if u == nil || u.DisplayName == "" || people[cmp.Or(u.ID, u.DisplayName)] {
			return
		}
		people[cmp.Or(u.ID, u.DisplayName)] = true
		p := tributary.Person{DisplayName: u.DisplayName}
		if primary {
			d.PrimaryOwners = append(d.PrimaryOwners, p)
		} else {
			d.SecondaryOwners = append(d.SecondaryOwners, p)
		}
	}
	live := 0
	for i, m := range append([]apiMessage{*root}, replies...) {
		if t := m.modified(); t.After(d.UpdatedAt) {
			d.UpdatedAt = t
		}
		if m.gone() {
			continue
		}
		addPerson(author(&m), i == 0)
		for _, mn := range m.Mentions {
			if mn.Mentioned != nil {
				addPerson(mn.Mentioned.User, false)
			}
		}
		text := messageText(&m)
		if i == 0 {
			d.Title = cmp.Or(strings.TrimSpace(m.Subject), firstWords(text))
		} else {
			live++
		}
		name := "Someone"
		if a := author(&m); a != nil && a.DisplayName != "" {
			name = a.DisplayName
		}
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Text: name + ": " + text, Link: cmp.Or(m.WebURL, id)})
	}
	d.Metadata.Add("replies", strconv.Itoa(live))
	d.Title = cmp.Or(d.Title, "Thread in "+cmp.Or(ch.DisplayName, ch.ID))
	d.SemanticID = d.Title
	return d
}

// author is the message's sender: a user, else an app (a bot or
// connector).
func author(m *apiMessage) *apiUser {
	if m.From == nil {
		return nil
	}
	if m.From.User != nil {
		return m.From.User
	}
	return m.From.App
}

// messageText is the message's body as text (HTML through the project's
// extraction, mentions kept as the names they show), then a line for
// each attachment with its name and link.
func messageText(m *apiMessage) string {
	text := m.Body.Content
	if !strings.EqualFold(m.Body.ContentType, "text") {
		text = ""
		if h, err := extract.HTML([]byte("<html><body>"+m.Body.Content+"</body></html>"), "text/html; charset=utf-8",
			extract.HTMLOptions{MaxText: 1 << 20}); err == nil {
			var parts []string
			for _, s := range h.Sections {
				parts = append(parts, s.Text)
			}
			text = strings.Join(parts, "\n")
		}
	}
	text = strings.TrimSpace(text)
	for _, a := range m.Attachments {
		if a.Name == "" && a.ContentURL == "" {
			continue
		}
		line := "Attachment: " + cmp.Or(a.Name, a.ContentURL)
		if a.ContentURL != "" && a.Name != "" {
			line += " (" + a.ContentURL + ")"
		}
		text = strings.TrimSpace(text + "\n" + line)
	}
	return text
}

// firstWords is the first line of text, cut to maxTitle runes.
func firstWords(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= maxTitle {
		return line
	}
	r := []rune(line)
	return strings.TrimSpace(string(r[:maxTitle])) + "…"
}

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{UserEmails: slices.Clone(a.UserEmails), GroupIDs: slices.Clone(a.GroupIDs), Public: a.Public}
}

// zero is the open end of a window.
var zero time.Time
