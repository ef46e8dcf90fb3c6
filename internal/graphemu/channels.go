package graphemu

import (
	"net/http"
	"net/url"
	"strconv"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// channelRoutes serve a team's channels (its own, and all it sees,
// shared channels of other teams included) and a channel's members.
func (s *Server) channelRoutes() {
	p := GraphPrefix + "/teams/{team}"
	s.Handle("GET "+p+"/channels", s.serve(s.listChannels))
	s.Handle("GET "+p+"/allChannels", s.serve(s.listChannels))
	s.Handle("GET "+p+"/channels/{channel}", s.serve(s.getChannel))
	s.Handle("GET "+p+"/channels/{channel}/members", s.serve(s.channelMembers))
}

// channelRoles may read channels.
var channelRoles = []string{ChannelReadBasicAll, "ChannelSettings.Read.All", GroupReadAll, DirectoryReadAll}

// ChannelWebURL is the Teams link of a channel.
func ChannelWebURL(tenant string, ch *Channel) string {
	return "https://teams.microsoft.com/l/channel/" + url.QueryEscape(ch.ID) + "/" + url.PathEscape(ch.DisplayName) +
		"?groupId=" + ch.TeamID + "&tenantId=" + tenant
}

func (d *Data) channelJSON(ch *Channel) map[string]any {
	return map[string]any{"id": ch.ID, "displayName": ch.DisplayName, "description": ch.Description,
		"membershipType": ch.MembershipType, "createdDateTime": timeString(ch.Created), "tenantId": d.TenantID,
		"email": "", "webUrl": ChannelWebURL(d.TenantID, ch)}
}

// listChannels answers every channel at once, as Graph does (no paging):
// /channels the team's own, /allChannels also those shared with it.
func (s *Server) listChannels(c *call) (int, any) {
	t, e := s.team(c, channelRoles)
	if e != nil {
		return 0, e
	}
	out := []any{}
	for _, ch := range t.Channels {
		out = append(out, s.data.channelJSON(ch))
	}
	if c.r.Pattern == "GET "+GraphPrefix+"/teams/{team}/allChannels" {
		for _, other := range s.data.Teams {
			for _, ch := range other.Channels {
				for _, id := range ch.SharedWith {
					if id == t.ID && other != t {
						out = append(out, s.data.channelJSON(ch))
					}
				}
			}
		}
	}
	return http.StatusOK, listing(out, "")
}

// channel returns the channel a call names, or the error answer.
func (s *Server) channel(c *call, roles []string) (*Channel, any) {
	t, e := s.team(c, roles)
	if e != nil {
		return nil, e
	}
	ch := t.Channel(c.r.PathValue("channel"))
	if ch == nil {
		return nil, Code{Status: http.StatusNotFound, Code: "NotFound", Message: "Channel " + c.r.PathValue("channel") + " not found."}
	}
	return ch, nil
}

func (s *Server) getChannel(c *call) (int, any) {
	ch, e := s.channel(c, channelRoles)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.data.channelJSON(ch)
}

// memberRoles may read channel members.
var memberRoles = []string{ChannelMemberReadAll, "ChannelMember.ReadWrite.All"}

// channelMembers answers a channel's members as conversation members: a
// standard channel's are its team's.
func (s *Server) channelMembers(c *call) (int, any) {
	ch, e := s.channel(c, memberRoles)
	if e != nil {
		return 0, e
	}
	ids := ch.Members
	if ch.MembershipType == "standard" {
		if g := s.data.Group(ch.TeamID); g != nil {
			ids = g.Members
		}
	}
	var out []any
	for i, id := range ids {
		u := s.data.User(id)
		if u == nil {
			continue
		}
		roles := []string{}
		if i == 0 {
			roles = []string{"owner"}
		}
		out = append(out, map[string]any{"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": "MCMj" + u.ID,
			"roles": roles, "displayName": u.DisplayName, "userId": u.ID, "email": u.Mail, "tenantId": s.data.TenantID})
	}
	pg, next, err := page(s, c, out)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	return http.StatusOK, listing(pg, next)
}
