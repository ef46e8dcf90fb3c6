// Package bitbucket reads the pull requests of Bitbucket Cloud workspaces
// and repositories, with their comments, through the REST API 2.0.
//
// # Setup
//
// Use either an app password or an access token.
//
// An app password (Personal settings > App passwords) is sent with its
// Bitbucket username by HTTP basic authentication; an Atlassian API token
// works the same way with the account's e-mail address as username. Give
// it the Repositories: Read and Pull requests: Read permissions, and for
// access and group sync Account: Read and Workspace membership: Read. It
// reads what its user may read.
//
// A repository, project or workspace access token (the repository's,
// project's or workspace's Settings > Access tokens) is sent as a bearer
// token in place of the username and password, with the Repositories:
// Read and Pull requests: Read scopes. A repository access token reads
// that one repository only. Credentials never appear in logs or errors.
//
// Name what to read by slug, as it appears in the address bar
// (https://bitbucket.org/WORKSPACE/REPO): workspaces, whose repositories
// are all read (those the credentials can see), and single repositories
// as "workspace/repo".
//
// # Settings
//
//	workspaces, repositories  what to read (at least one)
//	states                    pull request states (OPEN, MERGED, DECLINED, SUPERSEDED: all by default)
//	include_comments          add comments as sections (true)
//	member_emails             addresses group sync names members by (see below)
//	pagelen                   pull request page size, at most 50 (50)
//	api_url, web_url          https://api.bitbucket.org/2.0 and https://bitbucket.org
//
// # What is fetched
//
// Each pull request is a document whose id is its web address
// (https://bitbucket.org/acme/api/pull-requests/12), with its description,
// then one section per comment (deleted ones left out; inline comments and
// replies say so in their heading) linking to the comment; Bitbucket's
// created and updated times; the author as primary owner and the reviewers
// as secondary owners (Bitbucket shows no e-mail addresses, so owners have
// display names only); metadata with the workspace, repository, project
// key, state, number, author, reviewers and branches.
//
// NormalizeURL maps any address of a pull request (a tab such as /diff, a
// title slug, a query or a #comment-N fragment) to its id, and Refetch
// reads pull requests again by id.
//
// Before a repository's documents come hierarchy nodes: the workspace's
// (https://bitbucket.org/acme), then the repository's (its web address),
// which documents name as their parent.
//
// # Access and groups
//
// With Env.WantPermissions, a public repository's documents are public. A
// private repository's are open to the group RepositoryGroup
// ("repository:acme/api"), the users with a permission on it. Bitbucket
// lets only workspace administrators (or admin access tokens) read
// repository permissions: with other credentials the connector warns once
// per workspace and opens private repositories' documents to
// WorkspaceGroup ("workspace:acme"), every member of the workspace, which
// is wider than the repository's own access; metadata access_basis says
// which was used ("repository" or "workspace").
//
// Groups lists, per workspace read, WorkspaceGroup with the workspace's
// members, then RepositoryGroup for each private repository whose
// permissions can be read. Bitbucket never lists members' addresses; it
// only tells an administrator which of given addresses belong to members.
// Set member_emails to the addresses of the people who use the index (the
// connector looks them up 90 per request, once per workspace per listing);
// members matching none are left out, and without member_emails groups
// are listed without members. User groups (Bitbucket's own groups of a
// workspace) have no REST 2.0 listing of their members and are not read.
//
// # Order and checkpoints
//
// The configured repositories come first in name order, then each
// workspace's repositories in slug order. A repository's pull requests are
// listed oldest update first (sort=updated_on rather than the usual
// newest-first -updated_on) in every configured state, with the
// window as a BBQL filter (q=updated_on >= START AND updated_on < END,
// rounded outwards to Bitbucket's microseconds and applied exactly
// afterwards). A newest-first listing cannot be checkpointed by a position
// that stays put: every edit lands ahead of the reader. Oldest first, an
// edit moves a pull request behind the reader; so after each page the
// connector asks again from the last update time read (updated_on >= it),
// skipping the pull requests read at that time, and no unread one shifts
// back onto a page read already, as following page numbers would allow.
// The page's next link is followed only while a page holds nothing but the
// cursor's time (a tie longer than a page), and only within api_url: a
// next link elsewhere, a page without values, or a next link naming its own
// page ends that repository's listing as a malformed answer (a Failure
// over the window). A checkpoint after each page holds the repository,
// that time, the ids read at it (at most a page) and, inside a tie, the
// next link: its size does not grow with the source. A listing found out
// of order is read to its end by its next links, with a warning.
//
// # Limits
//
// Bitbucket allows 1,000 requests an hour per user (or per access token)
// to /2.0/repositories, more for large paid workspaces, over a rolling
// hour. Its 429 answers name no wait, and app passwords' answers carry no
// rate-limit headers (access tokens' carry X-RateLimit-Limit and
// X-RateLimit-NearLimit but no count remaining, nor when the rolling
// window frees a request, so they are not paced by), so the connector
// backs off, doubling from half a second to two minutes, for up to ten
// minutes per request; past that the run ends with ErrRateLimited and the
// next run resumes from the last checkpoint. A run costs a request per
// page of pull requests, one per commented pull request (more past 100
// comments), and with permissions one per private repository (one per
// workspace when they cannot be read). Pull requests cannot be deleted in
// Bitbucket; a repository that disappears or is refused during a run is
// a Failure, and the run goes on.
package bitbucket
