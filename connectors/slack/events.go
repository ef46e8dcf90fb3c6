package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// maxSkew is how old (or how far in the future) a delivery's
// X-Slack-Request-Timestamp may be, as Slack advises, against replays.
const maxSkew = 5 * time.Minute

// eventEnvelope is an Events API delivery.
type eventEnvelope struct {
	Type  string       `json:"type"` // "event_callback", "url_verification"
	Event messageEvent `json:"event"`
}

// messageEvent is the part of a "message" event the connector reads.
type messageEvent struct {
	Type            string   `json:"type"`
	Subtype         string   `json:"subtype"`
	Channel         string   `json:"channel"`
	TS              string   `json:"ts"`
	ThreadTS        string   `json:"thread_ts"`
	DeletedTS       string   `json:"deleted_ts"`
	Message         *message `json:"message"`
	PreviousMessage *message `json:"previous_message"`
}

// HandleEvent turns an Events API delivery into items. It verifies the
// delivery's X-Slack-Signature with Credentials.SigningSecret and refuses
// unsigned, forged and stale ones. A "message" event (new, changed,
// deleted, replied) in a channel the connector reads yields the channel's
// node and the document of the thread it belongs to, read afresh, or the
// thread's deletion when it is gone. Other events, the url_verification
// handshake (which the host answers) and channels the connector does not
// read yield nothing.
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		if err := c.verify(ev, time.Now()); err != nil {
			yield(tributary.Item{}, err)
			return
		}
		var env eventEnvelope
		if err := json.Unmarshal(ev.Body, &env); err != nil {
			yield(tributary.Item{}, tributary.NewError("slack: event", tributary.ErrInvalidConfig,
				fmt.Errorf("malformed delivery: %w", err)))
			return
		}
		channel, parent := threadOf(env)
		if channel == "" || parent == "" {
			return
		}
		c.newRun(time.Time{}, time.Time{}, false, yield).event(ctx, channel, parent)
	}
}

// verify checks the delivery's signature: HMAC-SHA256 with the signing
// secret over "v0:<timestamp>:<body>".
func (c *Connector) verify(ev tributary.Event, now time.Time) error {
	secret := c.signingSecret.Reveal()
	if secret == "" {
		return tributary.NewError("slack: event", tributary.ErrInvalidConfig,
			errors.New("credentials.signing_secret is not set, so deliveries cannot be verified"))
	}
	h := http.Header(ev.Header)
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	got, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	sig, herr := hex.DecodeString(got)
	if err != nil || !ok || herr != nil {
		return tributary.NewError("slack: event", tributary.ErrInsufficientPermissions,
			errors.New("delivery has no valid X-Slack-Signature and X-Slack-Request-Timestamp"))
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxSkew || skew < -maxSkew {
		return tributary.NewError("slack: event", tributary.ErrInsufficientPermissions,
			fmt.Errorf("delivery timestamp is %s away from now", skew.Round(time.Second)))
	}
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:", ts)
	m.Write(ev.Body)
	if !hmac.Equal(sig, m.Sum(nil)) {
		return tributary.NewError("slack: event", tributary.ErrInsufficientPermissions,
			errors.New("delivery signature does not match the signing secret"))
	}
	return nil
}

// threadOf returns the channel and the ts of the thread parent a message
// event is about, or "" for events that change no document.
func threadOf(env eventEnvelope) (channel, parent string) {
	e := env.Event
	if env.Type != "event_callback" || e.Type != "message" {
		return "", ""
	}
	root := func(m message) string { return firstNonEmpty(m.ThreadTS, m.TS) }
	switch e.Subtype {
	case "message_changed", "message_replied":
		if e.Message == nil {
			return "", ""
		}
		return e.Channel, root(*e.Message)
	case "message_deleted":
		if e.PreviousMessage != nil {
			return e.Channel, firstNonEmpty(e.PreviousMessage.ThreadTS, e.DeletedTS)
		}
		return e.Channel, e.DeletedTS
	}
	if !contentSubtypes[e.Subtype] {
		return "", ""
	}
	return e.Channel, firstNonEmpty(e.ThreadTS, e.TS)
}

// event yields the node and the fresh document of one thread, or its
// deletion.
func (r *run) event(ctx context.Context, channel, parent string) {
	base, err := r.c.workspace(ctx)
	if err != nil {
		r.fail(err)
		return
	}
	r.base = base
	var info conversationInfo
	err = r.c.api.call(ctx, "conversations.info", url.Values{"channel": {channel}}, &info)
	if errors.Is(err, tributary.ErrNotFound) || (err == nil && !r.c.reads(info.Channel)) {
		return
	}
	if err != nil {
		r.fail(fmt.Errorf("slack: event: %w", err))
		return
	}
	ch := info.Channel
	id := permalink(r.base, ch.ID, parent, "")
	thread, err := r.replies(ctx, ch, parent)
	if errors.Is(err, tributary.ErrNotFound) || (err == nil && (len(thread) == 0 || !r.c.admit(thread[0], true))) {
		r.emit(tributary.DeletionItem(id))
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	access, err := r.access(ctx, ch)
	if err != nil {
		r.fail(err)
		return
	}
	if !r.emit(tributary.NodeItem(r.node(ch, access))) {
		return
	}
	r.message(ctx, ch, thread[0], access)
}

// reads reports whether the connector reads the channel, as channels
// does: a configured one, or, with none configured, one the app is a
// member of and, unless IncludeArchived, not archived; private channels
// only with IncludePrivate.
func (c *Connector) reads(ch conversation) bool {
	if ch.IsPrivate && !c.settings.IncludePrivate {
		return false
	}
	if len(c.settings.Channels) == 0 {
		return ch.IsMember && (!ch.IsArchived || c.settings.IncludeArchived)
	}
	for _, want := range c.settings.Channels {
		if w := normalizeChannel(want); w == ch.ID || w == ch.Name {
			return true
		}
	}
	return false
}
