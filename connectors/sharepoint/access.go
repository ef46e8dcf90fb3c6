package sharepoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tributary-dev/tributary"
)

// organizationGroup is the group id that stands for everyone of the
// tenant, named by files shared through an organization-wide link when
// Settings.OrganizationLinksOpen says so.
const organizationGroup = "organization"

// groupID is the id access and group sync give an Entra ID group.
func groupID(id string) string { return "group:" + id }

// itemAccess reads a driveItem's permissions (its own and the inherited
// ones) as access.
func (c *Connector) itemAccess(ctx context.Context, drive, item string) (*tributary.ExternalAccess, error) {
	var perms []apiPermission
	err := c.list(ctx, c.client.graph+"/drives/"+drive+"/items/"+item+"/permissions", PermSites, func(raw json.RawMessage) error {
		var p apiPermission
		if err := json.Unmarshal(raw, &p); err != nil {
			return tributary.NewError("sharepoint: permissions", tributary.ErrMalformedResponse, err)
		}
		perms = append(perms, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.accessOf(perms), nil
}

// siteAccess returns the access of a site's pages: the permissions of the
// root folder of the site's default library, which carry the site's
// members, owners and visitors. It is read once per site.
func (r *run) siteAccess(site string) (*tributary.ExternalAccess, error) {
	if r.pageSite == site && r.pageAccess != nil {
		return r.pageAccess, nil
	}
	acc, err := r.c.siteAccess(r.ctx, site)
	if err != nil {
		return nil, err
	}
	r.pageSite, r.pageAccess = site, acc
	return acc, nil
}

func (c *Connector) siteAccess(ctx context.Context, site string) (*tributary.ExternalAccess, error) {
	var d apiDrive
	if err := c.client.get(ctx, c.client.graph+"/sites/"+site+"/drive?$select=id", PermSites, &d); err != nil {
		if errors.Is(err, tributary.ErrNotFound) {
			return &tributary.ExternalAccess{}, nil // no library: nobody is named
		}
		return nil, err
	}
	var root apiItem
	if !graphID.MatchString(d.ID) {
		return nil, tributary.NewError("sharepoint: site library", tributary.ErrMalformedResponse, errors.New("answer without a valid id"))
	}
	if err := c.client.get(ctx, c.client.graph+"/drives/"+d.ID+"/root?$select=id", PermSites, &root); err != nil {
		return nil, err
	}
	if !graphID.MatchString(root.ID) {
		return nil, tributary.NewError("sharepoint: site library", tributary.ErrMalformedResponse, errors.New("root folder without a valid id"))
	}
	acc, err := c.itemAccess(ctx, d.ID, root.ID)
	if err != nil {
		return nil, fmt.Errorf("library %s: %w", d.ID, err)
	}
	return acc, nil
}

// accessOf maps permissions to access: users by e-mail address, Entra ID
// groups by id, sharing links by the settings (anonymous links public,
// organization links the organization group), links to named people by
// those people. SharePoint groups and accounts without an address admit
// nobody, since they cannot be matched.
func (c *Connector) accessOf(perms []apiPermission) *tributary.ExternalAccess {
	acc := &tributary.ExternalAccess{}
	add := func(s *apiIdentitySet) {
		if s == nil {
			return
		}
		if s.User != nil && strings.Contains(s.User.Email, "@") {
			acc.UserEmails = append(acc.UserEmails, strings.ToLower(s.User.Email))
		}
		if s.Group != nil && graphID.MatchString(s.Group.ID) {
			acc.GroupIDs = append(acc.GroupIDs, groupID(s.Group.ID))
		}
		if s.SiteUser != nil && s.User == nil {
			if _, login, ok := strings.Cut(s.SiteUser.LoginName, "|membership|"); ok && strings.Contains(login, "@") {
				acc.UserEmails = append(acc.UserEmails, strings.ToLower(login))
			} else if strings.Contains(s.SiteUser.Email, "@") {
				acc.UserEmails = append(acc.UserEmails, strings.ToLower(s.SiteUser.Email))
			}
		}
	}
	for _, p := range perms {
		if p.Link != nil {
			switch p.Link.Scope {
			case "anonymous":
				acc.Public = acc.Public || c.settings.AnonymousLinksPublic
			case "organization":
				if c.settings.OrganizationLinksOpen {
					acc.GroupIDs = append(acc.GroupIDs, organizationGroup)
				}
			}
			for i := range p.Identities {
				add(&p.Identities[i])
			}
			continue
		}
		if p.GrantedToV2 != nil {
			add(p.GrantedToV2)
		} else {
			add(p.GrantedTo)
		}
	}
	acc.UserEmails = sortedUnique(acc.UserEmails)
	acc.GroupIDs = sortedUnique(acc.GroupIDs)
	if len(acc.UserEmails) == 0 {
		acc.UserEmails = nil
	}
	if len(acc.GroupIDs) == 0 {
		acc.GroupIDs = nil
	}
	return acc
}
