// Package gitlab reads issues, merge requests and wiki pages from
// gitlab.com or a self-managed GitLab instance through its REST API (v4).
//
// # Setup
//
// Create an access token with the read_api scope: a personal access token
// (User settings > Access tokens), or a project or group access token
// (the project's or group's Settings > Access tokens) with at least the
// Reporter role, which reads that project or group only. An OAuth access
// token with read_api works too, with TokenType "oauth". The token is
// sent in the PRIVATE-TOKEN header (OAuth tokens as a bearer token) and
// never appears in logs or errors.
//
// Name what to read by full path, as it appears in the address bar:
// groups ("acme" or "acme/backend"), whose projects are all read (with
// those of their subgroups unless include_subgroups is false), and single
// projects ("acme/backend/api"). For a self-managed instance set base_url
// to its address (https://gitlab.example.com), without /api/v4.
//
// # Settings
//
//	base_url                instance address (https://gitlab.com)
//	groups, projects        what to read, by full path (at least one)
//	include_subgroups       read the projects of subgroups (true)
//	include_issues          read issues (true)
//	include_merge_requests  read merge requests (true)
//	include_notes           add notes as sections (true)
//	include_wiki            read wiki pages (true)
//	state                   all, opened or closed (closed includes merged)
//	per_page                listing page size, at most 100 (100)
//
// # What is fetched
//
// Each issue and merge request is a document whose id is its web address
// (https://gitlab.com/acme/api/-/issues/12), with its description, then
// one section per note (system notes left out) linking to the note
// (#note_ID); GitLab's created and updated times; the author as primary
// owner and the assignees (and reviewers) as secondary owners; metadata
// with the kind, project, state, labels, milestone, iid and author, and
// for merge requests the branches, draft and merged flags. A wiki page is
// a document under /-/wikis/SLUG with its content; GitLab's REST API gives
// wiki pages no times and no authors, so they have none.
//
// Before a project's documents come hierarchy nodes: one per group above
// it, outermost first (ids https://gitlab.com/groups/PATH), then the
// project's own (its web address), which documents name as their parent.
//
// With Env.WantPermissions, a public project's documents are public, an
// internal one's are open to the group id InternalGroup (every signed-in
// user), and a private one's (or those of a feature a public project keeps
// to its members) to its direct members whose address is known and to
// "group:PATH" of its group and of the groups it is shared with. Members'
// addresses come from the members API where GitLab shows them
// (administrators) or from the users' public profile addresses (one
// request per member, cached per run); a hidden address is left out. A
// confidential issue is open only to direct members who are Reporters or
// above. Groups lists each of those groups with the members GitLab
// counts, inherited ones included (members/all); a group the token cannot
// see (a private group a project is shared with) is listed without members.
//
// # Order and checkpoints
//
// The configured projects come first in path order, then each group's
// projects in id order (keyset pagination, or page numbers on an instance
// that refuses it). In each project, issues and merge requests are listed
// oldest first by update time, filtered with updated_after and
// updated_before; after each page the listing is asked again from the
// last update time read, skipping the items read at that time, so that an
// item edited during a run (which moves to the end) never shifts an unread
// item past the reader. A checkpoint after each page holds the project,
// the listing, that time and the iids read at it: its size does not grow
// with the source.
//
// NormalizeURL maps a pasted address of an issue, merge request or wiki
// page (with a #note fragment, a query, a merge request tab such as
// /diffs, or GitLab's older routes without "/-/") to its document id.
//
// # Limits
//
// Wiki pages have no update time in the REST API, so polls with a start
// time cannot tell which changed: they are read only by runs over all
// time (a first run, or tributary run --full). Repository files are not
// read. Requests pace themselves by GitLab's RateLimit-* headers (whose
// RateLimit-Reset is an epoch time) and wait out a 429 "Retry later" by
// its Retry-After; gitlab.com allows 2,000 authenticated API requests a
// minute. A project or listing that disappears or is refused during a run
// is a failure, and the run goes on.
package gitlab
