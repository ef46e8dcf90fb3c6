// Package dropbox reads files from Dropbox: a user's Dropbox, or the
// team space of an account that belongs to one.
//
// # Setup
//
// Create an app at https://www.dropbox.com/developers/apps (scoped
// access, full Dropbox) with the permissions account_info.read,
// files.metadata.read, files.content.read and sharing.read. Either
// generate an access token on the app's page (short-lived), or run the
// consent declared in the registration (OAuth, with
// token_access_type=offline): the credentials then hold a refresh token
// with the app key (client_id) and secret, and the connector renews
// access tokens itself, under the host's credentials provider when it
// has one. A missing permission is ErrInsufficientPermissions; a rejected
// or expired token ErrCredentialExpired.
//
// For a whole team, create the app with team scopes as well:
// team_data.member (to act as a member), members.read (to find a member
// by address) and groups.read (for group sync), and have a team admin
// consent. Such a team token reads one member's Dropbox: set team_member
// to the member's team_member_id (dbmid:..., from team/members/list or
// the admin console) or e-mail address, and the connector sends
// Dropbox-API-Select-User with every user call; team_admin sends
// Dropbox-API-Select-Admin instead, for an admin, which also reaches
// team-owned folders. A team token without team_member, or a member the
// team does not have, is ErrInvalidConfig naming team_member, as Dropbox
// answers such calls with a 400.
//
// # Settings
//
// path is the folder read recursively (empty: everything); team_space
// (true by default) reads from the team space's root, sending
// Dropbox-API-Path-Root with the root namespace of the account's
// root_info; team_member and team_admin select the member a team token
// reads as; max_file_size (20 MiB) bounds downloads, archives
// included; page_size (2000) is the listing's limit; open_archives (true
// by default) opens zip and tar archives and gzip streams, within the
// bounds of archive (max_entries, max_expanded, max_entry_size,
// max_depth, max_ratio), as the blob connectors do.
//
// # What is fetched
//
// One recursive files/list_folder listing, continued page by page with
// list_folder/continue; its cursor is the checkpoint, so resuming loses
// nothing. Folders are hierarchy nodes, yielded before what they hold
// whatever order the listing gives. Files whose server_modified lies in
// the window are downloaded (checked against content_hash) and
// extracted as text; Paper docs are exported as Markdown; binary content
// and files neither downloadable nor exportable are skipped. An archive's
// entries are documents of their own, ARCHIVE-ID!/ENTRY (nested archives
// ARCHIVE-ID!/ENTRY!/INNER), linked as the archive's address with the
// fragment #!/ENTRY, under the archive's folder with its time and
// members; an archive over its bounds is one Failure under its own id,
// and the slim listing admits exactly the same entries. Document ids are
// the files' web addresses by lower-cased path
// (https://www.dropbox.com/home/...), which Dropbox's deleted entries
// name too.
//
// Files' members are their access when the host asks for permissions:
// users and invitees by address, groups by id (g:...). A file in a shared
// folder takes the folder's members (sharing/list_folder_members, read
// once per run and shared folder) with its own when it has any; another
// file its members with inherited ones (sharing/list_file_members).
//
// Group sync (team tokens only) lists the team's groups
// (team/groups/list, continued) with the addresses of their active
// members (team/groups/members/list), under the same ids; a user's token
// is ErrNotSupported. The probe reports group sync for team tokens.
//
// Refetch reads files, Paper docs and archive entries again by id
// (files/get_metadata, then as Load reads them); a file Dropbox no longer
// has, or an entry its archive no longer holds, is a deletion.
//
// NormalizeURL maps a file's address in the web app (/home/PATH, or a
// folder's page with ?preview=NAME) to its id, asking files/get_metadata
// for the path as Dropbox lower-cases it. Shared links name a file by a
// token and are not mapped.
//
// Under a host that keeps Values, each stream takes
// list_folder/get_latest_cursor before its listing and stores it when it
// ends; the next poll first reads the changes since it: deleted entries
// are deletions, and files moved or renamed without a new
// server_modified are yielded again. Dropbox names a deleted folder with
// one deleted entry and not what it held, and a deleted entry does not
// say whether it was a file or a folder, so each deleted path is listed
// with include_deleted: a folder's files and subfolders, reported as
// deleted, are deletions too (a file's path answers not_folder). A
// deleted archive's entries are deletions as well: its last revision
// (files/list_revisions) is downloaded again and its entries listed. A
// cursor Dropbox resets (409 reset) starts the listing over, leaving the
// deletions since the last run to pruning.
//
// # Limits
//
// Dropbox answers over its rate limit with 429 and Retry-After, which
// the HTTP stack honours. Shared links are not read as public access.
// The entries dropped from an archive that changed, and those of a
// deleted archive that can no longer be read, are left to pruning.
package dropbox
