// Package box reads files from Box folders.
//
// # Setup
//
// Create an app in the Box Developer Console
// (https://app.box.com/developers/console) as a Custom App, and give it
// the application scope "Read all files and folders stored in Box"
// (root_readonly); add "Manage groups" (manage_groups) for group sync.
// Then authenticate in one of three ways:
//
//   - Developer token: generate one on the app's Configuration page and
//     set access_token. It acts as you and lasts 60 minutes: for trying
//     the connector only.
//   - OAuth 2.0 (User Authentication): run the consent declared in the
//     registration (authorize at account.box.com, tokens from
//     api.box.com/oauth2/token). The credentials hold the refresh token
//     with the app's client_id and client_secret; Box rotates the refresh
//     token on every refresh, and the connector saves each new one through
//     the host's credentials provider (Env.Credentials, shared between
//     workers) or Env.SaveCredentials, so a refresh token is never used
//     twice.
//   - Server Authentication with the Client Credentials Grant: choose
//     "Server Authentication (Client Credentials Grant)", have an admin
//     authorize the app in the Admin Console (Integrations, Platform
//     Apps Manager), and set client_id, client_secret,
//     box_subject_type=enterprise with box_subject_id the enterprise id
//     (to read as the app's service account, which sees what is shared
//     with it) or box_subject_type=user with a user id (App + Enterprise
//     Access, and "Generate user access tokens" enabled).
//
// A rejected or expired token is ErrCredentialExpired; a token without a
// needed scope (Box's 403 insufficient_scope) ErrInsufficientPermissions.
//
// # Settings
//
// folder_ids are the folders read with everything under them ("0", All
// Files, by default; a folder's id ends its address,
// https://app.box.com/folder/ID); max_file_size (20 MiB) bounds
// downloads, archives included; page_size (1000, Box's largest) is the
// listing's limit; open_archives (on) opens zip and tar archives and gzip
// streams within the bounds of archive, as the blob connectors do;
// public_shared_links (off) makes files whose shared link is open to
// anyone public; api_url and download_host point at a proxy or an
// emulator.
//
// # What is read
//
// Each folder is listed with GET /2.0/folders/ID/items, marker paged
// (usemarker=true, limit, marker), asking only the fields the connector
// needs (fields=id,type,name,sha1,size,modified_at,...), depth first.
// Folders are hierarchy nodes, parents first; the configured folders are
// roots. Files are downloaded with GET /2.0/files/ID/content, which
// answers 302 to Box's download host (dl.boxcloud.com) or 202 with
// Retry-After while a new file is not ready; the download is checked
// against the listing's sha1 and fetched again when it does not match or
// arrives cut short. Only the API's host, the token endpoint's,
// dl.boxcloud.com and download_host are ever contacted: a redirect
// elsewhere is refused. Content is extracted with the project's
// extractors (text, Markdown, HTML, PDF, Office ...); Box Notes
// (.boxnote) are read as text; binary files are skipped.
//
// Documents are modified_at in [start, end) for a window. Under a host
// that keeps Values (the runner), each run takes the changes event
// stream's position first (GET /2.0/events?stream_type=changes&
// stream_position=now) and stores it when it ends; the next poll reads
// the events from it instead of walking: ITEM_UPLOAD, ITEM_MODIFY,
// ITEM_RENAME, ITEM_MOVE, ITEM_COPY and ITEM_UNDELETE_VIA_TRASH read the
// file again (a deletion when it is gone or now outside the folders),
// ITEM_TRASH and ITEM_DELETE of a file are deletions, a trashed folder
// deletes the files it held (listed from the folder in the trash), a
// folder moved out of the folders deletes its files and one moved in
// loads them. Events repeated within a page are read once (Box's stream
// may repeat them). A stream position Box no longer takes makes the poll
// walk its window instead. The enterprise's admin_logs stream is not
// read: it needs an admin and reports the whole enterprise, and the
// changes stream already says what a folder tree needs.
//
// # Ids
//
// A file's id is its web address, https://app.box.com/file/ID; an
// archive's entries are https://app.box.com/file/ID!/ENTRY. Folders'
// nodes are https://app.box.com/folder/ID. NormalizeURL maps those
// addresses (on any *.app.box.com host) and shared links
// (https://app.box.com/s/...), the latter through GET /2.0/shared_items.
//
// # Access
//
// With Env.WantPermissions, a file's access is its owner and its
// accepted collaborators (GET /2.0/files/ID/collaborations) with those of
// every folder above it (GET /2.0/folders/ID/collaborations, read once per
// run: Box lists only a folder's own, and they are inherited): users by
// login, groups by id. A shared link open to anyone makes the file public
// when public_shared_links is on; company links add nothing. Groups
// lists the enterprise's groups (GET /2.0/groups) with their members'
// logins (GET /2.0/groups/ID/memberships); it needs manage_groups.
//
// # Limits
//
// Box allows about 1000 API requests a minute per user; a 429 is waited
// out as its Retry-After says. A checkpoint holds the root being walked
// and the stack of folders from it with one marker each: it grows with
// the tree's depth, never with its size. A file over max_file_size, one
// Box refuses to download (403) or no longer has (404), and content that
// does not extract are Failures under the file's id; a subfolder Box
// refuses to list is a Failure under the folder's node id, and the walk
// goes on. Archives' entries
// are not deleted by events (pruning finds them), and collaborations
// changed without a change to the file are found by the slim listing
// (permission sync), not by polls.
package box
