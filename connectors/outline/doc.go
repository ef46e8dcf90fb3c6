// Package outline reads the documents of an Outline knowledge base
// (https://www.getoutline.com, cloud or self-hosted) through its API.
//
// # Setup
//
// Create an API key under Settings > API & Apps (or your account's
// preferences, by Outline version): it starts with ol_api_ and acts as the
// user who made it, reading what that user may read. To index every
// collection, make the key as a user who is a member of the private ones;
// to sync access and groups, make it as an admin, since Outline shows
// members' e-mail addresses to admins only. A key restricted to scopes
// needs the read methods below (or the "read" scope). The key is sent as
// "Authorization: Bearer" and never appears in logs or errors.
//
// For a workspace at its own address (https://acme.getoutline.com, or a
// self-hosted https://wiki.example.com) set base_url to that address,
// without /api. Collections are named by their id, or by the short id
// that ends a collection's link (/collection/engineering-AbC123xYz0);
// none names every collection the key's user may read.
//
// # Settings
//
//	base_url             workspace address (https://app.getoutline.com)
//	collections          collection ids or short ids (all readable ones)
//	page_size            documents per listing request, at most 100 (100)
//	requests_per_second  the client's pace (1.5)
//
// # What is fetched
//
// Every API method is a POST with a JSON body. The connector reads
// auth.info (Validate), collections.list or collections.info, then per
// collection documents.list sorted by update, newest first, 100 at a time
// by offset; the markdown of each document comes with the listing.
// Published documents are read: drafts, templates, archived and deleted
// documents are not (documents.list leaves them out).
//
// A document's id is the workspace address, /doc/ and the document's
// urlId (https://acme.getoutline.com/doc/AbC123xYz0), a link Outline
// resolves whatever the title. Outline's own links put a slug of the
// title before the urlId (/doc/onboarding-AbC123xYz0), which changes with
// the title; NormalizeURL maps those, their /edit and /history pages and
// anchors to the id. The markdown is split at its headings: the text
// before the first heading, then a section per heading linking to its
// anchor (#h-SLUG, as Outline names them). Times are Outline's createdAt
// and updatedAt; the creator is the primary owner and the last editor,
// when another, the secondary one, with their addresses when the key may
// see them (one users.info per person, cached); metadata names the
// collection and the revision.
//
// Hierarchy: each collection is a node (id "collection:UUID", kind
// "collection"), yielded before its first document. A document at the top
// of a collection names that node as its parent. A nested document names
// its parent document's node ("document:UUID", kind "page", with the
// parent's title and link): a document with children is both a document
// and a node, and its node, with its ancestors', comes before its first
// child (the parent is looked up with documents.info when the listing has
// not shown it yet). A parent the key cannot read places its children
// under the collection.
//
// With Env.WantPermissions, a document's access names the group
// "collection:UUID" (the collection's members, direct or through a group)
// and, when the collection's permission is "read" or "read_write", the
// group WorkspaceGroup (every member who is not a guest); plus the users
// (by address) and groups ("group:UUID") of the document's own
// memberships, inherited ones included: two more requests per document.
// Groups lists those groups: the workspace from users.list, each
// collection from collections.memberships and collections.group_memberships,
// and each Outline group from groups.list and groups.memberships. Members
// whose address is hidden are left out.
//
// # Checkpoints and windows
//
// Collections are read in id order. A checkpoint after every page holds the
// collection, the offset read to, the update time of the last document
// passed and the ids of the documents passed at that time (at most 64; past
// that, checkpoints wait for the time to move on): some 170 bytes,
// whatever the size of the workspace.
//
// Offsets shift under a reader while people work. A document edited during
// a run moves to the front of the newest-first listing; the documents
// after it move back one place and are read again, not skipped, and
// skipped as passed by their time. A document deleted, archived or moved
// away before the reader moves the others forward: each request therefore
// starts a little before the offset (a quarter of a page, at most 8) and
// skips what was passed; when even its first document was not passed, the
// listing lost more than that, and the request is made again a page
// earlier. Documents tied on their update time are told apart by id, and
// since Outline sorts by the time alone and may order ties anew on each
// request, a request also starts before the tied documents the position
// holds (up to half a page of them: a larger group, a bulk import, can
// still hide one until the next full run). A
// server that answers the same page for every offset ends the listing
// with ErrMalformedResponse, as does an answer whose pagination does not
// echo the offset and limit asked for.
//
// A poll over [start, end) reads each collection's listing until a page
// reaches before start. With a start it then reads the collection's
// activity events (events.list: documents.delete, permanent_delete,
// archive, unpublish and move) in the window and yields a deletion for each
// such document that is no longer listed in a collection read; the events
// name documents by UUID, so each is looked up with documents.info, which
// shows deleted documents to admins and their creators. A document the
// key can no longer read (deleted for good, or by someone else for a
// non-admin key) is left to the next prune, as are the documents of a
// collection deleted or no longer readable. Poll, and a load over all
// time, read no events.
//
// # Limits
//
// Outline allows an API key 1,000 requests a minute, and documents.list
// 100 a minute, by default (self-hosted instances choose their own). A 429
// answer (rate_limit_exceeded) carries Retry-After and RateLimit-Limit,
// -Remaining and -Reset in seconds; the client waits as long as it says,
// up to the retry policy's bound, after which the run ends with
// ErrRateLimited naming when to resume. The default pace of 1.5 requests
// a second stays under the documents.list budget.
//
// Nested documents cost one documents.info per parent the listing has not
// shown yet (it is newest first, so a child often comes before its
// parent); the run remembers 4,096 documents, so each parent is looked up
// about once. In a generated workspace of 10,000 documents, two thirds of
// them nested, that is 2,831 lookups besides 112 listing requests. The
// collection's navigation tree (collections.documents) would answer them
// in one request, but it holds the whole collection, which memory must
// not.
//
// Memory holds the collections read (their number, not their documents'),
// bounded caches of nodes, documents and people, and, for a group
// listing, the users' addresses.
//
// Errors: a rejected, expired or revoked key fails with
// ErrCredentialExpired; a collection the key's user may not read, or a
// method outside the key's scopes, with ErrInsufficientPermissions; a
// collection that does not exist with ErrNotFound. A document listed
// without its id, urlId, update time or markdown is a Failure under its id.
package outline
