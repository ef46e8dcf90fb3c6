// Package bookstack reads the pages of a BookStack wiki
// (https://www.bookstackapp.com) through its REST API.
//
// # Setup
//
// BookStack is self-hosted. Settings.BaseURL is the instance's address,
// its APP_URL, such as https://docs.example.com. An instance on a
// loopback or private address is reached only when the host sets
// tributary.Env.AllowPrivateNetwork.
//
// The connector signs in with an API token. Its user needs a role with
// the "Access System API" permission; an administrator grants it under
// Settings, Roles. Then, on that user's profile (Edit Profile, API
// Tokens, Create Token), make a token with a name and an expiry date: the
// token id and secret shown once are Credentials.TokenID and
// Credentials.TokenSecret, sent as "Authorization: Token ID:SECRET". The
// connector reads what the user may view, so a dedicated user whose roles
// view every book is best. More role permissions turn on more:
//
//   - "Manage users" lets the connector read roles and users: group sync
//     and documents' access;
//   - "Manage all book, chapter & page permissions" lets it read content
//     permissions (BookStack v23.01 or later): documents' access;
//   - "Manage users" with "Manage app settings" lets it read the audit
//     log: deletions in polls.
//
// The admin role has them all. Without them the connector still indexes:
// pages then carry no access, and deleted pages are found by prunes; each
// is said once in the log.
//
// # Settings
//
//   - base_url (required): the instance's address.
//   - page_size: items per listing request, 1 to 500 (default 100).
//   - requests_per_minute: the client's pace (default 150). BookStack
//     allows 180 requests a minute per user by default
//     (API_REQUESTS_PER_MIN); past it it answers 429 with Retry-After,
//     which the client waits out. X-RateLimit-Limit and
//     X-RateLimit-Remaining slow it down as the budget runs low.
//
// # What is read
//
// Every page the token's user may view, except drafts, in its book and
// chapter. Shelves, books and chapters are hierarchy nodes (kinds
// NodeShelf, NodeBook and NodeChapter, ids "shelf:ID", "book:ID",
// "chapter:ID"), parents first: a page's parent is its chapter, else its
// book; a book's parent is a shelf that holds it, the one with the lowest
// id when several do, and none when no shelf holds it. Each page is read
// with GET /api/pages/{id}: its HTML is split at headings into sections
// that link to each heading's anchor, or its markdown is one section when
// it has no HTML. Metadata holds the book's name and id, the chapter's
// name, the revision count and each tag as "tag:NAME". The creator is the
// primary owner and the last editor a secondary one, by name (BookStack
// shows users' addresses only to user managers).
//
// # Ids
//
// A page's id is BASE/link/ID, BookStack's short link, which keeps
// working when the page is renamed or moved; its sections link to the
// readable URL, BASE/books/BOOK_SLUG/page/PAGE_SLUG. NormalizeURL turns
// either into the id, looking a slug URL up through the API.
//
// # Windows and checkpoints
//
// Pages are listed oldest update first. A request for the pages updated
// after the last time read (sort=+updated_at, filter[updated_at:gt]) is
// followed by one for the pages updated at the last time of a full page
// (filter[updated_at:eq], filter[id:gt], sort=+id), so pages that share a
// second, however many, are read by id, and a page edited during a run
// moves behind the reader instead of shifting an unread one past it. A
// checkpoint is the phase with the last (update time, page id) read, or
// the last audit entry read: a few dozen bytes whatever the instance's
// size. Windows are [start, end) on updated_at; BookStack keeps seconds,
// so bounds are rounded up to seconds, and times are compared as
// "YYYY-MM-DD hh:mm:ss" in UTC, the instance's APP_TIMEZONE by default
// (an instance set to another zone shifts windows by its offset).
//
// # Deletions
//
// In a window with a start the checkpoint stream then reads the audit
// log's page_delete entries made in the window (GET /api/audit-log,
// filter[type]=page_delete) and yields a deletion for each page. Deleting
// a book or chapter logs only book_delete or chapter_delete, not its
// pages: those wait for the next prune, as do all deletions when the
// token may not read the audit log.
//
// # Access
//
// With Env.WantPermissions each page names the roles that may view it,
// as RoleGroup ids ("role:ID"): per role, the page's own content
// permissions (GET /api/content-permissions/page/{id}), else its
// chapter's, else its book's, decide, each either naming the role or
// giving everyone else a fallback unless it inherits; when all inherit,
// the role's "View All" page permission decides, and the admin role sees
// every page. Shelf permissions do not pass down to books, as in
// BookStack. A page the guest (public) role may view is Public. Roles
// whose users may view only the pages they own ("View Own") are not
// named. Groups lists every role with its users' addresses (GET
// /api/roles, /api/roles/{id} and /api/users).
//
// # Limits
//
// A run costs one request per listed page (its content) and, with
// permissions, one more for its content permissions, besides a listing
// request per page of pages and one per book and chapter: at 150 a minute,
// 10,000 pages take over an hour. The shelves are read once a run, and
// the run keeps the book each is placed on: memory grows with the number
// of books, not of pages.
package bookstack
