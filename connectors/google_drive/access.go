package googledrive

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// access reads who may see a file (permissions.list) and maps it: a user
// permission admits the user's address, a group one the group id
// "group:ADDRESS" (the ids group sync lists), a domain one "domain:NAME",
// and anyone one makes the file public. Sharing by link (anyone or a
// domain with the link, allowFileDiscovery false) admits nobody more
// unless AnyoneWithLinkIsPublic is set, since having a link is not being
// listed. Members of a shared drive are listed by Drive among a file's
// permissions. A reader that may not list the permissions (Drive answers
// 403 or 404) gets access naming the reader alone: access is never
// guessed wider than it is.
func (c *Connector) access(ctx context.Context, f *apiFile, reader string) (*tributary.ExternalAccess, error) {
	a := &tributary.ExternalAccess{}
	q := url.Values{"supportsAllDrives": {"true"}, "pageSize": {"100"},
		"fields": {"nextPageToken,permissions(id,type,role,emailAddress,domain,allowFileDiscovery)"}}
	for token := ""; ; {
		if token != "" {
			q.Set("pageToken", token)
		}
		var pg permissionList
		err := c.client.get(ctx, join(c.client.drive, "/files/"+url.PathEscape(f.ID)+"/permissions", q), &pg)
		if errors.Is(err, tributary.ErrInsufficientPermissions) || errors.Is(err, tributary.ErrNotFound) {
			who := reader
			if who == "" {
				who = owner(f)
			}
			if who == "" {
				return &tributary.ExternalAccess{}, nil
			}
			return &tributary.ExternalAccess{UserEmails: []string{strings.ToLower(who)}}, nil
		}
		if err != nil {
			return nil, err
		}
		for _, p := range pg.Permissions {
			c.grant(a, p)
		}
		if pg.NextPageToken == "" || pg.NextPageToken == token {
			break
		}
		token = pg.NextPageToken
	}
	slices.Sort(a.UserEmails)
	a.UserEmails = slices.Compact(a.UserEmails)
	slices.Sort(a.GroupIDs)
	a.GroupIDs = slices.Compact(a.GroupIDs)
	return a, nil
}

// grant adds one permission to a.
func (c *Connector) grant(a *tributary.ExternalAccess, p apiPermission) {
	byLink := p.AllowFileDiscovery != nil && !*p.AllowFileDiscovery
	if byLink && !c.settings.AnyoneWithLinkIsPublic {
		return
	}
	switch p.Type {
	case "user":
		if p.EmailAddress != "" {
			a.UserEmails = append(a.UserEmails, strings.ToLower(p.EmailAddress))
		}
	case "group":
		if p.EmailAddress != "" {
			a.GroupIDs = append(a.GroupIDs, groupID(p.EmailAddress))
		}
	case "domain":
		if p.Domain != "" {
			a.GroupIDs = append(a.GroupIDs, domainID(p.Domain))
		}
	case "anyone":
		a.Public = true
	}
}

// groupID and domainID are the ids of a Google group and of everyone in a
// Workspace domain, in access and group sync alike.
func groupID(email string) string { return "group:" + strings.ToLower(email) }
func domainID(d string) string    { return "domain:" + strings.ToLower(d) }
