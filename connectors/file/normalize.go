package file

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a file's address to its document id. It takes a
// document id (file://NAME/REL, with archive entries after "!/") written
// with any percent-encoding, a file:// URL of the file on this machine
// (file:///srv/share/a.md, the link documents carry) and a plain absolute
// path. A path outside every configured root, or with a ".." segment,
// fails with ErrForeignURL; nothing on disk is read.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	raw := strings.TrimSpace(rawURL)
	if filepath.IsAbs(raw) {
		return c.pathID(rawURL, raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" {
		return "", tributary.ForeignURL(Source, rawURL, "not a file:// URL or an absolute path")
	}
	if u.Host == "" {
		return c.pathID(rawURL, filepath.FromSlash(u.Path))
	}
	for _, r := range c.roots {
		if r.name != u.Host {
			continue
		}
		parts := strings.Split(u.EscapedPath(), "!/")
		for i, p := range parts {
			rel, err := url.PathUnescape(p)
			if err != nil {
				return "", tributary.UnmappableURL(Source, rawURL, "bad percent-encoding")
			}
			if rel, err = cleanRel(rawURL, rel); err != nil {
				return "", err
			}
			parts[i] = escapePath(rel)
		}
		return "file://" + r.name + "/" + strings.Join(parts, "!/"), nil
	}
	return "", tributary.ForeignURL(Source, rawURL, "no root is named "+u.Host)
}

// pathID is the id of the file at an absolute path on this machine.
func (c *Connector) pathID(rawURL, p string) (string, error) {
	p = filepath.Clean(p)
	for _, r := range c.roots {
		rel, err := filepath.Rel(r.path, p)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		return docID(r.name, filepath.ToSlash(rel)), nil
	}
	return "", tributary.ForeignURL(Source, rawURL, "not below a configured root")
}

// cleanRel checks a slash-separated path below a root: no "..", no empty
// result, surrounding slashes dropped.
func cleanRel(rawURL, rel string) (string, error) {
	rel = strings.Trim(rel, "/")
	for seg := range strings.SplitSeq(rel, "/") {
		if seg == ".." {
			return "", tributary.ForeignURL(Source, rawURL, "the path leaves its root")
		}
	}
	if rel == "" {
		return "", tributary.UnmappableURL(Source, rawURL, "names a root, not a file")
	}
	return rel, nil
}
