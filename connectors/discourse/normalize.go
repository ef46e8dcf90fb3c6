package discourse

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps the address of a topic, or of a post in it, as a
// person copies it from the forum, to the topic's document id BASE/t/ID.
// It reads the forms Discourse routes: /t/SLUG/ID, /t/SLUG/ID/POST,
// /t/ID and /t/ID/POST, with .json, /print, a query (?u=USER, the share
// button's) or a fragment after them; two numbers after /t/ are a topic
// and a post, as Discourse reads them. It asks nothing of the forum. An
// address of another forum is ErrForeignURL; one of a category, a user, a
// search or a post's short /p/ID link (which only the forum can resolve)
// is ErrNotSupported.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	root, err := url.Parse(c.root)
	if err != nil || !strings.EqualFold(u.Host, root.Host) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of "+c.root)
	}
	// The base URL is the forum's root (the settings refuse a path), so
	// the path names the topic.
	rest := strings.TrimPrefix(u.Path, "/")
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	segs := strings.Split(strings.TrimSuffix(strings.Trim(rest, "/"), ".json"), "/")
	if segs[0] != "t" || len(segs) < 2 {
		return unmappable("not the address of a topic")
	}
	segs = segs[1:]
	if len(segs) > 1 && segs[len(segs)-1] == "print" {
		segs = segs[:len(segs)-1]
	}
	number := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || strconv.Itoa(n) != s {
			return 0
		}
		return n
	}
	var id int
	switch {
	case number(segs[0]) > 0 && (len(segs) == 1 || len(segs) == 2 && number(segs[1]) > 0):
		id = number(segs[0])
	case len(segs) >= 2 && len(segs) <= 3 && number(segs[1]) > 0 && (len(segs) == 2 || number(segs[2]) > 0):
		id = number(segs[1])
	default:
		return unmappable("not the address of a topic")
	}
	return c.topicID(id), nil
}
