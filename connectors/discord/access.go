package discord

import (
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// Group ids, as ExternalAccess and group sync name them.
func guildGroup(guild string) string      { return "guild:" + guild }
func roleGroup(guild, role string) string { return "role:" + guild + "/" + role }

func perms(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// access is who may read a channel (and its threads), from its
// permission overwrites and the guild's roles: when @everyone (the role
// with the guild's id) may view it after the channel's overwrite for it,
// the guild's group; otherwise each role that may (Administrator, or View
// Channel from the role with @everyone's permissions, after the
// overwrites of @everyone and of the role), and the members an overwrite
// allows, by the address user_emails gives them. The guild's owner, who
// sees every channel, is not named.
func (c *Connector) access(gi *guildInfo, ch apiChannel) *tributary.ExternalAccess {
	var everyone uint64
	for _, r := range gi.roles {
		if r.ID == gi.ID {
			everyone = perms(r.Permissions)
		}
	}
	overwrite := map[string]apiOverwrite{}
	for _, o := range ch.Overwrites {
		overwrite[strconv.Itoa(o.Type)+":"+o.ID] = o
	}
	apply := func(p uint64, key string) uint64 {
		if o, ok := overwrite[key]; ok {
			p = p&^perms(o.Deny) | perms(o.Allow)
		}
		return p
	}
	if everyone&permAdministrator != 0 || apply(everyone, "0:"+gi.ID)&permViewChannel != 0 {
		return &tributary.ExternalAccess{GroupIDs: []string{guildGroup(gi.ID)}}
	}
	acc := &tributary.ExternalAccess{}
	for _, r := range gi.roles {
		if r.ID == gi.ID {
			continue
		}
		p := everyone | perms(r.Permissions)
		if p&permAdministrator == 0 {
			p = apply(apply(p, "0:"+gi.ID), "0:"+r.ID)
		}
		if p&(permAdministrator|permViewChannel) != 0 {
			acc.GroupIDs = append(acc.GroupIDs, roleGroup(gi.ID, r.ID))
		}
	}
	for _, o := range ch.Overwrites {
		if o.Type == 1 && perms(o.Allow)&permViewChannel != 0 {
			if addr := c.settings.UserEmails[o.ID]; addr != "" {
				acc.UserEmails = append(acc.UserEmails, addr)
			}
		}
	}
	slices.Sort(acc.GroupIDs)
	slices.Sort(acc.UserEmails)
	return acc
}
