// Package slackemu emulates the parts of the Slack Web API that the Slack
// connector reads: auth.test, conversations.list, .info, .history, .replies
// and .members, users.info and users.list, and chat.getPermalink.
//
// It follows the API as Slack documents it: methods under /api/<method>,
// answered for GET query strings and POST forms; a Bearer token (or a token
// parameter); the {"ok": false, "error": "..."} envelope with HTTP 200 for
// ordinary errors; cursor pagination through response_metadata.next_cursor
// with a limit; history newest first with oldest, latest and inclusive;
// threads through conversations.replies with the parent first; tiered
// per-method, per-token rate limits answered with HTTP 429 and Retry-After;
// and faults on demand (5xx, 429, connection resets and truncated bodies
// from the emulator kit, Slack error codes from FailWithError).
//
// Tests hold a Workspace (hand-built or from Generate), serve it with
// NewServer, and reach it through Server.Client, in memory (it works
// inside testing/synctest bubbles), or over a loopback listener with
// Server.Start.
package slackemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// User is a member of the emulated workspace.
type User struct {
	ID          string
	Name        string
	RealName    string
	DisplayName string
	FirstName   string
	LastName    string
	Email       string
	IsBot       bool
	Deleted     bool
}

// Channel is a public or private channel.
type Channel struct {
	ID       string
	Name     string
	Private  bool
	Archived bool
	Created  time.Time
	// Members are user ids; the bot sees history only of channels it is a
	// member of.
	Members []string
}

// Edited records the last edit of a message.
type Edited struct {
	User string
	TS   string
}

// Message is a message as stored: a top-level message or a reply.
type Message struct {
	TS       string
	User     string
	BotID    string
	Username string // the display name of a bot message
	Text     string
	Subtype  string
	// ThreadTS is the parent's ts for a reply; empty for a top-level
	// message (the emulator derives a parent's thread fields).
	ThreadTS string
	Edited   *Edited
	// Attachments are legacy message attachments, common in bot messages.
	Attachments []Attachment
	// Profile is the author's profile for an author the workspace does not
	// know (a member of another workspace in a shared channel). Messages of
	// known authors carry their profile from the workspace's users.
	Profile *User
}

// Attachment is a legacy message attachment.
type Attachment struct {
	Pretext, Title, Text, Fallback string
}

type channelData struct {
	Channel
	msgs    []Message            // top-level, ascending by ts
	replies map[string][]Message // by parent ts, ascending
}

// Workspace is the content the emulator serves. Build one with
// NewWorkspace and its Add methods, or with Generate. It is not safe for
// concurrent use on its own; the Server guards it.
type Workspace struct {
	TeamID   string
	Team     string
	Domain   string // the workspace's subdomain: https://<domain>.slack.com
	users    map[string]*User
	userIDs  []string
	channels []*channelData
	// userGroups and noUserGroups: see usergroups.go.
	userGroups   []UserGroup
	noUserGroups bool
}

// NewWorkspace returns an empty workspace with the given subdomain.
func NewWorkspace(domain string) *Workspace {
	return &Workspace{TeamID: "T0EMULATED", Team: domain, Domain: domain, users: map[string]*User{}}
}

// URL returns the workspace URL as auth.test reports it, with its trailing
// slash.
func (w *Workspace) URL() string { return "https://" + w.Domain + ".slack.com/" }

// AddUser adds a user.
func (w *Workspace) AddUser(u User) {
	if _, ok := w.users[u.ID]; !ok {
		w.userIDs = append(w.userIDs, u.ID)
	}
	w.users[u.ID] = &u
}

// AddChannel adds a channel.
func (w *Workspace) AddChannel(c Channel) {
	w.channels = append(w.channels, &channelData{Channel: c, replies: map[string][]Message{}})
}

// Post adds a top-level message to the channel, keeping history sorted.
func (w *Workspace) Post(channelID string, m Message) error {
	c := w.channel(channelID)
	if c == nil {
		return fmt.Errorf("no channel %s", channelID)
	}
	m.ThreadTS = ""
	i, found := slices.BinarySearchFunc(c.msgs, m.TS, cmpTS)
	if found {
		return fmt.Errorf("channel %s already has a message at %s", channelID, m.TS)
	}
	c.msgs = slices.Insert(c.msgs, i, m)
	return nil
}

