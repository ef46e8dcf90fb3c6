package slack

import (
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
)

// FuzzParseID: no id makes parseID panic, and an id it accepts names a
// channel and a message time that write the id back.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"https://acme.slack.com/archives/C0123ABCD/p1700000000000100",
		"https://acme.slack.com/archives/C0123ABCD/p1700000000000100?thread_ts=1700000000.000100",
		"https://acme.slack.com/archives/C0123ABCD/p12", "https://acme.slack.com/archives//p1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		channel, ts, host, err := parseID(id)
		if err != nil {
			if !errors.Is(err, tributary.ErrForeignURL) {
				t.Errorf("%q: %v, not ErrForeignURL", id, err)
			}
			return
		}
		if !isChannelID(channel) {
			t.Errorf("%q: channel %q", id, channel)
		}
		if _, ok := parseTS(ts); !ok {
			t.Errorf("%q: ts %q", id, ts)
		}
		if !strings.HasPrefix(id, host+"/archives/"+channel+"/p") {
			t.Errorf("%q: not under %s, channel %s", id, host, channel)
		}
	})
}
