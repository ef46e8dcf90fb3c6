package graphemu

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Team is a team of Microsoft Teams. Its id is the id of the Microsoft 365
// group behind it, whose members are the team's members.
type Team struct {
	ID          string
	DisplayName string
	Description string
	Created     time.Time
	Archived    bool
	Channels    []*Channel
}

// Channel is a team's channel. MembershipType is standard, private or
// shared; a private or shared channel has its own Members (user ids,
// the first ones its owners).
type Channel struct {
	ID             string // 19:...@thread.tacv2
	TeamID         string
	DisplayName    string
	Description    string
	MembershipType string
	Created        time.Time
	Members        []string
	// SharedWith names the other teams a shared channel is shared with;
	// their /allChannels list it.
	SharedWith []string
	// Messages are the root messages, in posting order.
	Messages []*Message
	// NoDelta makes the messages' delta query answer 400, as Graph does
	// for channels it cannot track (the connector then lists messages).
	NoDelta bool
	// floor is the oldest change a delta token may name; older tokens are
	// answered 410.
	floor int64
}

// Attachment is a file or card attached to a message.
type Attachment struct {
	ID          string
	ContentType string // reference for a file, or a card's type
	ContentURL  string
	Name        string
}

// Message is a channel message: a root message (ReplyToID empty) or a
// reply.
type Message struct {
	ID        string // milliseconds since the epoch, as Teams makes them
	ReplyToID string
	// From is the author's user id; "" for a system event message.
	From string
	// Type is message or systemEventMessage.
	Type        string
	Subject     string
	HTML        string // the body, contentType html
	Mentions    []string
	Attachments []Attachment
	Created     time.Time
	Modified    time.Time
	Deleted     time.Time // zero while the message exists
	Replies     []*Message
	// Broken makes the message unreadable: its replies answer 500
	// generalException every time, though listings still name it.
	Broken bool

	seq int64 // change number of the root's last change
	key int   // posting order in the channel
}

