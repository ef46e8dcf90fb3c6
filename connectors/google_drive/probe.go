package googledrive

import (
	"context"
	"errors"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the credentials allow: indexing (Validate, with the
// drive.readonly scope), access sync (the permissions of one file) and
// group sync (groups.list as the administrator, with the group scope).
// With a service account, a scope its domain-wide delegation lacks is
// named as missing.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	admin := ""
	if c.client.mode == "service_account" {
		admin = c.settings.AdminEmail
	}
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx), ScopeDriveReadonly)}
	out = append(out, tributary.ProbeOf(tributary.CapAccessSync, c.probeAccess(google.As(ctx, admin, ScopeDriveReadonly)), ScopeDriveReadonly))
	q := url.Values{"customer": {"my_customer"}, "maxResults": {"1"}, "fields": {"groups(id)"}}
	err := c.client.get(google.As(ctx, admin, ScopeGroupReadonly), join(c.client.admin, "/groups", q), &groupList{})
	out = append(out, tributary.ProbeOf(tributary.CapGroupSync, err, ScopeGroupReadonly))
	return out
}

// probeAccess lists the permissions of one file the reader sees.
func (c *Connector) probeAccess(ctx context.Context) error {
	q := url.Values{"pageSize": {"1"}, "fields": {"files(id)"}, "supportsAllDrives": {"true"}, "includeItemsFromAllDrives": {"true"},
		"corpora": {"allDrives"}, "q": {"trashed = false"}}
	var pg struct {
		Files []struct {
			ID string `json:"id"`
		} `json:"files"`
	}
	if err := c.client.get(ctx, join(c.client.drive, "/files", q), &pg); err != nil {
		return err
	}
	if len(pg.Files) == 0 || !driveID.MatchString(pg.Files[0].ID) {
		return nil // nothing to read the sharing of
	}
	err := c.client.get(ctx, join(c.client.drive, "/files/"+url.PathEscape(pg.Files[0].ID)+"/permissions",
		url.Values{"pageSize": {"1"}, "supportsAllDrives": {"true"}, "fields": {"permissions(id)"}}), &permissionList{})
	if errors.Is(err, tributary.ErrNotFound) {
		return nil // gone meanwhile
	}
	return err
}
