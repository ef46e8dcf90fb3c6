package teams

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL returns the id of what a URL names, without a request:
//
//   - a Teams link to a message (https://teams.microsoft.com/l/message/
//     CHANNEL/MESSAGE?groupId=TEAM&parentMessageId=ROOT, "Copy link" of a
//     message or a reply) is its thread's id;
//   - a Teams link to a channel (https://teams.microsoft.com/l/channel/
//     CHANNEL/NAME?groupId=TEAM) is the channel's node id;
//   - a Graph URL of a thread, of one of its replies
//     (.../messages/ROOT/replies/ID) or of a channel is the thread's or the
//     channel's id.
//
// A link of a team the settings leave out fails with ErrForeignURL, as
// does a URL of another site; a Teams link without its groupId fails with
// ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	const op = "teams: normalize URL"
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New("not an absolute URL"))
	}
	team, channel, root, err := c.parseURL(u)
	if err != nil {
		return "", tributary.NewError(op, kindOf(err), fmt.Errorf("%s: %w", u.Redacted(), err))
	}
	if len(c.settings.Teams) > 0 && !slices.ContainsFunc(c.settings.Teams, func(id string) bool { return strings.EqualFold(id, team) }) {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New("a team the settings do not read"))
	}
	if root == "" {
		return c.channelNodeID(team, channel), nil
	}
	return c.threadID(team, channel, root), nil
}

// errUnsupported marks a URL of the source whose id cannot be worked out.
var errUnsupported = errors.New("names no thread or channel")

func kindOf(err error) error {
	if errors.Is(err, errUnsupported) {
		return tributary.ErrNotSupported
	}
	return tributary.ErrForeignURL
}

// parseURL splits a Teams link or a Graph URL into team, channel and root
// message ("" for a channel).
func (c *Connector) parseURL(u *url.URL) (team, channel, root string, err error) {
	graphRoot, _ := url.Parse(c.client.Root)
	switch {
	case strings.EqualFold(u.Host, "teams.microsoft.com") || strings.EqualFold(u.Host, "teams.cloud.microsoft") ||
		strings.HasSuffix(strings.ToLower(u.Host), ".teams.microsoft.com"):
		return parseTeamsLink(u)
	case graphRoot != nil && strings.EqualFold(u.Host, graphRoot.Host):
		rest, ok := strings.CutPrefix(u.EscapedPath(), graphRoot.EscapedPath()+"/teams/")
		if !ok {
			return "", "", "", errors.New("not a Teams URL of this Graph")
		}
		return parseGraphPath(rest)
	}
	return "", "", "", errors.New("not a Microsoft Teams or Graph URL")
}

// parseTeamsLink reads /l/message/CHANNEL/MESSAGE and /l/channel/CHANNEL/NAME.
func parseTeamsLink(u *url.URL) (team, channel, root string, err error) {
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(parts) < 3 || parts[0] != "l" || parts[1] != "message" && parts[1] != "channel" {
		return "", "", "", errUnsupported
	}
	channel, err = url.PathUnescape(parts[2])
	q := u.Query()
	team = strings.ToLower(q.Get("groupId"))
	if err != nil || !channelPattern.MatchString(channel) || !guidPattern.MatchString(team) {
		return "", "", "", errUnsupported
	}
	if parts[1] == "channel" {
		return team, channel, "", nil
	}
	root = q.Get("parentMessageId")
	if root == "" || root == "0" {
		if len(parts) < 4 {
			return "", "", "", errUnsupported
		}
		root = parts[3]
	}
	if !messagePattern.MatchString(root) {
		return "", "", "", errUnsupported
	}
	return team, channel, root, nil
}

// parseGraphPath reads TEAM/channels/CHANNEL[/messages/ROOT[/replies/ID]].
func parseGraphPath(rest string) (team, channel, root string, err error) {
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) < 3 || parts[1] != "channels" || len(parts) > 3 && (parts[3] != "messages" || len(parts) < 5) ||
		len(parts) > 5 && (parts[5] != "replies" || len(parts) != 7) {
		return "", "", "", errUnsupported
	}
	team = strings.ToLower(parts[0])
	channel, err = url.PathUnescape(parts[2])
	if err != nil || !guidPattern.MatchString(team) || !channelPattern.MatchString(channel) {
		return "", "", "", errUnsupported
	}
	if len(parts) >= 5 {
		root = parts[4]
		if !messagePattern.MatchString(root) {
			return "", "", "", errUnsupported
		}
	}
	return team, channel, root, nil
}
