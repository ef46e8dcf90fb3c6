package discord

import (
	"context"
	"errors"
	"net/http"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// What Probe names as missing, in the Developer Portal's words.
const (
	missingMessageContent = "Message Content intent"
	missingServerMembers  = "Server Members intent"
	missingViewChannels   = "View Channels"
	missingReadHistory    = "Read Message History"
)

// Probe reports what the bot may do. Indexing needs the token, the
// Message Content intent (GET /applications/@me tells from its flags) and
// View Channels with Read Message History in the first guild's first text
// channel (one message read); access sync the guild's roles; group sync,
// when user_emails names members, the Server Members intent (one member
// listed).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	var app struct {
		Flags uint64 `json:"flags"`
	}
	err := c.client.get(ctx, "/applications/@me", &app)
	var missing []string
	var gi *guildInfo
	var chans []apiChannel
	if err == nil {
		var guilds []apiGuild
		if guilds, err = c.guilds(ctx); err == nil && len(guilds) > 0 {
			gi, chans, err = c.loadGuild(ctx, guilds[0])
		}
	}
	access := tributary.ProbeOf(tributary.CapAccessSync, err)
	if err == nil {
		for _, ch := range chans {
			if ch.Type == typeForum {
				continue
			}
			if _, e := c.client.messagesAfter(ctx, ch.ID, 0, 1); e != nil && statusOf(e) == http.StatusForbidden {
				err = e
				missing = append(missing, missingViewChannels, missingReadHistory)
			} else if e != nil {
				err = e
			}
			break
		}
	}
	if err == nil && app.Flags&(flagMessageContent|flagMessageContentLimited) == 0 {
		missing = append(missing, missingMessageContent)
		err = tributary.NewError("discord: probe", tributary.ErrInsufficientPermissions,
			errors.New("the application lacks the Message Content intent: messages come without content"))
	}
	indexing := tributary.ProbeOf(tributary.CapIndexing, err, missing...)
	groups := access
	if access.Err == nil && gi != nil && len(c.settings.UserEmails) > 0 {
		var gerr error
		var gmissing []string
		if app.Flags&(flagGuildMembers|flagGuildMembersLimited) == 0 {
			gerr = tributary.NewError("discord: probe", tributary.ErrInsufficientPermissions,
				errors.New("the application lacks the Server Members intent: members cannot be listed"))
		} else {
			var page []apiMember
			gerr = c.client.get(ctx, "/guilds/"+gi.ID+"/members?limit=1", &page)
		}
		if errors.Is(gerr, tributary.ErrInsufficientPermissions) {
			gmissing = []string{missingServerMembers}
		}
		groups = tributary.ProbeOf(tributary.CapGroupSync, gerr, gmissing...)
	}
	groups.Capability = tributary.CapGroupSync
	return []tributary.ProbeResult{indexing, access, groups}
}
