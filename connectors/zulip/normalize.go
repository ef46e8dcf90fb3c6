package zulip

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a Zulip web-app address of a topic, or of a message
// in one, to the topic's document id. It reads the narrow in the
// address's fragment: the channel (or the older "stream") operand, whose
// id leads it ("42-general"), and the topic (or "subject") operand,
// hash-encoded as the web app encodes it; "near" and "with" operands are
// left out, since a topic is one document. It asks nothing of the server.
// An address of another organization is ErrForeignURL; one without a
// channel id and a topic (a channel, a search, a direct message) is
// ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	site, err := url.Parse(c.site)
	if err != nil || !strings.EqualFold(u.Host, site.Host) ||
		strings.TrimRight(u.Path, "/") != strings.TrimRight(site.Path, "/") {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of "+c.site)
	}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	terms, ok := strings.CutPrefix(u.EscapedFragment(), "narrow/")
	if !ok {
		return unmappable("not the address of a topic")
	}
	segs := strings.Split(terms, "/")
	var stream int64
	topic := ""
	for i := 0; i+1 < len(segs); i += 2 {
		operand, err := decodeHash(segs[i+1])
		if err != nil {
			return unmappable("a narrow that is not encoded as Zulip encodes it")
		}
		switch segs[i] {
		case "channel", "stream":
			num, _, _ := strings.Cut(operand, "-")
			if stream, err = strconv.ParseInt(num, 10, 64); err != nil || stream <= 0 {
				return unmappable("a channel named without its id")
			}
		case "topic", "subject":
			topic = operand
		case "near", "with", "id":
		default:
			return unmappable("a narrow on " + segs[i] + ", not a topic")
		}
	}
	if stream == 0 || topic == "" {
		return unmappable("not the address of a topic")
	}
	return c.topicID(stream, topic), nil
}

// decodeHash reverses encodeHash: Zulip writes "%" as "." in a narrow.
// Browsers may percent-encode the fragment once more; that is undone
// first.
func decodeHash(s string) (string, error) {
	if strings.Contains(s, "%") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", err
		}
		s = u
	}
	return url.PathUnescape(strings.ReplaceAll(s, ".", "%"))
}
