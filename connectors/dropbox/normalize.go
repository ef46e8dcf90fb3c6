package dropbox

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a file's address in Dropbox's web app to its document
// id: https://www.dropbox.com/home/FOLDER/FILE, and the folder view with
// the file open (/home/FOLDER?preview=FILE), with any other query. It
// asks Dropbox for the file's metadata (files/get_metadata), so the id
// carries the path as Dropbox lower-cases it. An address that is not
// Dropbox's, or a file outside the configured folder, is ErrForeignURL; a
// folder, a shared link (/s/..., /scl/...), which names a file by a token
// and not by its path, and any other page are ErrNotSupported; a file
// Dropbox does not have is ErrNotFound.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	if host := strings.ToLower(u.Hostname()); host != "www.dropbox.com" && host != "dropbox.com" {
		return "", tributary.ForeignURL(Source, rawURL, "not a Dropbox address")
	}
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	// An archive entry's id (FILE!/ENTRY, or FILE#!/ENTRY as a browser
	// may keep it) names the archive's file and the entry after it.
	escaped, member, inArchive := archive.SplitID(u.EscapedPath())
	if !inArchive {
		if e, ok := strings.CutPrefix(u.EscapedFragment(), "!/"); ok {
			member, inArchive = e, true
		}
	}
	if inArchive && (member == "" || !c.settings.OpenArchives) {
		return unmappable("not an entry of an archive these settings open")
	}
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return unmappable("not the address of a file")
	}
	p, ok := strings.CutPrefix(unescaped, "/home")
	switch {
	case strings.HasPrefix(u.Path, "/s/") || strings.HasPrefix(u.Path, "/scl/"):
		return unmappable("a shared link names a file by its token, not its path")
	case !ok || p != "" && !strings.HasPrefix(p, "/"):
		return unmappable("not the address of a file")
	}
	p = strings.TrimRight(p, "/")
	if name := u.Query().Get("preview"); name != "" {
		if strings.Contains(name, "/") {
			return unmappable("a preview that names a path, not a file")
		}
		p += "/" + name
	}
	if p == "" || path.Clean(p) != p {
		return unmappable("not the address of a file")
	}
	if !under(strings.ToLower(p), strings.ToLower(c.settings.Path)) {
		return "", tributary.ForeignURL(Source, rawURL, "outside the configured folder "+c.settings.Path)
	}
	cl, err := c.session(ctx)
	if err != nil {
		return "", fmt.Errorf("dropbox: normalize url: %w", err)
	}
	var e entry
	if err := cl.rpc(ctx, "files/get_metadata", map[string]any{"path": p}, &e); err != nil {
		return "", classify("dropbox: normalize url", err)
	}
	switch {
	case e.Tag == "folder":
		return unmappable("a folder, not a file")
	case e.Tag != "file" || e.PathLower == "":
		return "", tributary.NewError("dropbox: normalize url", tributary.ErrNotFound, fmt.Errorf("no file at %s", p))
	}
	if inArchive {
		return idOf(e.PathLower) + "!/" + member, nil
	}
	return idOf(e.PathLower), nil
}
