// Package teams reads Microsoft Teams into Tributary documents through
// Microsoft Graph v1.0: one document per thread of a channel (the root
// message with its replies), in the standard, private and shared channels
// of every team of the tenant or of the teams listed.
//
// # Setting up the source
//
// In the Microsoft Entra admin center, App registrations, New
// registration, register an app for the connector (single tenant). Under
// API permissions, Add a permission, Microsoft Graph, Application
// permissions (not delegated ones), add these and then Grant admin
// consent for the tenant:
//
//	Team.ReadBasic.All        the teams (indexing)
//	Channel.ReadBasic.All     the teams' channels (indexing)
//	ChannelMessage.Read.All   channel messages and replies (indexing)
//	ChannelMember.Read.All    members of private and shared channels (their access)
//	GroupMember.Read.All      group sync (the teams' groups and their transitive members)
//
// ChannelMessage.Read.All is a protected API: Microsoft may ask the app to
// be registered for it (https://aka.ms/teamsgraph/requestaccess) before
// its requests are answered. Under Certificates & secrets, either add a
// client secret and give its value as credentials client_secret, or
// upload a certificate (its public part) and give the PEM certificate as
// credentials certificate and its PEM RSA private key as private_key (one
// PEM holding both may be given as private_key alone); with a certificate
// the connector signs a client assertion for each token request and the
// key never leaves the process. Give the Directory (tenant) id, or the
// tenant's domain, as tenant_id and the Application (client) id as
// client_id. The credentials are those of the SharePoint connector, so
// one app may serve both.
//
// National clouds have their own endpoints: graph_url
// https://graph.microsoft.us and login_url
// https://login.microsoftonline.us for US Government,
// https://microsoftgraph.chinacloudapi.cn and https://login.chinacloudapi.cn
// for China.
//
// # Settings
//
//	teams                  team ids (the groupId of a team's link); empty reads every team (GET /teams)
//	skip_private_channels  leave private channels out
//	skip_shared_channels   leave shared channels out
//	page_size              messages per page, at most 50 (Graph's limit); 50 by default
//	graph_url, login_url   the cloud's endpoints
//
// # What is read
//
// Teams in id order, each one's own channels (/teams/{id}/channels: a
// shared channel is read from its host team only, never again through
// the teams it is shared with), in id order, and each channel's root
// messages through its delta query (/messages/delta, 50 a page), with
// each root message's replies (/replies, read for twenty threads at a time
// in one $batch request). A thread is one document: a section per live
// message, oldest first, "Author: text", the HTML body as text (mentions
// keep the names they show) and a line per attachment with its name and
// link. The root's author is the primary owner; those who replied and
// those mentioned are secondary owners (by display name: Graph gives a
// message's sender no address). System event messages are no thread.
// The title is the root's subject, else its first line. UpdatedAt is the
// thread's last activity: the latest lastModifiedDateTime of its
// messages, deleted replies included; CreatedAt is the root's.
//
// # Ids and hierarchy
//
// Ids are Graph URLs, which survive renames: a thread is
// https://graph.microsoft.com/v1.0/teams/{team}/channels/{channel}/messages/{root message id}.
// Nodes are the team (.../teams/{team}) and its channels, parents before
// children; a thread's ParentID is its channel's node. NormalizeURL turns a
// Teams link to a message (https://teams.microsoft.com/l/message/...) into
// its thread's id, and a link to a channel into the channel's node id.
//
// # Access
//
// A standard channel's threads (and the team's node) are open to the
// team's Microsoft 365 group, "group:{team id}", the form the SharePoint
// connector gives Entra ID groups, so one group sync serves both. A
// private or shared channel's are open to its members, by address
// (/channels/{id}/members; members of other tenants in a shared channel
// included). Groups lists each team's group with the addresses of its
// transitive members.
//
// # Incremental reads and deletions
//
// A channel's delta query ends with an @odata.deltaLink, kept in the
// host's Values (never in the checkpoint, which holds only the team, the
// channel and the next page's link), and only when no thread active at or
// after the window's end was passed over. A poll window under a host that
// keeps Values continues from it: threads whose root message was posted,
// edited or deleted since. A deleted root (deletedDateTime set, or
// @removed) is the thread's deletion; a deleted reply is an edit of its
// thread, which then leaves the reply out. A delta token Graph no longer
// takes (410) reads the channel again; a channel that refuses its delta
// query (400, 403, 405, 501) is read through its message listing
// (/messages) instead, threads chosen by their last activity.
//
// Limits: Graph's delta of channel messages names root messages only,
// never replies, and a new reply does not change its root. So a poll that
// continues a delta link sees a reply only when its root changes; without
// a stored link (a first poll, or a host without Values) every thread's
// replies are read and threads are chosen by their last activity, which
// sees every reply. Run a full load from time to time (or poll without
// Values) to pick up replies to unchanged threads. Graph's delta also
// reaches back only eight months; older messages come through the listing.
// Reactions are not read.
//
// # Limits and throttling
//
// Graph's 429 and the 503 with Retry-After are rate limits: the stack
// waits as told and retries. A request of a $batch answered 429 or with
// any other error is asked again alone, through the same retries and
// classification; what still fails is a Failure under the thread's id. A
// refused token (401 InvalidAuthenticationToken) is renewed once and
// then ErrCredentialExpired; a missing permission (403) is
// ErrInsufficientPermissions naming the application permission.
package teams
