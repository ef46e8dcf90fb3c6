// Package zulip reads the topics of a Zulip organization's streams
// (channels): one document per topic, with a section per message.
//
// # Setup
//
// Create a bot (Personal settings, Bots, a "Generic bot") or use a user's
// API key (Personal settings, Account and privacy, API key). Give the
// connector the account's e-mail and API key; they are sent as HTTP basic
// authentication. The connector reads the streams the account can see:
// every public stream, and the private streams it is subscribed to, so
// subscribe the bot to the private streams that should be indexed. Group
// sync reads the member list, which an ordinary member may read.
//
// # Settings
//
//   - site: the organization's address, https://acme.zulipchat.com or a
//     self-hosted server's root.
//   - max_messages_per_topic: a topic document holds its newest messages,
//     1000 by default; a topic with more keeps the newest and has no
//     creation time (its first message was not read).
//   - page_size: messages per request, 1000 by default (Zulip allows 5000).
//
// # What is fetched
//
// GET /api/v1/streams lists the streams, in id order; each becomes a
// hierarchy node (NodeChannel) yielded before its topics. GET
// /api/v1/users/me/{stream_id}/topics lists a stream's topics, read in name
// order; GET /api/v1/messages with a channel and topic narrow, anchored at
// "newest" and then at the oldest message read (include_anchor=false),
// reads each topic's messages backwards up to the cap.
//
// A topic's id is https://ORG/#narrow/channel/STREAM_ID/topic/TOPIC, the
// topic name encoded as Zulip's web app encodes it ("." in place of "%").
// The stream appears by id only, so renaming a stream keeps its ids;
// renaming or moving a topic makes a new document, and the old id
// disappears from the slim listing, so pruning removes it. Each section
// links to its message (.../near/MESSAGE_ID). UpdatedAt is the latest
// send or edit time of the messages read; the first sender is the primary
// owner and later senders secondary owners (at most 20).
//
// A window [start, end) admits the topics whose UpdatedAt lies in it: a
// poll re-reads every topic of every stream and yields those updated in
// the window, with all their earlier messages too (up to the cap).
//
// # Checkpoints
//
// A checkpoint names the stream being read and the last topic finished in
// it; one follows every topic, so its size does not depend on the
// organization's, and a resumed load starts at the next topic.
//
// # Access
//
// With Env.WantPermissions, a web-public stream's topics are public, a
// public stream's are open to GroupOrg (every active member but guests)
// and a private stream's to the group "stream:ID" of its subscribers.
// Groups yields these and each user group as "usergroup:ID".
//
// # Limits
//
// Zulip answers 429 with Retry-After, X-RateLimit-Remaining and
// X-RateLimit-Reset, and a body whose code is RATE_LIMIT_HIT; the HTTP
// stack paces itself by the headers and waits out refusals. An answer
// whose result is not "success", a message without id or time, or a page
// of messages that does not move backwards is malformed: it fails that
// topic's document, under its id.
package zulip
