// Package confluence reads pages from Confluence Cloud, Server and Data
// Center through the REST API (v1), as documents with their comments,
// labels, authors, ancestors and real creation and update times.
//
// # Setting it up
//
// Confluence Cloud: sign in at https://id.atlassian.com/manage-profile/security/api-tokens
// as the account the connector will read as, choose "Create API token",
// name it and copy it. The connector sends the account's e-mail address
// and the token with basic authentication:
//
//	settings:    {"base_url": "https://example.atlassian.net/wiki", "spaces": ["ENG", "HR"]}
//	credentials: {"email": "reader@example.com", "api_token": "ATATT3x..."}
//
// Confluence Server and Data Center (7.9 and later): open your profile,
// Settings → Personal Access Tokens → Create token, and copy it. The
// connector sends it as a bearer token:
//
//	settings:    {"base_url": "https://confluence.example.com", "spaces": ["ENG"]}
//	credentials: {"personal_access_token": "NjQ1..."}
//
// The account needs the "Can use" global permission and the "View" space
// permission on every space to read; it sees no page whose restrictions
// exclude it. To fill document permissions it reads each space's
// permissions (GET /rest/api/space/KEY?expand=permissions), restricted
// ancestors' read restrictions and pages' own ones; Confluence may show
// space permissions only to space administrators, so if spaces' user and
// group lists come back empty, give the account the "Admin" space
// permission.
//
// A space key is the short name in a space's address: ENG in
// https://example.atlassian.net/wiki/spaces/ENG/overview or
// https://confluence.example.com/display/ENG; a personal space's key
// starts with "~". Leaving spaces empty reads every space the account can
// see. Deployment (cloud or server) is detected from the address: Cloud
// sites are *.atlassian.net. include_comments (on by default) adds each
// page's comments, replies included, as sections; include_attachments adds
// one section per attachment with its name, type, size and download link
// (attachment contents are not read). Each costs one request per page.
// time_zone names the IANA zone of the account's Confluence profile
// (Profile → Settings → Time zone); it is measured when not set (see
// below). requests_per_second paces requests on the client's side.
//
// # Documents
//
// Each page is one document (blog posts are not read). Its ID is the page's
// web address, the site address followed by _links.webui
// (https://example.atlassian.net/wiki/spaces/ENG/pages/123/Title on Cloud,
// https://confluence.example.com/display/ENG/Title on Server); failures
// about a page use the same id. Renaming a page changes its address and so
// its id: the old id is pruned and the new one indexed. SemanticID and
// Title are the page title. The first section is the body's text, from the
// storage format (XHTML) with headings, lists and table rows on lines of
// their own and code macros kept; comments follow with their own links.
// CreatedAt is history.createdDate and UpdatedAt version.when, never the
// time of the run. The primary owner is the creator and the secondary
// owner the last editor, with e-mail addresses when Confluence shows them
// (Cloud, subject to each user's privacy settings; Server never does).
// Metadata holds space, type, version, every label, and parent (the parent
// page's id).
//
// Each space is a hierarchy node "space:KEY", and each ancestor of a page
// is a node "page:ID" whose parent is the page above it or the space, so a
// page's ParentID is its parent page's node or its space's. Nodes come
// before the documents and nodes naming them. An ancestor node is yielded
// before the first page under it in a run (again after many other pages,
// as the connector remembers only the latest few hundred), since pages come
// in order of update time, not of hierarchy.
//
// When the host asks for permissions, a page's ExternalAccess is its
// space's read permission (users by e-mail, groups as "group:NAME", public when
// anonymous users may read the space) unless the page or one of its
// ancestors carries a read restriction; then only the users and groups
// named by every such restriction are admitted. Users whose e-mail is
// hidden cannot be named and are left out, which admits fewer people,
// never more.
//
// # Group sync
//
// Groups lists the site's groups as "group:NAME", the ids access names
// (the form Jira gives the same site's groups), with their members'
// visible e-mail addresses (none on Server and Data Center, whose API
// shows no addresses). Probe reads one group and one member.
//
// # Reading order and checkpoints
//
// Spaces are read in key order. In each, pages come from a CQL search,
// type=page AND space="KEY", ordered by lastmodified ascending, page by
// page, with bodies, versions, history, ancestors and labels expanded in
// the same request. A poll window adds lastmodified bounds. CQL reads
// dates to the minute in the account's time zone, so the connector writes
// them in that zone rounded outwards, and then keeps exactly the pages
// whose version time lies in the window. The zone is time_zone when set;
// otherwise the connector measures the account's UTC offset once a day with
// about ten one-result searches (a binary search for the offset at which a
// bound admits the newest page) and widens bounds by an hour for daylight
// saving time; if that fails, it widens them by 14 hours on each side. The
// listing is never cut short on the strength of its order, so a server
// that ignores the order loses nothing.
//
// A listing paged by offsets shifts under edits: a page edited during the
// run moves to the end of a listing sorted by update time, and the pages
// after it move back by one, one of them past the reader. So, with the
// zone known, the connector does not page through one search: once the
// last update time read passes the search's lower bound, it searches again
// from that time and skips what it read already, and a checkpoint holds
// that time and the last page's id. Only when the zone could not be found
// does it follow _links.next (a cursor link on Cloud, a start offset on
// Server), and then each page edited during a run may cost another page of
// that run, which the next full load repairs. A result found out of order
// means the server does not sort as asked: the rest of the space is read
// through _links.next, skipping nothing, and when results were already
// skipped after a new search, the space is read again from its start
// (repeats, which the runner drops, but no loss).
//
// A checkpoint holds the space in progress and its next search link (or
// that the space is finished), and the update time and id of the last page
// read; it never grows with the site. A space that disappears is reported
// as a failure naming "space:KEY" and the run goes on; a page whose comments, attachments or restrictions cannot be read is
// reported as a failure with the page's id and is not yielded incomplete;
// revoked credentials, exhausted rate limits and servers that keep failing
// end the run, which resumes from its last checkpoint.
//
// # Fetching failed documents again
//
// Refetch reads the pages whose fetch failed again, by id, as Load reads
// them. One CQL search, type=page AND id in (...), fetches up to 50 pages
// at once; a Server /display/KEY/Title id is searched for by space and
// title. A page missing from the search is read by id to tell why: a page
// deleted, trashed or archived is a deletion, a refused one a failure
// again. A page renamed or moved has a new id: it comes back under that id
// (when the settings read its space) and the old id is a deletion. An id
// of another site or of a space the settings do not read is a failure
// matching tributary.ErrForeignURL.
//
// # Webhooks
//
// HandleEvent takes the deliveries of a Confluence Server or Data Center
// webhook (7.7 and later). To register one, a Confluence administrator
// opens Administration > General configuration > Webhooks, creates a
// webhook with the receiver's URL and a secret (up to 255 characters),
// and ticks the page events (created, updated, moved, trashed, restored,
// removed) and comment events (created, updated, removed); POST
// /rest/api/webhooks with configuration.secret registers the same. Set
// credentials.webhook_secret to that secret: Confluence then signs each
// body with HMAC-SHA256 in X-Hub-Signature (sha256=HEX), and a delivery
// that is unsigned or does not match is refused with
// ErrInsufficientPermissions before anything is read. Without
// webhook_secret every delivery is refused with ErrInvalidConfig.
// Confluence Cloud has no such site webhooks: its webhooks belong to apps
// and are authenticated with a JWT, which HandleEvent does not check, so
// Cloud deliveries are handled only when something in front verifies them
// and signs the body with the secret as Data Center does; the event name
// then goes in Event.Name, since Cloud payloads do not carry it.
//
// Each page or comment event makes the connector read the page by id
// (any status): a current page of a space the settings read yields its
// space's and ancestors' nodes and its document, as Load gives them; a
// page trashed, archived or gone yields the deletion of its id; and when
// the id the payload implies (its space and title) is no longer the
// page's, because it was renamed or moved, that id is deleted too. Blog
// posts (which the connector does not read), attachments, labels, spaces
// and pages of spaces the settings do not read yield nothing.
//
// What is guaranteed: neither documents nor deletions come from a payload
// alone, so a delivery retried, replayed or arriving out of order yields
// the page as it is when handled; a late page_trashed does not remove a
// restored page, and a late page_updated does not bring back a trashed
// one. The items of two deliveries handled at the same time may reach the
// index in either order, so a host should handle one site's deliveries
// one at a time. A page renamed between two deliveries leaves its older
// id, which no payload names, to the next pruning. A delivery lost on the
// way is made good by the next poll for an edit and by the next pruning
// for a removal; a lost comment event only by the page's next edit or a
// full load, since a comment does not change the page's version.
//
// # Rate limits
//
// Confluence Cloud limits API-token traffic with burst limits it does not
// publish, answering 429 with Retry-After, which the HTTP stack honours;
// requests_per_second adds a pace of the client's own. A full load costs
// one request per 50 pages, plus one per page for comments and one for
// attachments when asked (read for up to four pages at once), plus one per
// distinct ancestor when permissions are asked, plus about ten a day to
// measure the account's offset when time_zone is not set. At 10 requests a
// second that is about 300 pages a second without comments and 9 with
// them.
package confluence
