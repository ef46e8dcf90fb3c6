// Package notion reads the pages and database rows of a Notion workspace
// that were shared with an integration, through the public API (version
// 2022-06-28).
//
// # Setting up
//
// Create an internal integration at https://www.notion.so/my-integrations
// in the workspace to read, with the "Read content" capability, and, for
// documents to name their authors with e-mail addresses, "Read user
// information including email addresses" (with "Read user information
// without email addresses" they carry names only; with neither, no
// owners). Its "Internal Integration Secret" (ntn_... or secret_...) is
// the credentials' token. Then share what to read with it: on a top page
// or a database, "..." → Connections → add the integration; everything
// under what is shared is readable. A public integration's OAuth consent
// (see OAuth) gives an access token that serves the same way, for the
// pages the user picks at consent.
//
// Every request sends "Authorization: Bearer TOKEN" and "Notion-Version:
// 2022-06-28".
//
// # Settings
//
//	{
//	  "include_databases": true,   // rows of shared databases (default true)
//	  "max_depth": 16,             // how deep nested blocks are read (1-64)
//	  "page_size": 100,            // results per request (1-100)
//	  "requests_per_second": 3,    // the client's pace (Notion: 3 on average)
//	  "base_url": "https://api.notion.com"
//	}
//
// # What is fetched
//
// Pages come from POST /v1/search filtered to pages and sorted by
// last_edited_time, newest first. The search cannot be bounded by time, so
// a poll reads it until the end of the first page of results, read in
// order, that reaches past the window's start; a search found out of
// order is read to its end. Rows of databases are left out of it and read
// instead, database by database (the databases from a search filtered to
// databases, oldest first), with POST /v1/databases/ID/query filtered on
// last_edited_time and sorted by it, oldest first. Notion reports times
// to the minute and compares a filter's times to the minute, so the
// query's bounds are rounded outwards (on_or_after the start's minute,
// before the minute after the end) and rows filtered exactly.
//
// A page's content is its block tree, read with GET
// /v1/blocks/ID/children page by page and recursively to max_depth:
// paragraphs, headings, lists (as "- " lines), to-dos ("[x] "), quotes,
// callouts, toggles, code, equations, table rows (cells joined by " | "),
// columns, bookmarks and the captions and links of files; a synced block
// shows its original's children (once per page; nothing when the
// original's page is not shared). Rich text becomes plain text. Each
// heading starts a section linking to the heading's block
// (https://www.notion.so/ID#BLOCK); text before the first heading is the
// first section, linking to the page. A row's properties besides its title
// come first, as "Name: value" lines, and its select, multi-select and
// status values are metadata under the property's name. At most 20,000
// blocks are read of one page.
//
// A document's id is https://www.notion.so/ and the page's id without
// dashes, which Notion opens whatever the page's title; NormalizeURL maps
// the links Notion gives (with the title's slug, the workspace's name, a
// notion.site address or ?p=ID) to it. CreatedAt and UpdatedAt are the
// page's created_time and last_edited_time, to the minute, never the time
// of the run. The creator is the primary owner and the last editor, when
// another person, the secondary one, each read once per run with GET
// /v1/users/ID. Metadata holds type ("page" or "database_row"), database
// (a row's database id) and parent (the id of the page, database or block
// holding it).
//
// # Hierarchy
//
// A page that holds pages or databases is a node "page:ID", and a database
// a node "database:ID" (kind "database"), each under its own parent's
// node; a page inside a block (a toggle, a column) is placed under the
// block's page. A document's ParentID names its parent's node. Nodes come
// before what names them: a node is yielded before the first page under it
// in a run (again after many others, as the connector remembers the last
// thousand), reading a parent with GET /v1/pages/ID, /v1/databases/ID or
// /v1/blocks/ID when the run has not met it. A page under a parent the
// integration cannot read is placed at the top.
//
// Notion's API tells an integration nothing of who may see a page, and
// has no groups: documents carry no ExternalAccess, and the connector
// offers no group sync. Probe reports indexing only.
//
// # Checkpoints
//
// A checkpoint (a few hundred bytes, whatever the workspace's size) holds
// the phase (pages or databases), the search's cursor and the edit time
// of the last page passed, and in the databases phase the database in
// progress with its edit time and the row query's cursor and last row's
// edit time. A cursor Notion refuses starts the search or query again
// from those times, skipping what was passed, so a checkpoint never loses
// what followed it. An edit during the run moves a page to the front of
// the newest-first search (behind the reader: its new edit is after the
// window's end, so the next window reads it) or a row to the end of its
// oldest-first query (ahead of the reader: it is read twice).
//
// # Limits
//
// Notion allows three requests a second on average per integration and
// answers more with 429 rate_limited and Retry-After in seconds; the
// client paces itself at requests_per_second and waits out Retry-After.
// Reading a page costs one request per block that has children (and per
// hundred children): a page of nested lists, a table, a toggle and a
// synced block takes about seven, two seconds at Notion's pace, and a
// plain page or row one. A poll reads only the pages edited in its window.
// Since Notion reports an edit at 10:05:40 as 10:05, a window starting at
// 10:05:30 does not hold it although the window before may have ended
// before the edit: keep the runner's lookback at a minute or more (its
// default is five), so that consecutive windows overlap by that minute.
// Search is Notion's and its index lags: a page shared with the
// integration after its last edit, or indexed late, is found by the next
// full run, not by a poll whose window it was edited before. Database rows whose database is not shared are not read.
// Pages are never reported deleted by a window (Notion lists no
// deletions); pruning with LoadSlim finds them, and Refetch reports a page
// in the trash as a deletion (and one Notion answers 404 for, deleted or
// no longer shared, as a failure).
package notion
