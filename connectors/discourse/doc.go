// Package discourse reads topics from a Discourse forum.
//
// # Setup
//
// An admin makes an API key under Admin, Advanced, API keys: a global key
// acting as one user (such as system), or a granular key with the topics
// read and categories list scopes (and session#current, which Validate
// reads; group sync needs the key's user to be an admin, see below).
// Credentials are that key and the username it acts as; they are
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
// # Access and groups
//
// When the host wants permissions, a public category's topics are public and
// a read_restricted one's carry the groups its group_permissions name
// (GET /c/{id}/show.json) as group:NAME.
//
// Groups yields every group of GET /groups.json (page by page) under that
// same id, group:NAME, automatic ones (staff, trust_level_1 ...) included
// and everyone left out (a category open to it is public), with its
// members and owners (GET /groups/{name}/members.json, 1000 at a time by
// offset). Access is matched by e-mail address, the identity every
// connector's groups carry: Discourse lists members by username, so the
// addresses come from the admin users list (GET
// /admin/users/list/active.json?show_emails=true, 100 a page), read once
// per listing and held as a map of username to address, which grows with
// the forum's users. Only an admin may read it: group sync needs a key
// acting as an admin (a global key, or a granular one with the users and
// groups scopes). A member without an address there (suspended, staged)
// is left out of its groups.
//
// # Probe
//
// Probe reports indexing from Validate, access sync from the permissions
// of the first read_restricted category (passing when there is none), and
// group sync from the first page of groups and of the admin users list: a
// user who is not an admin gets 404 there, reported as missing the admin
// role.
//
// # Pasted addresses
//
// NormalizeURL maps a topic's or a post's address (/t/SLUG/ID,
// /t/SLUG/ID/POST, /t/ID, with ?u=USER or .json after it) to the topic's
// id without asking the forum. A post's short link /p/ID is not mapped.
package discourse
