package discord

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Epoch is Discord's epoch in Unix milliseconds: a snowflake's top 42
// bits count the milliseconds since it.
const Epoch = 1420070400000

// parseID reads a snowflake.
func parseID(s string) (uint64, bool) {
	if !validID(s) {
		return 0, false
	}
	n, _ := strconv.ParseUint(s, 10, 64)
	return n, true
}

// timeOf is when a snowflake was made.
func timeOf(id uint64) time.Time { return time.UnixMilli(int64(id>>22) + Epoch).UTC() }

// snowflakeAt is the smallest snowflake made at t (0 before the epoch).
func snowflakeAt(t time.Time) uint64 {
	ms := t.UnixMilli() - Epoch
	if ms <= 0 {
		return 0
	}
	return uint64(ms) << 22
}

func formatID(id uint64) string { return strconv.FormatUint(id, 10) }

// Channel types.
const (
	typeText               = 0
	typeCategory           = 4
	typeAnnouncement       = 5
	typeAnnouncementThread = 10
	typePublicThread       = 11
	typeForum              = 15
)

// Permission bits.
const (
	permAdministrator      uint64 = 1 << 3
	permViewChannel        uint64 = 1 << 10
	permReadMessageHistory uint64 = 1 << 16
)

// Application flags of the privileged intents.
const (
	flagGuildMembers          uint64 = 1 << 14
	flagGuildMembersLimited   uint64 = 1 << 15
	flagMessageContent        uint64 = 1 << 18
	flagMessageContentLimited uint64 = 1 << 19
)

type apiUser struct {
	ID         string  `json:"id"`
	Username   string  `json:"username"`
	GlobalName *string `json:"global_name"`
	Bot        bool    `json:"bot"`
}

type apiGuild struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type apiRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
}

type apiOverwrite struct {
	ID    string `json:"id"`
	Type  int    `json:"type"`
	Allow string `json:"allow"`
	Deny  string `json:"deny"`
}

type apiChannel struct {
	ID             string         `json:"id"`
	Type           int            `json:"type"`
	GuildID        string         `json:"guild_id"`
	Name           string         `json:"name"`
	ParentID       *string        `json:"parent_id"`
	Topic          *string        `json:"topic"`
	Overwrites     []apiOverwrite `json:"permission_overwrites"`
	LastMessageID  *string        `json:"last_message_id"`
	ThreadMetadata *struct {
		Archived         bool   `json:"archived"`
		ArchiveTimestamp string `json:"archive_timestamp"`
	} `json:"thread_metadata"`
}

func (c *apiChannel) parent() string {
	if c.ParentID == nil {
		return ""
	}
	return *c.ParentID
}

func (c *apiChannel) isThread() bool {
	return c.Type == typePublicThread || c.Type == typeAnnouncementThread || c.Type == 12
}

type apiMessage struct {
	ID              string    `json:"id"`
	Author          apiUser   `json:"author"`
	Content         string    `json:"content"`
	Timestamp       string    `json:"timestamp"`
	EditedTimestamp *string   `json:"edited_timestamp"`
	Mentions        []apiUser `json:"mentions"`
	Attachments     []struct {
		Filename    string `json:"filename"`
		URL         string `json:"url"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	} `json:"attachments"`
	Embeds []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		URL         string `json:"url"`
	} `json:"embeds"`

	id uint64 // parsed
}

type apiMember struct {
	User  *apiUser `json:"user"`
	Roles []string `json:"roles"`
}

// messagesAfter reads up to limit messages after the snowflake after and
// returns them oldest first. Discord answers newest first even when asked
// for the messages after an id (the oldest ones after it), so the page is
// sorted; a message without a valid id, or one not after the id asked,
// makes the page malformed.
func (c *client) messagesAfter(ctx context.Context, channel string, after uint64, limit int) ([]apiMessage, error) {
	q := url.Values{"after": {formatID(after)}, "limit": {strconv.Itoa(limit)}}
	var page []apiMessage
	if err := c.get(ctx, "/channels/"+channel+"/messages?"+q.Encode(), &page); err != nil {
		return nil, err
	}
	if len(page) > limit {
		return nil, malformed("messages", "channel %s: %d messages in a page of %d", channel, len(page), limit)
	}
	for i := range page {
		id, ok := parseID(page[i].ID)
		if !ok {
			return nil, malformed("messages", "channel %s: a message without a valid id", channel)
		}
		if id <= after {
			return nil, malformed("messages", "channel %s: message %s is not after %d", channel, page[i].ID, after)
		}
		page[i].id = id
	}
	slices.SortFunc(page, func(a, b apiMessage) int { return compareUint(a.id, b.id) })
	for i := 1; i < len(page); i++ {
		if page[i].id == page[i-1].id {
			return nil, malformed("messages", "channel %s: message %s listed twice", channel, page[i].ID)
		}
	}
	return page, nil
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
