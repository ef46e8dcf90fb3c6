// Package asana is the connector for Asana: the tasks of a user's projects,
// with their comments.
//
// # Setup
//
// Either create a personal access token (My Settings > Apps > Developer
// apps > Personal access tokens, or https://app.asana.com/0/my-apps) and
// give it as credentials.access_token; it reads what its user sees. Or
// register an OAuth application in the developer console and let the host
// run the consent flow declared in OAuth; the credentials then hold the
// access token, the refresh token, the client id and secret, and the
// connector renews the hourly access token itself (saving each new one
// through Env.SaveCredentials). An OAuth app with limited scopes needs
// users:read, workspaces:read, projects:read, tasks:read, stories:read
// (for comments) and teams:read (for group sync). Validate names the scope
// a refused request needed.
//
// # Settings
//
// workspaces and projects are gids (the digits in an address such as
// https://app.asana.com/1/WORKSPACE/project/PROJECT); when empty, every
// workspace of the user and every project it sees are read.
// include_archived adds archived projects; include_comments (on by
// default) adds comments as sections; include_subtasks reads subtasks as
// documents of their own. requests_per_minute paces the client below
// Asana's budget (150 a minute on free workspaces, 1,500 on paid ones).
//
// # What is read
//
// GET /users/me for the workspaces, GET /projects?workspace=GID (archived
// or not) for the projects, GET /tasks?project=GID with opt_fields (name,
// notes, assignee, followers, created_at, modified_at, completed,
// permalink_url, memberships, custom_fields) a page of up to 100 at a
// time, GET /tasks/GID/stories for the comments (stories of type
// "comment"), and GET /tasks/GID/subtasks when asked. A poll asks for the
// tasks with modified_since at the window's start and keeps those modified
// before its end. Each document's first section holds the notes, the
// projects, the assignee, the due date, whether it is completed, and the
// custom fields' values; each comment follows as a section headed with its
// author and date.
//
// # Ids and hierarchy
//
// A task's id is https://app.asana.com/0/0/TASK_GID, an address Asana keeps
// for the task wherever it moves; its sections link to its permalink_url.
// Workspaces (https://app.asana.com/1/WS/home) and projects
// (https://app.asana.com/1/WS/project/P) are hierarchy nodes, a workspace
// before its projects and a project before its tasks. A task in several
// projects read is one document, under the project with the smallest gid
// of those.
//
// # Access
//
// A project public to its workspace is open to the group
// "workspace:WS_GID" (the workspace's members); a project private to its
// team to the group "team:TEAM_GID" and its members; a private project to
// its members. A task is open to whoever may see one of its projects, its
// assignee and its followers. Groups lists those groups: each workspace's
// members and each team's.
//
// # Checkpoints and deletions
//
// Workspaces and projects are read in gid order; a checkpoint names the
// workspace and project in progress and the offset of the next page of
// tasks, so its size does not depend on the source's. Asana's offsets
// expire: a checkpoint with one Asana no longer accepts (a 400) reads that
// project again from its start. When the host keeps Values
// (tributary.ValuesFrom), each project's events are read after its tasks
// with the sync token kept there, and deleted tasks are yielded as
// deletions. The first read of a project, and a token more than a day old,
// answer 412 with a new token: deletions before it are left to pruning
// (LoadSlim).
//
// # Limits
//
// Asana answers 429 with Retry-After past its requests per minute or its
// 50 concurrent requests; the client paces itself under the first and
// sends one request at a time, and waits as told. Comments are read up to
// the latest 200 per task. Subtasks are found through their parents, so a
// poll with include_subtasks lists every task of each project; deletions
// of subtasks are left to pruning.
package asana
