package box

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// NormalizeURL maps a Box web address to its document id: a file's
// (https://app.box.com/file/ID, /files/ID, a Box Note's /notes/ID, on
// app.box.com or an enterprise's *.app.box.com) and an archive entry's
// id as the connector yields it or links it (FILE#!/ENTRY); a shared link (/s/... or /shared/...)
// is resolved with GET /2.0/shared_items. A folder's address names no
// document (ErrNotSupported); another site's is ErrForeignURL. Whether
// the file lies under the configured folders is not checked.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	host := strings.ToLower(u.Hostname())
	if host != "app.box.com" && !strings.HasSuffix(host, ".app.box.com") && host != "box.com" && host != "www.box.com" {
		return "", tributary.ForeignURL(Source, rawURL, "not a Box address")
	}
	parts := strings.SplitN(strings.Trim(u.Path, "/"), "/", 3)
	if len(parts) < 2 {
		return "", tributary.UnmappableURL(Source, rawURL, "names no file")
	}
	switch parts[0] {
	case "file", "files", "notes":
		// An archive's entry: /file/ID!/ENTRY.
		id, entry, packed := strings.Cut(strings.TrimPrefix(u.Path, "/"+parts[0]+"/"), "!")
		switch {
		case !numeric(id):
			return "", tributary.UnmappableURL(Source, rawURL, "names no file id")
		case packed && strings.HasPrefix(entry, "/") && len(entry) > 1:
			return fileID(id) + "!" + entry, nil
		case strings.HasPrefix(u.Fragment, "!/") && len(u.Fragment) > 2:
			return fileID(id) + u.Fragment, nil // an entry's link
		}
		return fileID(id), nil
	case "folder", "folders":
		return "", tributary.UnmappableURL(Source, rawURL, "a folder is no document")
	case "s", "shared":
		return c.sharedLink(ctx, rawURL, u)
	}
	return "", tributary.UnmappableURL(Source, rawURL, "names no file")
}

// sharedLink resolves a shared link to the file it shares.
func (c *Connector) sharedLink(ctx context.Context, rawURL string, u *url.URL) (string, error) {
	link := url.URL{Scheme: "https", Host: u.Host, Path: u.Path}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.client.api+"/shared_items?fields=id,type,name", nil)
	if err != nil {
		return "", tributary.NewError("box: normalize url", tributary.ErrInvalidConfig, err)
	}
	req.Header.Set("BoxApi", "shared_link="+link.String())
	var it mini
	if _, err := c.client.http.DoJSON(req, &it); err != nil {
		return "", fmt.Errorf("box: resolve shared link: %w", err)
	}
	if it.Type != "file" || !numeric(it.ID) {
		return "", tributary.UnmappableURL(Source, rawURL, "the shared link names a "+it.Type+", not a file")
	}
	return fileID(it.ID), nil
}
