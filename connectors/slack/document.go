package slack

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// contentSubtypes are the message subtypes that carry what people wrote;
// the others (joins, topic changes, pins ...) are channel events.
var contentSubtypes = map[string]bool{"": true, "me_message": true, "file_share": true,
	"thread_broadcast": true, "bot_message": true}

// admit reports whether a message is indexed. A top-level message that is
// a thread reply broadcast to the channel belongs to its thread and is not
// a document of its own. Bot messages are admitted when IncludeBots is set.
//
// A deleted parent whose thread lives on is a "tombstone": its thread is
// still a document, under the parent's permalink.
func (c *Connector) admit(m message, topLevel bool) bool {
	if m.Subtype == "tombstone" {
		return topLevel && (m.ReplyCount > 0 || m.LatestReply != "")
	}
	if !contentSubtypes[m.Subtype] {
		return false
	}
	if topLevel && m.ThreadTS != "" && m.ThreadTS != m.TS {
		return false
	}
	if isBot(m) && !c.settings.IncludeBots {
		return false
	}
	return true
}

func isBot(m message) bool { return m.BotID != "" || m.Subtype == "bot_message" }

// activity is when a top-level message last changed as far as history
// shows: its post, its last reply, or its last edit. A document's UpdatedAt
// is its activity, and windows select documents by it. Edits of replies are
// not visible in history and do not move it.
func activity(m message) time.Time {
	t := tsMicros(m.TS)
	if v, ok := parseTS(m.LatestReply); ok && v > t {
		t = v
	}
	if m.Edited != nil {
		if v, ok := parseTS(m.Edited.TS); ok && v > t {
			t = v
		}
	}
	return time.UnixMicro(t).UTC()
}

// document builds the document of a thread (parent and replies) or of an
// unthreaded message.
func (r *run) document(ctx context.Context, ch conversation, parent message, access *tributary.ExternalAccess) (*tributary.Document, error) {
	msgs := []message{parent}
	threaded := parent.ReplyCount > 0 || parent.LatestReply != ""
	if threaded {
		thread, err := r.replies(ctx, ch, parent.TS)
		if err != nil {
			return nil, err
		}
		if len(thread) == 0 || thread[0].TS != parent.TS {
			thread = append([]message{parent}, thread...)
		}
		msgs = thread
	}
	id := permalink(r.base, ch.ID, parent.TS, "")
	doc := &tributary.Document{
		ID: id, Source: Source,
		CreatedAt: time.UnixMicro(tsMicros(parent.TS)).UTC(), UpdatedAt: activity(parent),
		Metadata: tributary.Metadata{}, ParentID: r.channelLink(ch.ID), ExternalAccess: cloneAccess(access),
	}
	doc.Metadata.Add("channel", ch.Name)
	doc.Metadata.Add("channel_id", ch.ID)
	doc.Metadata.Add("type", map[bool]string{true: "thread", false: "message"}[threaded])
	var texts []string
	for i, m := range msgs {
		if _, ok := parseTS(m.TS); !ok || (i > 0 && (!r.c.admit(m, false) || m.TS == parent.TS)) {
			continue
		}
		who, err := r.person(ctx, m)
		if err != nil {
			return nil, err
		}
		text, err := r.render(ctx, m)
		if err != nil {
			return nil, err
		}
		texts = append(texts, text)
		link := id
		if i > 0 {
			link = permalink(r.base, ch.ID, m.TS, parent.TS)
		}
		doc.Sections = append(doc.Sections, tributary.Section{Kind: tributary.SectionText, Link: link,
			Heading: who.DisplayName, Text: text})
		switch {
		case i == 0:
			doc.PrimaryOwners = []tributary.Person{who}
		case !slices.Contains(doc.PrimaryOwners, who) && !slices.Contains(doc.SecondaryOwners, who):
			doc.SecondaryOwners = append(doc.SecondaryOwners, who)
		}
	}
	doc.SemanticID = semanticID(ch.Name, texts, doc.PrimaryOwners)
	doc.Title = doc.SemanticID
	return doc, nil
}

// replies reads a whole thread, parent first.
func (r *run) replies(ctx context.Context, ch conversation, ts string) ([]message, error) {
	q := url.Values{"channel": {ch.ID}, "ts": {ts}, "limit": {strconv.Itoa(r.c.settings.PageSize)}}
	var out []message
	for {
		var page history
		if err := r.c.api.call(ctx, "conversations.replies", q, &page); err != nil {
			return nil, fmt.Errorf("slack: read thread %s in #%s: %w", ts, ch.Name, err)
		}
		out = append(out, page.Messages...)
		next := page.Metadata.NextCursor
		if next == "" {
			if page.HasMore {
				return nil, tributary.NewError("slack: read thread", tributary.ErrMalformedResponse,
					errors.New("conversations.replies says it has more but gave no cursor"))
			}
			return out, nil
		}
		if next == q.Get("cursor") {
			return nil, tributary.NewError("slack: read thread", tributary.ErrMalformedResponse,
				errors.New("conversations.replies returned the same cursor twice"))
		}
		q.Set("cursor", next)
	}
}

