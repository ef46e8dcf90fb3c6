// Package googledrive reads files from Google Drive into Tributary
// documents: users' My Drives, shared drives, folders read recursively and
// files shared with users.
//
// # Setting up the source
//
// A whole Workspace domain (the usual setup): in the Google Cloud console,
// create a service account in a project with the Google Drive API and the
// Admin SDK API enabled, and download a JSON key for it (IAM & Admin,
// Service accounts, Keys, Add key). In the Admin console, Security, Access
// and data control, API controls, Domain-wide delegation, add the service
// account's client id with the scopes
//
//	https://www.googleapis.com/auth/drive.readonly                   (indexing; access sync)
//	https://www.googleapis.com/auth/admin.directory.user.readonly    (listing users)
//	https://www.googleapis.com/auth/admin.directory.group.readonly   (group sync)
//
// (drive.metadata.readonly suffices for slim listings and access sync
// alone, but not for content). Give the key file's contents as
// credentials service_account_key and an administrator's address as
// settings admin_email: the connector acts as each user to read that
// user's My Drive and shared-with-me files, and as the administrator to
// list users, groups and every shared drive of the domain, and to read
// shared drives and folders; a shared drive the administrator is not a
// member of is read as the first of its members (found through the
// drive's permissions with useDomainAdminAccess).
// Each request asks only for the one scope it needs, so a delegation
// lacking group.readonly still indexes; Probe names what is missing.
//
// One user: OAuth credentials of a user who consented to drive.readonly
// with offline access: client_id and client_secret of the OAuth client,
// the consent's refresh_token (and optionally a current access_token;
// token_uri defaults to https://oauth2.googleapis.com/token). The
// connector reads that user's My Drive, the shared drives the user belongs
// to, and what others shared with them; my_drive_emails is refused, since
// reading other users needs delegation. A bare access_token works too,
// until it expires. "tributary auth google_drive --config F --client-id
// ID" runs the consent (an OAuth client of type "Desktop app"; see OAuth)
// and keeps these credentials for "tributary run".
//
// Shared drive and folder ids are the last part of their URLs
// (https://drive.google.com/drive/folders/ID). Settings:
// include_my_drives and include_shared_drives (both on by default),
// my_drive_emails (empty: every active user), shared_drive_ids (empty:
// every shared drive of the domain with a service account, those the user
// belongs to with OAuth credentials), folder_ids (read with
// everything under them), include_shared_with_me, anyone_with_link_is_public,
// max_file_size (20 MiB), concurrency (files read at once, 8; at most
// twice as many are held ahead of the one being yielded, so memory is
// bounded by that many files' text), page_size (100, at most 1000) and
// api_url (for a proxy or an emulator).
//
// # Documents
//
// One document per file, whoever reads it: its id is the file's canonical
// URL https://drive.google.com/file/d/FILE_ID/view, its link the file's
// webViewLink, its semantic id and title the file's name; created and
// updated times are Drive's createdTime and modifiedTime; primary owners
// the owners, secondary owner the last modifier; metadata the MIME type,
// the shared drive id and the file id. Google Docs are exported as
// Markdown, Sheets as a workbook (one table section
// per sheet, headed by its name), Slides as text; PDF, Office, text,
// Markdown, CSV, HTML, JSON and e-mail files are downloaded (checked
// against md5Checksum) and extracted by the file connector's extractors.
// Other formats, Google formats without a text export (Forms, Drawings)
// and files over max_file_size are skipped and counted as skips, in slim
// listings too. Trashed files and folders are not documents. Shared drives
// (kind "shared_drive") and folders (kind "folder") are hierarchy nodes,
// ids https://drive.google.com/drive/folders/ID, yielded before anything
// inside them; a document's ParentID is its folder's node.
//
// A file is read once however many ways it is reached. Passes run in
// order: shared drives, users' My Drives (files each user owns), users'
// shared-with-me files, then folders; a file is yielded only by the first
// pass that lists it, decided from its own metadata (a file in a shared
// drive that is read, or owned by a user whose My Drive is read, belongs
// to that pass), so no set of seen ids is kept. A listed folder inside
// another listed folder is read once, by the outer one. Shortcuts are
// followed once: to a file no pass reads on its own, which is then yielded
// under its own id; a shortcut to a shortcut (a chain or a loop) is a
// failure under the shortcut's id, a shortcut to a folder is skipped.
//
// # Failures, rate limits and access
//
// A Doc too large to export (exportSizeLimitExceeded), a file Drive
// flags as abusive (cannotDownloadAbusiveFile, which the connector never
// acknowledges) or whose owner forbids downloads (fileNotDownloadable),
// and content that cannot be extracted are failures under the file's
// document id, fetched again by Refetch. Drive's 403 userRateLimitExceeded
// and rateLimitExceeded answers are rate limits, as 429 is: a transport
// under the HTTP stack turns them into 429s, so they are retried with
// backoff (a 403 whose reason cannot be read is retried too) and never
// reported as missing permissions.
//
// When the host asks for permissions, each document's access comes from
// permissions.list: users by address, groups as "group:ADDRESS", domains
// as "domain:NAME" (the ids Groups lists, with every user of each domain),
// anyone as public. Sharing by link alone (allowFileDiscovery false)
// admits no one more unless anyone_with_link_is_public is set. A reader
// that may not list a file's sharing gets access naming the reader alone.
// Groups lists the domain's groups with their members, nested groups
// expanded.
//
// # Windows, checkpoints and changes
//
// Windows select files by modifiedTime (files.list q with millisecond
// bounds, filtered exactly). A checkpoint holds the pass in progress and
// its page token, or for a folder pass the stack of folders being walked
// (at most 32 deep), and for the Changes API its page token: its size
// does not grow with the drive. When the host keeps Values (the Runner
// with a ValueStore), a full load stores, per shared drive and per user,
// the Changes API start token taken before its listing; a poll then reads
// the changes since: files deleted, trashed or moved out of everything
// read are deletions, and files of the pass changed without a new
// modification time (moved in, renamed) are yielded again; the new token
// is stored with the commit after them. A permission change alone changes
// no modification time: the access sync (Runner.SyncAccess over LoadSlim)
// delivers it. Slim listings read no content and no changes.
//
// # Limits
//
// A run keeps the addresses of the users and the ids of the shared drives
// it reads (the size of the directory, never of the drives' contents), and
// group sync keeps each domain's user addresses while it lists them.
// Files from outside the domain reached through several users'
// shared-with-me are yielded once per such user in a run (same id, so the
// index holds one). A shortcut's target is found by a window when the
// shortcut itself changed in it. With a service account,
// Refetch looks for a file as the administrator and then as up to 100
// users.
package googledrive
