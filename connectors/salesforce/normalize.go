package salesforce

import (
	"context"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps the address of a record, as a person pastes it, to its
// document id: a Lightning page /lightning/r/OBJECT/ID/view (any tab after
// the id, a query or a fragment) on the org's instance or its Lightning
// host (acme.lightning.force.com for acme.my.salesforce.com), or a
// Classic address https://INSTANCE/ID, whose object is found by the id's
// key prefix among the objects the settings read. A 15-character id
// becomes the 18-character one (its case-checksum suffix added); an
// 18-character id is taken in any case. It signs in once to learn the
// instance. An address of another host is ErrForeignURL; one of the org
// that names no record of an object the settings read is ErrNotSupported.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	s, err := c.client.auth.session(ctx)
	if err != nil {
		return "", err
	}
	if !orgHost(s.instance, u.Hostname()) {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of the org's instance")
	}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	var object, id string
	switch {
	case len(segs) >= 4 && segs[0] == "lightning" && segs[1] == "r":
		object, id = segs[2], segs[3]
	case len(segs) == 1 || len(segs) == 2 && segs[1] == "view" || len(segs) == 2 && segs[1] == "e":
		id = segs[0]
	default:
		return unmappable("not the address of a record")
	}
	id, ok := id18(id)
	if !ok {
		return unmappable("no record id")
	}
	for _, name := range c.settings.objects() {
		if object != "" {
			if strings.EqualFold(name, object) {
				return recordID(s.instance, name, id), nil
			}
			continue
		}
		info, err := c.describe(ctx, name)
		if err != nil {
			continue // an object that cannot be read has no documents
		}
		if info.prefix != "" && strings.HasPrefix(id, info.prefix) {
			return recordID(s.instance, info.name, id), nil
		}
	}
	return unmappable("a record of an object the settings do not read")
}

// orgHost reports whether host serves the org of the instance: the
// instance's host, or for a My Domain its Lightning host.
func orgHost(instance, host string) bool {
	inst := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(instance, "https://"), "http://"))
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(inst, ":"); ok {
		inst = h
	}
	if host == inst {
		return true
	}
	for _, suffix := range []string{".sandbox.my.salesforce.com", ".develop.my.salesforce.com", ".my.salesforce.com"} {
		if name, ok := strings.CutSuffix(inst, suffix); ok {
			return host == name+strings.Replace(suffix, ".my.salesforce.com", ".lightning.force.com", 1)
		}
	}
	return false
}

// idAlphabet writes the checksum suffix of an 18-character id.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// id18 returns the 18-character form of a record id: a 15-character id
// (case-sensitive) with the three characters that encode which of its
// letters are upper case, or an 18-character id in any case with the case
// of its first 15 characters restored from its suffix. It reports false
// for anything else.
func id18(id string) (string, bool) {
	if !recordIDPattern.MatchString(id) {
		return "", false
	}
	if len(id) == 15 {
		suffix := make([]byte, 3)
		for chunk := range 3 {
			n := 0
			for i := range 5 {
				if c := id[chunk*5+i]; c >= 'A' && c <= 'Z' {
					n |= 1 << i
				}
			}
			suffix[chunk] = idAlphabet[n]
		}
		return id + string(suffix), true
	}
	b := []byte(strings.ToLower(id[:15]))
	for chunk := range 3 {
		n := strings.IndexByte(idAlphabet, upper(id[15+chunk]))
		if n < 0 {
			return "", false
		}
		for i := range 5 {
			if n&(1<<i) != 0 {
				c := b[chunk*5+i]
				if c < 'a' || c > 'z' {
					return "", false // the suffix says upper case where no letter is
				}
				b[chunk*5+i] = c - 'a' + 'A'
			}
		}
	}
	return id18(string(b))
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
