// Package discourse reads topics from a Discourse forum.
//
// # Setup
//
// An admin makes an API key under Admin, Advanced, API keys: a global key
// acting as one user (such as system), or a granular key with the topics
// read and categories list scopes (and session#current, which Validate
// reads). Credentials are that key and the username it acts as; they are
// sent as the Api-Key and Api-Username headers. The key sees what its
// user sees: to index restricted categories the user must be able to
// read them.
//
// # Settings
//
// base_url is the forum's root (https://forum.example.com);
// requests_per_second is the client's pace, one a second by default, since
// Discourse allows an admin key 60 requests a minute. A 429 answer is
// waited out as its Retry-After says.
//
// # What is fetched
//
// Categories (GET /categories.json?include_subcategories=true) become
// hierarchy nodes, id BASE/c/{id}, yielded parents first before any topic.
// Each topic becomes one document with id BASE/t/{id}: the topic id alone,
// so that a rename, which changes its slug, keeps the document's id.
// Its posts are its sections (GET /t/{id}.json gives the first 20 and the
// ids of all; the rest come from /t/{id}/posts.json, 20 at a time), the
// cooked HTML read as text, each linked to BASE/t/{slug}/{id}/{number}.
// The first post's author is the primary owner, the other posters
// secondary owners (Discourse does not expose their e-mail addresses to
// the listing). CreatedAt is the topic's creation; UpdatedAt is its
// bumped_at, the time latest.json sorts by.
//
// # Positions and windows
//
// Topics are read from GET /latest.json?order=activity, newest activity
// first, by page number. A topic bumped during a run moves to the front:
// pages ahead shift down and are read again rather than skipped, and the
// topic itself, now newer than the run, is found by the next window. A
// checkpoint is the page last finished and the (bumped_at, id) of its
// last topic; a resume reads that page again and skips what sorts before
// the mark. A poll stops after the first page, read in order, that
// reaches past the window's start; a listing found out of order (pinned
// topics) is read to its end.
//
// # Limits
//
// Edits that do not bump a topic (editing a post) do not change bumped_at,
// so polls do not see them; a full run does. Private messages are not
// read.
//
// # Access
//
// When the host wants permissions, a public category's topics are public and
// a read_restricted one's carry the groups its group_permissions name
// (GET /c/{id}/show.json) as group:NAME.
package discourse
