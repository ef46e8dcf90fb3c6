// Package clickup reads the tasks of ClickUp workspaces through API v2
// (https://api.clickup.com/api/v2): each task, with its description and
// comments, is a document in the hierarchy workspace, space, folder,
// list.
//
// # Setup
//
// A personal API token reads everything its user may see: in ClickUp,
// open Settings > Apps (or your avatar > Apps) and generate the API
// Token; it starts pk_ and goes into the credentials as api_token. A
// user who is a guest sees only what was shared with them, so use a
// member's (or a dedicated member account's) token. An OAuth app's
// access token goes in as access_token instead (sent as a Bearer
// token); it reads only the workspaces the user authorized the app for.
// ClickUp has no scopes: a token reads what its user may read.
//
// Workspace ids are the number after app.clickup.com/ in the browser
// (https://app.clickup.com/9015123/home); space ids are in a space's
// address (/v/s/90150001). Both settings are optional: all workspaces
// and spaces the token sees are read when they are empty.
//
// # Settings
//
//	{"workspaces": ["9015123"], "spaces": [], "include_closed": true,
//	 "include_subtasks": true, "include_comments": true, "max_comments": 500,
//	 "task_members": false, "requests_per_minute": 100}
//
// # What is read
//
// The connector walks GET /team (workspaces), GET /team/{id}/space
// (spaces, archived=false), GET /space/{id}/folder (folders), GET
// /folder/{id}/list and GET /space/{id}/list (folderless lists), and
// reads each list's tasks with GET /list/{id}/task, ordered by update
// time oldest first (order_by=updated&reverse=true), with closed tasks
// and subtasks as the settings say, 100 a page. Each task's first
// section is its markdown_description (or text_content); its comments
// (GET /task/{id}/comment, the 25 newest, then older ones by start and
// start_id of the oldest read, up to max_comments) follow oldest first,
// each linking to https://app.clickup.com/t/ID?comment=COMMENT. Metadata
// holds the status, list, folder, space, workspace, custom id, parent
// task, priority, tags, due date and points; the creator is the primary
// owner, assignees are secondary owners. Comments count as updates: a
// new comment sets the task's date_updated.
//
// Windows are on date_updated, in milliseconds: a poll asks for
// date_updated_gt (one millisecond before the window's start) and
// date_updated_lt (its end), and checks the bounds exactly.
//
// # Ids
//
// A task's id is https://app.clickup.com/t/TASK_ID, with ClickUp's own
// task id, never the custom task id (ACME-12): a custom id changes when
// the task moves to a space with another prefix, the task id never does.
// The custom id is in the metadata and the semantic id. Nodes are the
// web addresses of the workspace (app.clickup.com/TEAM), spaces
// (/TEAM/v/s/ID), folders (/TEAM/v/f/ID) and lists (/TEAM/v/li/ID). A
// task in several lists (Tasks in Multiple Lists) is one document, read
// in its home list (the list field of the task): the listing is asked
// without include_timl and a task whose home is another list is passed
// over.
//
// # Checkpoints
//
// A checkpoint names the list in progress (its id, and its index in the
// walk should the list be gone on resume), the update time read up to,
// the ids read at that time (at most a page) and, only inside a tie
// longer than a page, a page number. Page numbers over a listing that
// changes while it is read shift tasks: a task edited during the run
// moves to the end, and every later task one place forward, onto a page
// read already. So after each page the listing is asked again from the
// last update time read (tributary.UpdateOrder): an edited task is met
// again later, never an unread one lost. Checkpoints do not grow with
// the workspace.
//
// # Access
//
// A task in a public list of a public folder and space is open to the
// workspace's members: group workspace:TEAM_ID. A task in a private
// list, or in a private folder or space, is open to the users GET
// /list/{id}/member names, by e-mail address. With task_members, each
// such task's access is GET /task/{id}/member instead (its list's
// members and the people it is shared with), at a request per task;
// without it, a task shared beyond its list has its list's access.
// Tasks of public lists are not read per task.
// Groups lists, per workspace, workspace:TEAM_ID with the members GET
// /team names, and the user groups of GET /group?team_id=ID as
// group:GROUP_ID (no document names them: ClickUp gives access per
// user, and a group's access shows in its members').
//
// # Deletions
//
// Deleted and archived tasks drop out of the listings, and the API has
// no listing of deleted tasks; they are pruned through LoadSlim, which
// lists exactly the ids a load yields. Archived tasks could be listed
// with archived=true and deletions arrive as taskDeleted webhooks; the
// connector uses neither.
//
// # Limits
//
// ClickUp allows each token 100 requests a minute on the Free Forever,
// Unlimited and Business plans, 1,000 on Business Plus and 10,000 on
// Enterprise. Every answer says X-RateLimit-Limit, X-RateLimit-Remaining
// and X-RateLimit-Reset (epoch seconds); the stack spreads the last
// requests of a minute until the reset, and a 429 (ECODE APP_002) waits
// until it. requests_per_minute sets the client's own pace. A run costs
// a few requests per space and folder, one per private list, one per
// hundred tasks and, with comments, one more per task.
//
// # Refetch, probe and pasted addresses
//
// Refetch reads tasks by id (GET /task/{id}) with their comments; a task
// ClickUp no longer has (404), or that the settings no longer admit
// (archived, closed or a subtask when those are left out, or in a list
// the walk does not reach), is a deletion. Probe asks GET /user and GET
// /team for indexing and access sync, and GET /group for group sync.
// NormalizeURL maps app.clickup.com/t/TASK_ID (with any query, such as a
// comment's), app.clickup.com/t/TEAM/CUSTOM-ID (looked up once with
// custom_task_ids=true&team_id=TEAM) and a view with a task open
// (/TEAM/v/li/LIST?p=TASK_ID, any view with ?p=) to the task's id.
//
// # Errors
//
// A token ClickUp does not know or has revoked (401 OAUTH_017, OAUTH_019,
// OAUTH_025 ...) is ErrCredentialExpired; a workspace or list the token
// may not read (401 OAUTH_023, OAUTH_026, OAUTH_027) is
// ErrInsufficientPermissions, and a list refused so is a Failure of the
// list while the others are read. Comments that cannot be read make a
// Failure under the task's id.
package clickup
