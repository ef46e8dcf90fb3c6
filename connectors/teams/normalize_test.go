package teams

import (
	"errors"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, graphemu.TeamsOptions{Threads: 2, Replies: 1, Seed: 3}, graphemu.Options{})
	team, ch := f.data.Teams[0], f.data.Teams[0].Channels[0]
	root := ch.Messages[0]
	reply := &graphemu.Message{ID: "1700000000123", ReplyToID: root.ID, Created: root.Created}
	c := f.connector(t, f.settings())
	thread := threadID(team.ID, ch.ID, root.ID)
	channel := graphRoot + "/teams/" + team.ID + "/channels/" + ch.ID
	for in, want := range map[string]string{
		graphemu.MessageWebURL(f.data.TenantID, team.DisplayName, ch, root):  thread,
		graphemu.MessageWebURL(f.data.TenantID, team.DisplayName, ch, reply): thread,
		graphemu.ChannelWebURL(f.data.TenantID, ch):                          channel,
		thread + "/replies/1700000000123":                                    thread,
		channel:                                                              channel,
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		if err != nil || got != want {
			t.Errorf("NormalizeURL(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, kind := range map[string]error{
		"https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000": tributary.ErrNotSupported,
		"https://teams.microsoft.com/l/meetup-join/x":                             tributary.ErrNotSupported,
		"https://example.com/l/message/x":                                         tributary.ErrForeignURL,
		graphRoot + "/drives/b!x/items/y":                                         tributary.ErrForeignURL,
	} {
		if _, err := c.NormalizeURL(t.Context(), in); !errors.Is(err, kind) {
			t.Errorf("NormalizeURL(%s): %v, want %v", in, err, kind)
		}
	}
	s := f.settings()
	s.Teams = []string{"0b3c9f0e-4a2b-4c1d-9e8f-7a6b5c4d3e2f"}
	other := f.connector(t, s)
	if _, err := other.NormalizeURL(t.Context(), thread); !errors.Is(err, tributary.ErrForeignURL) {
		t.Errorf("a thread of a team the settings leave out: %v", err)
	}
}
