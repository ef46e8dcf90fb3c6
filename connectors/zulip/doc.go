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
//   - edit_lookback_minutes: how long before a poll window's start a poll
//     reads messages again to see their edits and moves, 10 by default
//     (Zulip's default time limit for editing a message); 0 reads only
//     the messages sent in the window.
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
// send, edit or move time of the messages read; the first sender is the
// primary owner and later senders secondary owners (at most 20), by their
// sender_email (a fake address where the organization hides addresses).
//
// # Polls
//
// A window [start, end) with a start is a poll, and reads messages rather
// than topics. For each stream it reads backwards from the newest message
// (GET /api/v1/messages with a channel narrow) to the last one sent before
// the window's start less the edit lookback, then forwards from there
// (anchor at the last message id read, include_anchor=false, num_after a
// page) up to the first message sent at or after the window's end. Each
// message sent, edited (last_edit_timestamp) or moved (last_moved_timestamp)
// in the window touches its topic; each move in the window that its
// edit_history names touches the topic it left too. Only the touched
// topics are read again, each in full as a load reads it, and yielded
// when their UpdatedAt lies in the window; a quiet stream costs one
// request. A topic a message left in the window is yielded again whatever
// its time, and is deleted when no message is left in it.
//
// Zulip keeps message ids when messages are edited or moved, and has no
// narrow on edit times, so a poll cannot see an edit or a move, in its
// window, of a message sent before the lookback (a moderator renaming an
// old topic, an author editing without a time limit), nor a deleted
// message. A full load (a window without a start) reads every topic and
// sees them; the slim listing, which pruning reads, no longer has a topic
// renamed or deleted, so pruning removes it.
//
// # Checkpoints
//
// A load's checkpoint names the stream being read and the last topic
// finished in it; one follows every topic, and a resumed load starts at
// the next topic. A poll's names the stream and the last message id read
// in it; one follows every page of messages, and a resumed poll reads on
// from that id. Neither grows with the organization. A poll remembers the
// topics it has read in the run (at most 10,000, then it starts over), so
// that a topic touched on many pages is read once.
//
// # Access
//
// With Env.WantPermissions, a web-public stream's topics are public, a
// public stream's are open to GroupOrg (every active member but guests)
// and a private stream's to the group "stream:ID" of its subscribers.
// Groups yields these and each user group as "usergroup:ID", members by
// their real address: where the organization shows addresses to
// administrators only, users' email is a fake one and delivery_email the
// real one, which only an administrator's key reads; a member's key then
// yields the groups without the addresses it cannot see.
//
// # Probe, refetch and pasted addresses
//
// Probe reports indexing from Validate (GET /users/me for the key, GET
// /streams for the stream list), access sync from the subscribers of one
// stream (a private one when the account reads one), and group sync from
// the user groups, which Zulip refuses a guest with 400
// UNAUTHORIZED_PRINCIPAL; that answer is ErrInsufficientPermissions
// wherever it comes. Refetch reads a topic again by its id, as a load
// does; a topic left without messages, or of a stream the account no
// longer reads, is a deletion. NormalizeURL maps a topic's web-app
// address, or a message's in it (#narrow/channel/ID-NAME/topic/TOPIC with
// near or with after it, the older stream and subject operands too), to
// the topic's id, without asking the server.
//
// # Limits
//
// Zulip answers 429 with Retry-After, X-RateLimit-Remaining and
// X-RateLimit-Reset, and a body whose code is RATE_LIMIT_HIT; the HTTP
// stack paces itself by the headers and waits out refusals. An answer
// whose result is not "success", a message without id or time, or a page
// of messages that does not move backwards is malformed: it fails that
// topic's document, under its id; a poll's page of a stream's messages out
// of id order, or empty before the newest, ends the run with
// ErrMalformedResponse.
//
// A load holds one stream's topic list and one topic's messages (up to
// the cap) at a time; a poll one page of messages and the names of the
// topics it read. A window far in the past costs a poll a backward read
// of every message since its start.
package zulip
