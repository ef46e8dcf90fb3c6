// Package discordemu emulates the part of Discord's HTTP API (v10) that
// the Discord connector reads: the bot's user and application, its guilds,
// their roles, members, channels and threads, and channel messages, behind
// "Authorization: Bot TOKEN", with Discord's per-route rate-limit buckets,
// its global limit of 50 requests a second, its 429 answers (decimal
// retry_after, X-RateLimit-Scope, X-RateLimit-Global) and faults on demand
// through internal/emulator.
package discordemu

import (
	"strconv"
	"time"
)

// Epoch is Discord's epoch, the first millisecond of 2015, in Unix
// milliseconds: a snowflake's top 42 bits count milliseconds from it.
const Epoch = 1420070400000

// Snowflake returns the id of something made at t, with seq in its low 22
// bits (Discord's worker, process and increment).
func Snowflake(t time.Time, seq int) uint64 {
	return uint64(t.UnixMilli()-Epoch)<<22 | uint64(seq)&(1<<22-1)
}

// TimeOf returns when the snowflake id was made.
func TimeOf(id uint64) time.Time {
	return time.UnixMilli(int64(id>>22) + Epoch).UTC()
}

// ID formats a snowflake as the API does, as a decimal string.
func ID(id uint64) string { return strconv.FormatUint(id, 10) }

// Channel types the emulator serves.
const (
	TypeText               = 0
	TypeVoice              = 2
	TypeCategory           = 4
	TypeAnnouncement       = 5
	TypeAnnouncementThread = 10
	TypePublicThread       = 11
	TypePrivateThread      = 12
	TypeForum              = 15
)

// Permission bits.
const (
	PermAdministrator      uint64 = 1 << 3
	PermViewChannel        uint64 = 1 << 10
	PermReadMessageHistory uint64 = 1 << 16
)

// Application flags that grant the privileged intents.
const (
	FlagGuildMembers          uint64 = 1 << 14
	FlagGuildMembersLimited   uint64 = 1 << 15
	FlagMessageContent        uint64 = 1 << 18
	FlagMessageContentLimited uint64 = 1 << 19
)

// Overwrite types.
const (
	OverwriteRole   = 0
	OverwriteMember = 1
)

// User is a Discord user.
type User struct {
	ID         uint64
	Username   string
	GlobalName string
	Bot        bool
}

// Role is a guild role. The @everyone role has the guild's id.
type Role struct {
	ID          uint64
	Name        string
	Permissions uint64
	Position    int
}

// Overwrite is a channel's permission overwrite for a role or a member.
type Overwrite struct {
	ID          uint64
	Type        int
	Allow, Deny uint64
}

// Attachment is a file attached to a message.
type Attachment struct {
	ID          uint64
	Filename    string
	ContentType string
	Size        int
}

// Embed is a rich embed of a message.
type Embed struct {
	Title, Description, URL string
}

// Message is a message of a channel or thread; its id tells when it was
// sent.
type Message struct {
	ID          uint64
	Author      User
	Content     string
	Edited      time.Time // zero when never edited
	Mentions    []User
	Attachments []Attachment
	Embeds      []Embed
	// Broken makes the message come without its id, which no client can
	// place: a malformed answer.
	Broken bool
}

// Channel is a guild channel, a category or a thread.
type Channel struct {
	ID         uint64
	Type       int
	Name       string
	Topic      string
	ParentID   uint64 // the category of a channel, the channel of a thread
	Position   int
	Overwrites []Overwrite
	// Messages are kept in id order.
	Messages []*Message
	// Archived and ArchivedAt are a thread's archive state.
	Archived   bool
	ArchivedAt time.Time
	OwnerID    uint64
	// Unreadable denies the bot View Channel and Read Message History:
	// its messages and archived threads answer 403 Missing Access.
	Unreadable bool
}

// IsThread reports whether the channel is a thread.
func (c *Channel) IsThread() bool {
	return c.Type == TypePublicThread || c.Type == TypePrivateThread || c.Type == TypeAnnouncementThread
}

// LastMessageID is the id of the channel's newest message, 0 when none.
func (c *Channel) LastMessageID() uint64 {
	if len(c.Messages) == 0 {
		return 0
	}
	return c.Messages[len(c.Messages)-1].ID
}

// Member is a guild member.
type Member struct {
	User     User
	Nick     string
	Roles    []uint64
	JoinedAt time.Time
}

// Guild is a server the bot is in.
type Guild struct {
	ID       uint64
	Name     string
	OwnerID  uint64
	Roles    []*Role
	Channels []*Channel // channels and categories, not threads
	Threads  []*Channel
	Members  []*Member // in user id order
}

// Role returns the guild's role with the id, or nil.
func (g *Guild) Role(id uint64) *Role {
	for _, r := range g.Roles {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Channel returns the guild's channel or thread with the id, or nil.
func (g *Guild) Channel(id uint64) *Channel {
	for _, c := range g.Channels {
		if c.ID == id {
			return c
		}
	}
	for _, c := range g.Threads {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Data is what the emulator serves: the bot, its application's flags and
// the guilds it is in.
type Data struct {
	Bot      User
	AppID    uint64
	AppFlags uint64
	Guilds   []*Guild // in id order
}

// Guild returns the guild with the id, or nil.
func (d *Data) Guild(id uint64) *Guild {
	for _, g := range d.Guilds {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// Find returns the channel or thread with the id and its guild.
func (d *Data) Find(id uint64) (*Guild, *Channel) {
	for _, g := range d.Guilds {
		if c := g.Channel(id); c != nil {
			return g, c
		}
	}
	return nil, nil
}
