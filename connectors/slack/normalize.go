package slack

import (
	"context"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a message permalink of the workspace to the id of the
// document that holds the message: the thread's for a reply (its
// permalink's thread_ts names the parent), the message's own otherwise.
// Forms: https://WORKSPACE.slack.com/archives/CHANNEL/pTS, with or without
// ?thread_ts=...&cid=... and a fragment. When workspace_url is not set,
// the workspace comes from auth.test (one request). A permalink of another
// workspace, or of a channel the settings name no id of, fails with
// ErrForeignURL. A reply's permalink without thread_ts maps to the reply's
// own address, which is a document id only for a message that starts a
// thread or stands alone.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 3 || parts[0] != "archives" || !isChannelID(parts[1]) || !strings.HasPrefix(parts[2], "p") {
		return "", tributary.UnmappableURL(Source, rawURL, "not a message permalink (/archives/CHANNEL/pTS)")
	}
	channel := parts[1]
	ts, ok := permalinkTS(parts[2][1:])
	if !ok {
		return "", tributary.UnmappableURL(Source, rawURL, "the permalink names no message time")
	}
	if thread := u.Query().Get("thread_ts"); thread != "" {
		if _, ok := parseTS(thread); !ok {
			return "", tributary.UnmappableURL(Source, rawURL, "thread_ts is not a message time")
		}
		ts = thread
	}
	if !c.readsChannel(channel) {
		return "", tributary.ForeignURL(Source, rawURL, "channel "+channel+" is not one these settings read")
	}
	base, err := c.workspace(ctx)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(u.Scheme+"://"+u.Host, base) {
		return "", tributary.ForeignURL(Source, rawURL, "not a permalink of "+base)
	}
	return permalink(base, channel, ts, ""), nil
}

// permalinkTS reads the digits of a permalink's pTS part, a ts without its
// dot and six digits of microseconds, back into a ts.
func permalinkTS(digits string) (string, bool) {
	if len(digits) < 7 || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	ts := digits[:len(digits)-6] + "." + digits[len(digits)-6:]
	_, ok := parseTS(ts)
	return ts, ok
}

// readsChannel reports whether the settings may read the channel with the
// given id: every channel when none is configured or some are named by
// name (which only a listing tells apart), else only the configured ids.
func (c *Connector) readsChannel(id string) bool {
	chs := c.settings.Channels
	if len(chs) == 0 || slices.ContainsFunc(chs, func(ch string) bool { return !isChannelID(normalizeChannel(ch)) }) {
		return true
	}
	return slices.ContainsFunc(chs, func(ch string) bool { return normalizeChannel(ch) == id })
}
