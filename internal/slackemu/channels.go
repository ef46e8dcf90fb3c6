package slackemu

import (
	"fmt"
	"slices"
)

// UpdateChannel changes a channel's fields in place (its name, privacy,
// archived flag or members, such as removing the bot); its messages stay.
// The id cannot change.
func (w *Workspace) UpdateChannel(channelID string, f func(*Channel)) error {
	c := w.channel(channelID)
	if c == nil {
		return fmt.Errorf("no channel %s", channelID)
	}
	f(&c.Channel)
	c.ID = channelID
	return nil
}

// RemoveChannel deletes a channel with its messages: every method then
// answers channel_not_found for it, as Slack does for a deleted channel.
func (w *Workspace) RemoveChannel(channelID string) error {
	i := slices.IndexFunc(w.channels, func(c *channelData) bool { return c.ID == channelID })
	if i < 0 {
		return fmt.Errorf("no channel %s", channelID)
	}
	w.channels = slices.Delete(w.channels, i, i+1)
	return nil
}
