// Package slack reads the messages of a Slack workspace's channels through
// the Web API: one document per thread (the parent and all its replies) and
// one per message that has no replies.
//
// # Setting the source up
//
// Create a Slack app for your workspace at https://api.slack.com/apps
// ("Create New App", "From scratch"). Under "OAuth & Permissions", add
// these Bot Token Scopes:
//
//   - channels:read and channels:history, for public channels;
//   - groups:read and groups:history, for private channels (only with
//     include_private);
//   - users:read, for authors' names, and users:read.email, for their
//     e-mail addresses (owners, and who may see private channels);
//   - usergroups:read, for group sync (Groups lists user groups as
//     "usergroup:ID" with their members' addresses).
//
// Install the app to the workspace and copy the "Bot User OAuth Token"
// (xoxb-...) into the credentials' bot_token. A bot reads only the
// channels it is a member of: invite it to each channel to index
// (/invite @your-app in the channel). With no channels configured, the
// connector reads every channel the app is a member of.
//
// To name channels in the settings, use their names (general, or #general)
// or their ids. A channel's id is at the bottom of its "About" tab in the
// Slack client (open the channel name, then "About"), and it is the
// C0123ABCD part of the channel's link
// (https://acme.slack.com/archives/C0123ABCD). Ids survive renames; names
// do not.
//
// # Documents
//
// A document's ID is the permalink of its thread's parent message, built
// from the workspace URL, the channel id and the message ts exactly as
// chat.getPermalink builds it (https://acme.slack.com/archives/C0123ABCD/
// p1700000000000100); failures use the same ids. Its sections are the
// messages, each with its own permalink; its owners are the parent's
// author (primary) and the repliers (secondary); CreatedAt is the parent's
// ts and UpdatedAt the latest of the parent's ts, its last edit and its
// last reply, all read from Slack, never invented. Its ParentID is the
// channel's node, https://acme.slack.com/archives/C0123ABCD, yielded
// before the channel's documents. Channel events (joins, topic changes)
// and, unless include_bots is set, bot messages are not indexed; a thread
// whose parent is a bot message is skipped with it. When the host asks for
// permissions, a public channel's documents are public and a private
// channel's carry its members' e-mail addresses.
//
// # Windows and their cost
//
// Slack has no "threads updated since" call: conversations.history lists
// top-level messages by their own ts, newest first, and a reply only moves
// its parent's latest_reply. So a poll reads each channel's history from
// the window's end back to the beginning (or, with thread_lookback, back
// to that long before the window's start) and yields the messages whose
// post, last reply or last edit falls in the window; only those threads'
// replies are fetched. That finds every thread that changed, but costs one
// history call per page_size top-level messages per channel per poll: a
// channel of 10,000 messages takes 50 calls at the default page_size of
// 200 (a minute at Tier 3), 11 at the maximum of 999. With
// thread_lookback set, a reply to a thread older than the lookback is not
// seen until a full load. Edits of replies, which history does not show,
// do not move a thread's UpdatedAt either; deleted messages disappear at
// the next pruning.
//
// # Rate limits
//
// Slack limits each method per app and workspace: conversations.history
// and conversations.replies at Tier 3 (about 50 calls a minute) for
// internal and Marketplace apps, conversations.list and users.list at
// Tier 2 (20), users.info and conversations.members at Tier 4 (100). Authors
// are looked up once a run with users.info; when a private channel's
// members are needed, the whole users.list is read once instead. The connector
// paces itself to these tiers and honours Retry-After on the 429 answers
// Slack sends when they are exceeded. Since 2025, apps distributed
// commercially outside the Slack Marketplace are limited to one history or
// replies call a minute with at most 15 messages a page: set
// history_requests_per_minute to 1 and page_size to 15 for such an app.
// Threads dominate the cost: each thread with replies takes one replies
// call, so at Tier 3 a channel reads at about 50 threads a minute.
//
// # Events
//
// To have Slack push changes instead of waiting for the next poll, turn on
// "Event Subscriptions" in the app, subscribe the bot to message.channels
// (and message.groups for private channels), point the Request URL at the
// host, and copy the app's "Signing Secret" (on "Basic Information") into
// the credentials' signing_secret. HandleEvent verifies each delivery's
// signature and age, and turns a new, edited or deleted message into the
// fresh document of its thread, or the thread's deletion. The host answers
// Slack's url_verification handshake itself.
//
// # Fetching failed documents again
//
// Refetch (tributary.Refetcher) reads the threads whose fetch failed in
// an earlier run again by id, as a load reads them: the parent from
// conversations.history (one call with latest and oldest at its ts), then
// the thread's replies, after the channel's node; each channel asked
// about is looked up once a call with conversations.info. An id that is
// not a message permalink of the workspace in a channel the settings read
// fails with ErrForeignURL. A deleted channel (channel_not_found), an
// archived one no longer read, and a message history no longer has or a
// load would leave out are deletions; a channel the app has left
// (not_in_channel) and a read that keeps failing are failures under the
// id.
//
// # Resuming
//
// Checkpoints hold the channel in progress and the ts of the oldest
// message finished in it; resuming continues the history below that ts to
// its end, page after page. They never grow with the workspace.
package slack
