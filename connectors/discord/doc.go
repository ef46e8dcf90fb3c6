// Package discord is a Tributary connector for Discord: the messages of
// the text and announcement channels, threads and forum posts of the
// servers (guilds) a bot is in.
//
// # Setup
//
// In the Discord Developer Portal, create an application, add a bot to it
// (Bot → Reset Token gives the token, credentials.bot_token; it is sent as
// "Authorization: Bot TOKEN" and never appears in logs or errors), and on
// the Bot page turn on the privileged Message Content intent (without it
// Discord sends messages with empty content, embeds and attachments) and,
// for group sync, the Server Members intent. Invite the bot to each
// server with the OAuth2 URL generator: scope "bot", permissions View
// Channels and Read Message History. A channel whose overwrites deny the
// bot either permission is passed over as a skip (reported to the run's
// Meter), not a failure. Validate reads the bot's user and the channels of
// the first guild; Probe names a missing intent ("Message Content intent",
// "Server Members intent", read from the application's flags) or
// permission ("View Channels", "Read Message History").
//
// # Settings
//
// guild_ids chooses the guilds (every guild the bot is in by default,
// listed with GET /users/@me/guilds); channel_ids limits the reading to
// some channels and their threads; include_threads (true) reads threads
// and forum posts; user_emails maps Discord user ids to e-mail addresses,
// which Discord never shows a bot, for owners, access and group members;
// page_size (100, Discord's most) sizes message pages; requests_per_second
// (40) paces the client under Discord's global limit of 50 a second.
//
// # What is read
//
// Per guild, in id order: its roles (GET /guilds/{id}/roles), its channels
// (GET /guilds/{id}/channels) of type text, announcement and forum, in id
// order; per channel, its messages by snowflake position
// (GET /channels/{id}/messages?after=ID&limit=100; Discord returns the
// oldest messages after the id, but lists them newest first, so each page
// is sorted, and a page that contradicts itself is ErrMalformedResponse),
// then its public threads: the guild's active ones
// (GET /guilds/{id}/threads/active, read once per guild) and its archived
// ones (GET /channels/{id}/threads/archived/public, paged with before= the
// last archive time while has_more), in id order. Private threads are not
// read: who may see one is its member list, which a bot reads only with
// Manage Threads.
//
// Documents: one per channel and UTC day, and one per thread (a forum
// post is a thread). A day keeps a conversation together the way a
// person scrolls it, bounded in size by the channel's traffic, and gives
// ids that a message's snowflake alone locates; a thread is already the
// unit of a conversation. Each message is a section linked to the
// message (https://discord.com/channels/G/C/M) with the author's name,
// the content, and each attachment (name, type and URL) and embed
// (title, description, URL) named in the text. Authors are the primary
// owners, users mentioned the secondary ones. A day's update time is its
// newest message's, a thread's its last message's (last_message_id).
// Hierarchy nodes: the guild, the category, the channel; thread and day
// documents sit under their channel.
//
// # Ids
//
// A day: https://discord.com/channels/GUILD/CHANNEL#YYYY-MM-DD. A thread:
// https://discord.com/channels/GUILD/THREAD, its own link. NormalizeURL
// maps a message link to its day's document (or its thread's, telling
// the two apart with one GET /channels/{id}) and a thread's link to the
// thread.
//
// # Windows and checkpoints
//
// Snowflakes encode time ((ms - 1420070400000) << 22), so a window
// [start, end) is read by position: from the snowflake of the start of
// the start's UTC day (so that a day's document always holds the whole
// day) up to the first message at or past end. A day whose newest message
// is in the window is yielded; a day with a message past the end belongs
// to a later window. A thread is read only when its last_message_id is in
// the window. The checkpoint is (guild, channel, phase, last message of
// the last day finished, or last thread finished): a few ids, whatever
// the guild's size. One day's messages, or one thread's (at most 20,000),
// are held in memory at a time.
//
// Limits: an edited message keeps its snowflake, so an edit (its
// edited_timestamp) in a past day is not found by a poll; the day is read
// again when a message is added to it, and on every full load. Deleted
// messages are not reported by the API (only the gateway sees them): a
// day or thread that disappears is found by pruning, through LoadSlim,
// which reads the same messages without their text (threads by their
// last_message_id alone).
//
// # Access
//
// A channel that @everyone (the role whose id is the guild's) may view
// after the channel's overwrite for it is open to the guild's group,
// guild:GUILD. Otherwise its readers are the roles that may view it,
// role:GUILD/ROLE (Administrator, or View Channel from the role's
// permissions with @everyone's, after the overwrites of @everyone and of
// the role), and the members an overwrite allows, by the addresses
// user_emails gives. Threads share their channel's access. Groups (the
// tributary.GroupSyncer) are each guild's group and its roles
// (GET /guilds/{id}/roles), with the members (GET /guilds/{id}/members,
// paged by after= 1,000 at a time; it needs the Server Members intent)
// whose address user_emails gives.
//
// # Rate limits
//
// Discord limits each route and top-level resource (a channel, a guild)
// by a bucket, told on every answer by X-RateLimit-Bucket, -Limit,
// -Remaining, -Reset and -Reset-After (decimal seconds), and every bot by
// a global 50 requests a second. A 429's body names the wait to the
// millisecond ({"retry_after": 1.234, "global": false}) and its headers
// the scope (X-RateLimit-Scope: user, global or shared; X-RateLimit-Global
// on a global one). The connector paces itself under the global limit,
// waits for a bucket whose Remaining is 0 until its Reset-After before
// asking again (the HTTP stack reads it to the millisecond), and waits
// out a 429 by its body's retry_after. The connector reads one request at
// a time, so one gate for all buckets costs only a wait on a request to
// another route right after a bucket ran out. Discord bans, for a while,
// an address that sends 10,000 invalid requests (401, 403, 429) in ten
// minutes: a rejected token ends the run at once, and unreadable
// channels cost one request each.
package discord
