package dropbox

import (
	"context"
	"errors"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports what the app's permissions allow: indexing reads the
// account (account_info.read) and one entry of the listing
// (files.metadata.read); access sync reads the members of the first file
// listed (sharing.read). Downloads (files.content.read) are not probed,
// since telling would read a file; a missing one fails that file's
// documents with ErrInsufficientPermissions. A folder with no file leaves
// access sync indeterminate. With a team token (team_member set), group
// sync reads the first group (groups.read).
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	out := c.probeFiles(ctx)
	if c.settings.TeamMember == "" {
		return out
	}
	var pg groupsPage
	err := c.client.teamRPC(ctx, "team/groups/list", map[string]any{"limit": 1}, &pg)
	if err != nil {
		err = groupsError("dropbox: probe: list groups", err)
	}
	return append(out, tributary.ProbeOf(tributary.CapGroupSync, err, "groups.read"))
}

func (c *Connector) probeFiles(ctx context.Context) []tributary.ProbeResult {
	indexing := func(err error, scope string) []tributary.ProbeResult {
		r := tributary.ProbeOf(tributary.CapIndexing, err, scope)
		return []tributary.ProbeResult{r, {Capability: tributary.CapAccessSync, Status: tributary.ProbeIndeterminate, Err: err}}
	}
	cl, err := c.session(ctx)
	if err != nil {
		return indexing(err, "account_info.read")
	}
	var pg listPage
	args := map[string]any{"path": c.settings.Path, "recursive": true, "include_deleted": false, "limit": 25}
	if err := cl.rpc(ctx, "files/list_folder", args, &pg); err != nil {
		return indexing(classify("dropbox: probe: list folder", err), "files.metadata.read")
	}
	out := []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, nil)}
	for _, e := range pg.Entries {
		if e.Tag != "file" {
			continue
		}
		var m members
		err := cl.rpc(ctx, "sharing/list_file_members", map[string]any{"file": e.ID, "include_inherited": true, "limit": 1}, &m)
		if err != nil {
			err = classify("dropbox: probe: list file members", err)
		}
		return append(out, tributary.ProbeOf(tributary.CapAccessSync, err, "sharing.read"))
	}
	return append(out, tributary.ProbeResult{Capability: tributary.CapAccessSync, Status: tributary.ProbeIndeterminate,
		Err: tributary.NewError("dropbox: probe", tributary.ErrNotFound, errors.New("no file in the first entries of the listing"))})
}