// Reply adds a reply to the thread whose parent has parentTS.
func (w *Workspace) Reply(channelID, parentTS string, m Message) error {
	c := w.channel(channelID)
	if c == nil {
		return fmt.Errorf("no channel %s", channelID)
	}
	if _, found := slices.BinarySearchFunc(c.msgs, parentTS, cmpTS); !found {
		return fmt.Errorf("channel %s has no message %s", channelID, parentTS)
	}
	m.ThreadTS = parentTS
	rs := c.replies[parentTS]
	i, found := slices.BinarySearchFunc(rs, m.TS, cmpTS)
	if found || m.TS == parentTS {
		return fmt.Errorf("thread %s already has a message at %s", parentTS, m.TS)
	}
	c.replies[parentTS] = slices.Insert(rs, i, m)
	return nil
}

// Edit changes the text of a message (top-level or reply) and records the
// edit at editTS.
func (w *Workspace) Edit(channelID, ts, text, editTS string) error {
	m := w.find(channelID, ts)
	if m == nil {
		return fmt.Errorf("channel %s has no message %s", channelID, ts)
	}
	m.Text = text
	m.Edited = &Edited{User: m.User, TS: editTS}
	return nil
}

// Delete removes a top-level message and its replies.
func (w *Workspace) Delete(channelID, ts string) error {
	c := w.channel(channelID)
	if c == nil {
		return fmt.Errorf("no channel %s", channelID)
	}
	i, found := slices.BinarySearchFunc(c.msgs, ts, cmpTS)
	if !found {
		return fmt.Errorf("channel %s has no message %s", channelID, ts)
	}
	c.msgs = slices.Delete(c.msgs, i, i+1)
	delete(c.replies, ts)
	return nil
}

// Messages returns the number of top-level messages and of replies.
func (w *Workspace) Messages() (topLevel, replies int) {
	for _, c := range w.channels {
		topLevel += len(c.msgs)
		for _, rs := range c.replies {
			replies += len(rs)
		}
	}
	return topLevel, replies
}

// Channels returns the channels, in the order they were added.
func (w *Workspace) Channels() []Channel {
	out := make([]Channel, len(w.channels))
	for i, c := range w.channels {
		out[i] = c.Channel
	}
	return out
}

// TopLevel returns the top-level messages of a channel, oldest first.
func (w *Workspace) TopLevel(channelID string) []Message {
	if c := w.channel(channelID); c != nil {
		return slices.Clone(c.msgs)
	}
	return nil
}

// Replies returns the replies of a thread, oldest first.
func (w *Workspace) Replies(channelID, parentTS string) []Message {
	if c := w.channel(channelID); c != nil {
		return slices.Clone(c.replies[parentTS])
	}
	return nil
}

// Permalink returns the permalink chat.getPermalink gives for a message:
// https://<domain>.slack.com/archives/<channel>/p<ts without the dot>, with
// thread_ts and cid for a reply.
func (w *Workspace) Permalink(channelID, ts, threadTS string) string {
	link := "https://" + w.Domain + ".slack.com/archives/" + channelID + "/p" + strings.Replace(ts, ".", "", 1)
	if threadTS != "" && threadTS != ts {
		link += "?thread_ts=" + threadTS + "&cid=" + channelID
	}
	return link
}

func (w *Workspace) channel(id string) *channelData {
	for _, c := range w.channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (w *Workspace) find(channelID, ts string) *Message {
	c := w.channel(channelID)
	if c == nil {
		return nil
	}
	if i, ok := slices.BinarySearchFunc(c.msgs, ts, cmpTS); ok {
		return &c.msgs[i]
	}
	for p, rs := range c.replies {
		if i, ok := slices.BinarySearchFunc(rs, ts, cmpTS); ok {
			return &c.replies[p][i]
		}
	}
	return nil
}

// TS formats a time as a Slack message timestamp: seconds, a dot, and six
// digits of microseconds.
func TS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// ParseTS reads a Slack timestamp into microseconds since the epoch.
func ParseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 {
		return 0, false
	}
	if frac == "" {
		return s * 1e6, true
	}
	if len(frac) > 6 {
		frac = frac[:6]
	}
	frac += strings.Repeat("0", 6-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return s*1e6 + f, true
}

func cmpTS(m Message, ts string) int {
	a, _ := ParseTS(m.TS)
	b, _ := ParseTS(ts)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
