package sharepoint

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// sharePointHost reports a SharePoint Online host of any cloud.
func sharePointHost(host string) bool {
	host = strings.ToLower(host)
	for _, suffix := range []string{".sharepoint.com", ".sharepoint.us", ".sharepoint-mil.us", ".sharepoint.cn"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// NormalizeURL returns the document id a URL names: a document id itself,
// a file's link (its webUrl, resolved through /shares/u!{url}/driveItem)
// or a page's link (…/SitePages/NAME.aspx, found among its site's pages),
// whatever its query or fragment. A URL of another host, or of a site not
// configured when sites are listed, fails with ErrForeignURL; a SharePoint
// URL that names no file or page (a folder, a library, a site) with
// ErrNotSupported. Errors name the URL without query, fragment or user.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	const op = "sharepoint: normalize url"
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New("not an http or https URL"))
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	shown := u.String()
	if _, _, _, ok := c.parseID(shown); ok {
		return shown, nil
	}
	if !sharePointHost(u.Host) {
		return "", tributary.NewError(op, tributary.ErrForeignURL, errors.New(shown+" is not a SharePoint URL"))
	}
	if site, name, ok := strings.Cut(u.Path, "/SitePages/"); ok && strings.HasSuffix(strings.ToLower(name), ".aspx") {
		id, err := c.pageByName(ctx, "https://"+u.Host+site, name)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", op, shown, err)
		}
		return id, nil
	}
	var it apiItem
	token := "u!" + base64.RawURLEncoding.EncodeToString([]byte(shown))
	err = c.client.get(ctx, c.client.graph+"/shares/"+token+"/driveItem?$select=id,parentReference,file", PermSites, &it)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return "", tributary.NewError(op, tributary.ErrNotSupported, errors.New(shown+" names no file the app can read"))
	case err != nil:
		return "", fmt.Errorf("%s: %s: %w", op, shown, err)
	case it.File == nil:
		return "", tributary.NewError(op, tributary.ErrNotSupported, errors.New(shown+" names no file"))
	case !graphID.MatchString(it.ID) || it.Parent == nil || !graphID.MatchString(it.Parent.DriveID):
		return "", tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("a driveItem without id or parentReference"))
	}
	if err := c.inScope(ctx, it.Parent.SiteID); err != nil {
		return "", fmt.Errorf("%s: %s: %w", op, shown, err)
	}
	return c.itemID(it.Parent.DriveID, it.ID), nil
}

// inScope fails with ErrForeignURL for a site the settings leave out.
func (c *Connector) inScope(ctx context.Context, site string) error {
	if len(c.settings.Sites) == 0 {
		return nil
	}
	sites, err := c.sites(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(sites, func(s apiSite) bool { return strings.EqualFold(s.ID, site) }) {
		return tributary.NewError("sharepoint", tributary.ErrForeignURL, errors.New("not in a configured site"))
	}
	return nil
}

// pageByName finds a page by file name among the pages of the site at
// siteURL.
func (c *Connector) pageByName(ctx context.Context, siteURL, name string) (string, error) {
	s, err := c.site(ctx, siteURL)
	if errors.Is(err, tributary.ErrNotFound) {
		return "", tributary.NewError("sharepoint", tributary.ErrNotSupported, errors.New("no such site"))
	}
	if err != nil {
		return "", err
	}
	if err := c.inScope(ctx, s.ID); err != nil {
		return "", err
	}
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	found := ""
	err = c.list(ctx, c.client.graph+"/sites/"+s.ID+"/pages/microsoft.graph.sitePage?$select=id,name&$top=999", PermSites, func(raw json.RawMessage) error {
		var p apiPage
		if json.Unmarshal(raw, &p) == nil && found == "" && strings.EqualFold(p.Name, name) && graphID.MatchString(p.ID) {
			found = c.pageID(s.ID, p.ID)
		}
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case found == "":
		return "", tributary.NewError("sharepoint", tributary.ErrNotSupported, errors.New("no such page"))
	}
	return found, nil
}
