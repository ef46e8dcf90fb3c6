package slack

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// FuzzHistory feeds arbitrary bodies to the decoding of a
// conversations.history or conversations.replies page and to everything
// done with its messages: nothing panics, a bad body is a classified
// error, and every ts read is a real time that writes back the same.
func FuzzHistory(f *testing.F) {
	f.Add([]byte(`{"ok":true,"messages":[{"type":"message","ts":"1700000000.000100","user":"U1","text":"hi <@U2> <#C1|general> <https://x.y|x> &amp;","reply_count":2,"latest_reply":"1700000100.000200","edited":{"ts":"1700000050.5"}}],"has_more":true,"response_metadata":{"next_cursor":"c2"}}`))
	f.Add([]byte(`{"ok":true,"messages":[{"ts":"1700000000","subtype":"bot_message","bot_id":"B1","attachments":[{"pretext":"p","fallback":"f"}],"files":[{"name":"a.png"}]},{"ts":"1699999999.9","thread_ts":"1","subtype":"tombstone"}]}`))
	f.Add([]byte(`{"ok":false,"error":"missing_scope","needed":"channels:history"}`))
	f.Add([]byte(`{"ok":true,"messages":[{"ts":"9223372036854.775807"},{"ts":"-1.5"},{"ts":"1e9"}]}`))
	f.Add([]byte(`<html>502</html>`))
	c := &Connector{}
	f.Fuzz(func(t *testing.T, body []byte) {
		var page history
		err := decode("conversations.history", body, &page)
		if err != nil {
			if _, ok := errors.AsType[*tributary.Error](err); !ok {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		_ = checkOrder(page.Messages, "")
		var texts []string
		for _, m := range page.Messages {
			for _, ts := range []string{m.TS, m.ThreadTS, m.LatestReply} {
				checkTS(t, ts)
			}
			if c.admit(m, true) || c.admit(m, false) {
				at := activity(m)
				if _, ok := parseTS(m.TS); ok && at.Before(time.UnixMicro(tsMicros(m.TS))) {
					t.Fatalf("activity %v before the post %s", at, m.TS)
				}
			}
			text := renderText(m, func(id string) string { return "name-" + id })
			if !utf8.ValidString(text) {
				t.Fatalf("invalid UTF-8 in %q", text)
			}
			texts = append(texts, text)
			link := permalink("https://acme.slack.com", "C1", m.TS, m.ThreadTS)
			if !strings.HasPrefix(link, "https://acme.slack.com/archives/C1/p") {
				t.Fatalf("permalink %q", link)
			}
		}
		if id := semanticID("general", texts, nil); !utf8.ValidString(id) {
			t.Fatalf("invalid UTF-8 in semantic id %q", id)
		}
	})
}

// checkTS checks that a ts parseTS accepts is a time after 1970 that
// formatTS writes back to the same value.
func checkTS(t *testing.T, ts string) {
	v, ok := parseTS(ts)
	if !ok {
		return
	}
	if v <= 0 {
		t.Fatalf("ts %q read as %d", ts, v)
	}
	back, ok := parseTS(formatTS(time.UnixMicro(v)))
	if !ok || back != v {
		t.Fatalf("ts %q read as %d, written back as %d", ts, v, back)
	}
}