// semanticID is "#channel: first words of the parent" (texts[0]).
func semanticID(channel string, texts []string, owners []tributary.Person) string {
	text := ""
	if len(texts) > 0 {
		text = strings.Join(strings.Fields(texts[0]), " ")
	}
	if text == "" && len(owners) > 0 {
		text = "message by " + owners[0].DisplayName
	}
	const maxLen = 80
	if len(text) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if sp := strings.LastIndexByte(text[:cut], ' '); sp > maxLen/2 {
			cut = sp
		}
		text = text[:cut] + "…"
	}
	return "#" + channel + ": " + text
}

var markup = regexp.MustCompile(`<([^<>]*)>`)

// render is renderText with user mentions resolved to display names
// through the run's user cache.
func (r *run) render(ctx context.Context, m message) (string, error) {
	var failed error
	text := renderText(m, func(id string) string {
		u, err := r.user(ctx, id)
		if err != nil {
			failed = err
			return id
		}
		return u.person.DisplayName
	})
	return text, failed
}

// renderText turns Slack's mrkdwn references into text: <url|label>
// becomes "label (url)", <#C123|name> "#name", <@U123> "@name" (through
// userName), <!here> "@here". The text of legacy attachments (where bots
// put their content) and the names of files are appended.
func renderText(m message, userName func(id string) string) string {
	raw := m.Text
	for _, a := range m.Attachments {
		parts := []string{a.Pretext, a.Title, a.Text}
		if a.Title == "" && a.Text == "" {
			parts = append(parts, a.Fallback)
		}
		for _, p := range parts {
			if p = strings.TrimSpace(p); p != "" {
				raw += "\n" + p
			}
		}
	}
	text := markup.ReplaceAllStringFunc(raw, func(s string) string {
		ref, label, hasLabel := strings.Cut(s[1:len(s)-1], "|")
		switch {
		case strings.HasPrefix(ref, "#"):
			if hasLabel {
				return "#" + label
			}
			return ref
		case strings.HasPrefix(ref, "@"):
			if hasLabel {
				return "@" + label
			}
			return "@" + userName(ref[1:])
		case strings.HasPrefix(ref, "!"):
			if hasLabel {
				return label
			}
			return "@" + strings.TrimPrefix(ref, "!")
		case hasLabel:
			return label + " (" + ref + ")"
		}
		return ref
	})
	text = strings.TrimSpace(html.UnescapeString(text))
	for _, f := range m.Files {
		name := f.Title
		if name == "" {
			name = f.Name
		}
		if name != "" {
			text += "\n[file: " + name + "]"
		}
	}
	return text
}

// permalink builds the link chat.getPermalink returns:
// https://acme.slack.com/archives/C123/p1700000000000100, with thread_ts
// and cid for a reply.
func permalink(base, channel, ts, threadTS string) string {
	link := base + "/archives/" + channel + "/p" + digits(ts)
	if threadTS != "" && threadTS != ts {
		link += "?thread_ts=" + threadTS + "&cid=" + channel
	}
	return link
}

// digits is ts without its dot, with six digits after the seconds.
func digits(ts string) string {
	us, ok := parseTS(ts)
	if !ok {
		return strings.ReplaceAll(ts, ".", "")
	}
	return fmt.Sprintf("%d%06d", us/1e6, us%1e6)
}

// maxTSSeconds is the largest ts, in seconds, whose microseconds fit an
// int64; a larger one is not a time.
const maxTSSeconds = (math.MaxInt64 - 999_999) / 1_000_000

// parseTS reads a Slack ts ("1700000000.000100") as microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 || s > maxTSSeconds || len(frac) > 6 {
		return 0, false
	}
	f := int64(0)
	if frac != "" {
		f, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
	}
	return s*1e6 + f, true
}

// tsMicros is parseTS for a ts already checked, 0 otherwise.
func tsMicros(ts string) int64 {
	v, _ := parseTS(ts)
	return v
}

// formatTS writes a time as a ts.
func formatTS(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	c := *a
	c.UserEmails = slices.Clone(a.UserEmails)
	c.GroupIDs = slices.Clone(a.GroupIDs)
	return &c
}