// Team returns the team with the id, or nil.
func (d *Data) Team(id string) *Team {
	for _, t := range d.Teams {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Channel returns a team's channel with the id, or nil.
func (t *Team) Channel(id string) *Channel {
	for _, c := range t.Channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Message returns the channel's root message with the id, or nil.
func (ch *Channel) Message(id string) *Message {
	for _, m := range ch.Messages {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// AddTeam adds a team with its group (members are user ids) and its
// General channel.
func (d *Data) AddTeam(id, name string, members []string, created time.Time) *Team {
	t := &Team{ID: id, DisplayName: name, Description: "The " + name + " team.", Created: created}
	d.Teams = append(d.Teams, t)
	if d.Group(id) == nil {
		d.Groups = append(d.Groups, &Group{ID: id, DisplayName: name, Mail: strings.ToLower(strings.ReplaceAll(name, " ", "")) + "@" + d.Domain,
			Members: slices.Clone(members)})
	}
	d.AddChannel(id, "19:"+strings.ReplaceAll(id, "-", "")+"@thread.tacv2", "General", "standard", nil, created)
	return t
}

// AddChannel adds a channel to a team.
func (d *Data) AddChannel(teamID, id, name, membership string, members []string, created time.Time) *Channel {
	t := d.Team(teamID)
	ch := &Channel{ID: id, TeamID: teamID, DisplayName: name, MembershipType: membership, Members: slices.Clone(members), Created: created}
	t.Channels = append(t.Channels, ch)
	return ch
}

// Post adds a root message to a channel; zero times are the emulator's
// now. Its id is its creation time in milliseconds, made unique.
func (d *Data) Post(teamID, channelID string, m *Message) *Message {
	ch := d.Team(teamID).Channel(channelID)
	d.stamp(m, func(id string) bool { return ch.Message(id) != nil })
	m.ReplyToID = ""
	m.key = len(ch.Messages)
	m.seq = d.next()
	ch.Messages = append(ch.Messages, m)
	return m
}

// Reply adds a reply to a root message. A reply is not a change of its
// root: the messages' delta query does not show it.
func (d *Data) Reply(teamID, channelID, rootID string, m *Message) *Message {
	root := d.Team(teamID).Channel(channelID).Message(rootID)
	d.stamp(m, func(id string) bool {
		return id == root.ID || slices.ContainsFunc(root.Replies, func(r *Message) bool { return r.ID == id })
	})
	m.ReplyToID = root.ID
	root.Replies = append(root.Replies, m)
	return m
}

func (d *Data) stamp(m *Message, taken func(string) bool) {
	if m.Created.IsZero() {
		m.Created = d.Now()
	}
	if m.Modified.IsZero() {
		m.Modified = m.Created
	}
	if m.Type == "" {
		m.Type = "message"
	}
	if m.ID == "" {
		ms := m.Created.UnixMilli()
		for taken(itoa(ms)) {
			ms++
		}
		m.ID = itoa(ms)
	}
}

// EditMessage changes a root message's or a reply's body at the
// emulator's now. Editing a root is a change the delta query shows.
func (d *Data) EditMessage(teamID, channelID, rootID, replyID, html string) {
	root := d.Team(teamID).Channel(channelID).Message(rootID)
	m := root
	if replyID != "" {
		m = root.reply(replyID)
	}
	m.HTML, m.Modified = html, d.Now()
	if m == root {
		root.seq = d.next()
	}
}

// DeleteMessage soft-deletes a root message or a reply, as Teams does:
// the message stays with deletedDateTime set and its body emptied.
func (d *Data) DeleteMessage(teamID, channelID, rootID, replyID string) {
	root := d.Team(teamID).Channel(channelID).Message(rootID)
	m := root
	if replyID != "" {
		m = root.reply(replyID)
	}
	m.Deleted, m.Modified, m.HTML, m.Attachments, m.Mentions = d.Now(), d.Now(), "", nil, nil
	if m == root {
		root.seq = d.next()
	}
}

// ExpireMessageDeltaTokens makes every delta token of the channel issued
// so far too old: using one answers 410.
func (d *Data) ExpireMessageDeltaTokens(teamID, channelID string) {
	d.Team(teamID).Channel(channelID).floor = d.seq + 1
	d.next()
}

func (m *Message) reply(id string) *Message {
	for _, r := range m.Replies {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// teamRoutes serve /teams and /teams/{id}.
func (s *Server) teamRoutes() {
	s.Handle("GET "+GraphPrefix+"/teams", s.serve(s.listTeams))
	s.Handle("GET "+GraphPrefix+"/teams/{team}", s.serve(s.getTeam))
}

// forbidden is Teams' refusal of a token without the role an API needs.
func forbidden(c *call, roles ...string) Code {
	return Code{Status: http.StatusForbidden, Code: "Forbidden",
		Message: "Missing role permissions on the request. API requires one of '" + strings.Join(roles, ", ") +
			"'. Roles on the request '" + strings.Join(c.roles, ", ") + "'."}
}

// teamRoles may read teams.
var teamRoles = []string{TeamReadBasicAll, "TeamSettings.Read.All", GroupReadAll, DirectoryReadAll}

func (d *Data) teamJSON(base string, t *Team) map[string]any {
	return map[string]any{"id": t.ID, "displayName": t.DisplayName, "description": t.Description, "isArchived": t.Archived,
		"createdDateTime": timeString(t.Created), "tenantId": d.TenantID, "visibility": "private",
		"webUrl": "https://teams.microsoft.com/l/team/" + url.QueryEscape(t.Channels[0].ID) + "/conversations?groupId=" + t.ID + "&tenantId=" + d.TenantID}
}

func (s *Server) listTeams(c *call) (int, any) {
	if !c.has(teamRoles...) {
		return 0, forbidden(c, teamRoles...)
	}
	pg, next, err := page(s, c, s.data.Teams)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, t := range pg {
		out = append(out, map[string]any{"id": t.ID, "displayName": t.DisplayName, "description": t.Description})
	}
	return http.StatusOK, listing(out, next)
}

// team returns the team a call names, or the error answer.
func (s *Server) team(c *call, roles []string) (*Team, any) {
	if !c.has(roles...) {
		return nil, forbidden(c, roles...)
	}
	t := s.data.Team(c.r.PathValue("team"))
	if t == nil {
		return nil, Code{Status: http.StatusNotFound, Code: "NotFound", Message: "No team found with Group Id " + c.r.PathValue("team")}
	}
	return t, nil
}

func (s *Server) getTeam(c *call) (int, any) {
	t, e := s.team(c, teamRoles)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.data.teamJSON(c.base, t)
}
