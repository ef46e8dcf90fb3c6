// Package zendesk reads a Zendesk account: Help Center articles, in the
// locales asked for, under their categories and sections, and tickets with
// their comments.
//
// # Setup
//
// Authenticate with an API token or an OAuth access token:
//
//   - API token: in Admin Center, Apps and integrations, APIs, Zendesk API,
//     turn token access on and add a token. Give it with the e-mail of the
//     user it acts as ({"email": "admin@acme.com", "api_token": "..."});
//     requests are sent with basic authentication as
//     "admin@acme.com/token:TOKEN".
//   - OAuth: an access token of an OAuth client with the "read" scope
//     ({"oauth_token": "..."}), sent as "Authorization: Bearer".
//
// The user must be an admin to read tickets: the incremental ticket export
// is open to admins only. Articles alone need an agent or admin, who sees
// drafts and articles restricted to user segments; Validate says which
// role is missing (ErrInsufficientPermissions), and rejected credentials
// fail with ErrCredentialExpired.
//
// # Settings
//
//	{"subdomain": "acme",              // https://acme.zendesk.com (or base_url for a mapped host)
//	 "locales": ["en-us", "de"],       // Help Center locales; en-us by default
//	 "include_articles": true, "include_tickets": true,
//	 "include_drafts": false,          // draft articles
//	 "include_comments": true,         // ticket comments as sections
//	 "include_private_comments": true, // internal notes among them
//	 "page_size": 100, "export_page_size": 1000, "requests_per_minute": 200}
//
// # What is fetched
//
// Articles: GET /api/v2/help_center/{locale}/categories and /sections
// (once per run and locale), then /api/v2/help_center/{locale}/articles
// sorted by updated_at in cursor pages (page[size], page[after]). A load
// reads oldest first, so an article edited during the run moves behind
// the reader and nothing is skipped. A poll of a window that ended before
// the run began reads newest first and stops after the page that reaches
// back past the window's start (an edit made meanwhile belongs to a later
// window); a listing found out of order is read to its end. Each translation is a document with the id
// https://SUBDOMAIN.zendesk.com/hc/{locale}/articles/{id} (no title slug,
// which changes with the title), its HTML body as text split at headings
// with links to their anchors, the author as owner, labels, section and
// category as metadata, and the section as parent. Categories
// (.../hc/{locale}/categories/{id}) and sections (.../sections/{id}, with
// parent sections) are hierarchy nodes yielded before their articles.
//
// Tickets: GET /api/v2/incremental/tickets/cursor.json from the window's
// start (start_time, at most a minute and a second ago, as Zendesk
// refuses later ones and leaves out the last minute), then cursor=
// after_cursor until end_of_stream. The export is ordered by each ticket's
// last change of any kind (generated_timestamp), which may come after its
// updated_at, so a window reads it to its end and keeps the tickets whose
// updated_at lies in the window. Each ticket's comments come from
// /api/v2/tickets/{id}/comments (cursor pages) as sections, with authors
// looked up through /api/v2/users/show_many; the requester is the primary
// owner, the assignee the secondary. Ids are
// https://SUBDOMAIN.zendesk.com/agent/tickets/{id}, under one "Tickets"
// node. A ticket the export lists as "deleted" is a deletion in a poll
// whose window holds its last change; loads over all time yield none.
//
// Checkpoints come after every page: the phase (articles or tickets), the
// locale and the cursor of the next page, a hundred bytes or so whatever
// the account's size. A run holds one page, the locale's categories and
// sections and at most 4,096 users in memory.
//
// # Access and groups
//
// With Env.WantPermissions, an article no user segment restricts is
// public; a restricted one is open to "agents" and "segment:ID"; a draft to
// "agents". A ticket is open to its requester's e-mail, "agents", when
// assigned to a group "group:ID" (for accounts that restrict agents to
// their groups' tickets), and when its requester belongs to an
// organization "organization:ID". Groups lists these: the agents and
// admins, each Zendesk group with its members, each organization with its
// users when it shares tickets among them (else with nobody), and each
// user segment: signed-in users give anyone access, a
// staff segment holds the agents, a segment restricted to groups their
// members; one restricted by organization or tag lists nobody.
//
// # Limits
//
// Zendesk allows 200 to 700 requests a minute by plan and ten a minute to
// the incremental export. The client paces itself (requests_per_minute)
// and, answered 429, waits the Retry-After the answer names. A listing that
// contradicts itself (more pages without a new cursor, a next link outside
// the API) ends with ErrMalformedResponse. Comments cost a request per
// ticket (more past a hundred comments): a first load of 10,000 tickets
// at 200 requests a minute takes most of an hour; include_comments=false
// reads tickets as their subject and description alone, from the export's
// pages of 1,000. The export leaves out the last minute: a window that
// ends less than a minute before its run misses the tickets changed in
// that minute unless the next window reaches back over it, as the
// runner's default lookback of five minutes does. Article deletions are not in
// any export: pruning (LoadSlim) finds them. Refetch reads single
// articles and tickets again by id.
package zendesk
