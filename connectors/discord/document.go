package discord

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// webRoot is where Discord's links point.
const webRoot = "https://discord.com/channels/"

// The ids and links of what the connector yields: Discord's own links.
func guildURL(guild string) string            { return webRoot + guild }
func channelURL(guild, channel string) string { return webRoot + guild + "/" + channel }
func threadURL(guild, thread string) string   { return webRoot + guild + "/" + thread }
func messageURL(guild, channel, msg string) string {
	return webRoot + guild + "/" + channel + "/" + msg
}

// dayID is the id of a channel's document for a UTC day: the channel's
// link with the day as its fragment.
func dayID(guild, channel, date string) string { return channelURL(guild, channel) + "#" + date }

func (c *Connector) guildNode(gi *guildInfo) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: guildURL(gi.ID), Name: gi.Name, Link: guildURL(gi.ID), Kind: tributary.NodeSpace,
		ExternalAccess: &tributary.ExternalAccess{GroupIDs: []string{guildGroup(gi.ID)}}}
}

func (c *Connector) categoryNode(gi *guildInfo, cat apiChannel) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: channelURL(gi.ID, cat.ID), ParentID: guildURL(gi.ID), Name: cat.Name,
		Link: channelURL(gi.ID, cat.ID), Kind: tributary.NodeFolder}
}

// channelParent is the node a channel sits under: its category, or the
// guild.
func channelParent(gi *guildInfo, ch apiChannel) string {
	if _, ok := gi.categories[ch.parent()]; ok {
		return channelURL(gi.ID, ch.parent())
	}
	return guildURL(gi.ID)
}

func (c *Connector) channelNode(gi *guildInfo, ch apiChannel, acc *tributary.ExternalAccess) *tributary.HierarchyNode {
	return &tributary.HierarchyNode{ID: channelURL(gi.ID, ch.ID), ParentID: channelParent(gi, ch), Name: "#" + ch.Name,
		Link: channelURL(gi.ID, ch.ID), Kind: tributary.NodeChannel, ExternalAccess: acc}
}

// person names a user: the display name, or the user name, with the
// address user_emails gives.
func (c *Connector) person(u apiUser) tributary.Person {
	name := u.Username
	if u.GlobalName != nil && *u.GlobalName != "" {
		name = *u.GlobalName
	}
	return tributary.Person{DisplayName: name, Email: c.settings.UserEmails[u.ID]}
}

// owners returns the messages' authors, in order of first message, and
// the users they mention who wrote none of them.
func (c *Connector) owners(msgs []apiMessage) (authors, mentioned []tributary.Person) {
	wrote := map[string]bool{}
	for _, m := range msgs {
		if m.Author.ID != "" && !wrote[m.Author.ID] {
			wrote[m.Author.ID] = true
			authors = append(authors, c.person(m.Author))
		}
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		for _, u := range m.Mentions {
			if u.ID != "" && !wrote[u.ID] && !seen[u.ID] {
				seen[u.ID] = true
				mentioned = append(mentioned, c.person(u))
			}
		}
	}
	return authors, mentioned
}

// text is one message as a section's text: the author, the content, and
// each attachment and embed named.
func (c *Connector) text(m apiMessage) string {
	var b strings.Builder
	b.WriteString(c.person(m.Author).DisplayName)
	b.WriteString(": ")
	b.WriteString(m.Content)
	for _, a := range m.Attachments {
		fmt.Fprintf(&b, "\n[attachment %s", a.Filename)
		if a.ContentType != "" {
			fmt.Fprintf(&b, " (%s)", a.ContentType)
		}
		fmt.Fprintf(&b, ": %s]", a.URL)
	}
	for _, e := range m.Embeds {
		parts := slices.DeleteFunc([]string{e.Title, e.Description, e.URL}, func(s string) bool { return s == "" })
		fmt.Fprintf(&b, "\n[embed: %s]", strings.Join(parts, " - "))
	}
	return b.String()
}

// document builds what a day and a thread share: sections per message,
// owners, times and access.
func (c *Connector) document(gi *guildInfo, channel string, msgs []apiMessage, acc *tributary.ExternalAccess, slim bool) *tributary.Document {
	d := &tributary.Document{Source: Source, ExternalAccess: acc}
	if len(msgs) > 0 {
		d.CreatedAt = timeOf(msgs[0].id)
		d.UpdatedAt = timeOf(msgs[len(msgs)-1].id)
	}
	if slim {
		return d
	}
	d.Sections = make([]tributary.Section, 0, len(msgs))
	for _, m := range msgs {
		d.Sections = append(d.Sections, tributary.TextSection(messageURL(gi.ID, channel, m.ID), c.text(m)))
	}
	d.PrimaryOwners, d.SecondaryOwners = c.owners(msgs)
	return d
}

// dayDocument is a channel's messages of one UTC day. Its update time is
// its newest message's, its creation time its oldest's.
func (c *Connector) dayDocument(gi *guildInfo, ch apiChannel, acc *tributary.ExternalAccess, dy day, slim bool) *tributary.Document {
	d := c.document(gi, ch.ID, dy.msgs, acc, slim)
	d.ID = dayID(gi.ID, ch.ID, dy.date)
	d.ParentID = channelURL(gi.ID, ch.ID)
	d.SemanticID = fmt.Sprintf("#%s, %s", ch.Name, dy.date)
	d.Title = d.SemanticID
	if !slim {
		d.Metadata = c.metadata(gi, ch, "channel_day", len(dy.msgs))
	}
	return d
}

// threadDocument is a thread (or a forum post) with all its messages,
// under its channel.
func (c *Connector) threadDocument(gi *guildInfo, ch, th apiChannel, acc *tributary.ExternalAccess, msgs []apiMessage, slim bool) *tributary.Document {
	d := c.document(gi, th.ID, msgs, acc, slim)
	d.ID = threadURL(gi.ID, th.ID)
	d.ParentID = channelURL(gi.ID, ch.ID)
	d.SemanticID = fmt.Sprintf("#%s > %s", ch.Name, th.Name)
	d.Title = th.Name
	if id, ok := parseID(th.ID); ok {
		d.CreatedAt = cmp.Or(timeOf(id), d.CreatedAt)
	}
	// Its update time is its last message's, as the thread names it (the
	// slim listing reads no message), or a later one read.
	if th.LastMessageID != nil {
		if id, ok := parseID(*th.LastMessageID); ok && timeOf(id).After(d.UpdatedAt) {
			d.UpdatedAt = timeOf(id)
		}
	}
	if !slim {
		d.Metadata = c.metadata(gi, ch, "thread", len(msgs))
	}
	return d
}

func (c *Connector) metadata(gi *guildInfo, ch apiChannel, kind string, n int) tributary.Metadata {
	md := tributary.Metadata{"guild": {gi.Name}, "channel": {ch.Name}, "kind": {kind}, "messages": {fmt.Sprint(n)}}
	if cat, ok := gi.categories[ch.parent()]; ok {
		md["category"] = []string{cat.Name}
	}
	if ch.Topic != nil && *ch.Topic != "" {
		md["topic"] = []string{*ch.Topic}
	}
	return md
}

// dayBounds are the snowflakes that bracket a UTC day: every message of
// the day is after the first and before the second.
func dayBounds(date string) (after, before uint64, ok bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil || dateOf(t) != date {
		return 0, 0, false
	}
	lo := snowflakeAt(t)
	return max(lo, 1) - 1, snowflakeAt(t.Add(24 * time.Hour)), lo > 0
}
